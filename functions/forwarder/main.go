package main

import (
	"context"
	"errors"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/cognito-events/cognito-events/internal/forwarder/app"
	"github.com/cognito-events/cognito-events/internal/forwarder/config"
	"github.com/cognito-events/cognito-events/internal/lambdafn"
)

func main() {
	ctx := context.Background()
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		lambdafn.Exit(ctx, "forwarder", lambdafn.ErrorTypeConfig, err)
	}
	log := lambdafn.Logger(cfg.LogFormat, cfg.LogLevel, os.Stderr)
	h, err := app.New(ctx, cfg, app.Deps{Log: log, Metrics: os.Stdout})
	if err != nil {
		errorType := lambdafn.ErrorTypeInit
		if errors.Is(err, config.ErrInvalid) {
			errorType = lambdafn.ErrorTypeConfig
		}
		lambdafn.Exit(ctx, "forwarder", errorType, err)
	}
	switch cfg.Input {
	case config.InputSQS:
		lambda.Start(h.HandleSQS)
	case config.InputSQSCloudEvents:
		lambda.Start(h.HandleSQSCloudEvents)
	default:
		lambda.Start(h.HandleEventBridge)
	}
}
