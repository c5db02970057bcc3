package main

import (
	"context"
	"errors"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/cognito-events/cognito-events/internal/lambdafn"
	"github.com/cognito-events/cognito-events/internal/usersync"
)

func main() {
	ctx := context.Background()
	cfg, err := usersync.Load(os.Getenv)
	if err != nil {
		lambdafn.Exit(ctx, "sync", lambdafn.ErrorTypeConfig, err)
	}
	log := lambdafn.Logger(cfg.LogFormat, cfg.LogLevel, os.Stderr)
	f, err := usersync.NewFunction(ctx, cfg, log, os.Getenv)
	if err != nil {
		errorType := lambdafn.ErrorTypeInit
		if errors.Is(err, usersync.ErrInvalid) {
			errorType = lambdafn.ErrorTypeConfig
		}
		lambdafn.Exit(ctx, "sync", errorType, err)
	}
	lambda.Start(f.Handle)
}
