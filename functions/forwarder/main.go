package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/cognito-events/cognito-events/internal/forwarder/app"
	"github.com/cognito-events/cognito-events/internal/forwarder/config"
)

func main() {
	ctx := context.Background()
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		initFailed(ctx, app.ErrorTypeConfig, err)
	}
	log := app.Logger(cfg, os.Stderr)
	h, err := app.New(ctx, cfg, app.Deps{Log: log, Metrics: os.Stdout})
	if err != nil {
		errorType := app.ErrorTypeInit
		if errors.Is(err, config.ErrInvalid) {
			errorType = app.ErrorTypeConfig
		}
		initFailed(ctx, errorType, err)
	}
	lambda.Start(h.Handle)
}

// initFailed reports a failed cold start to the Runtime API and exits.
func initFailed(ctx context.Context, errorType string, err error) {
	fmt.Fprintf(os.Stderr, "forwarder: %v\n", err)
	if api := os.Getenv("AWS_LAMBDA_RUNTIME_API"); api != "" {
		if rerr := app.ReportInitError(ctx, api, errorType, err); rerr != nil {
			fmt.Fprintf(os.Stderr, "forwarder: %v\n", rerr)
		}
	}
	os.Exit(1)
}
