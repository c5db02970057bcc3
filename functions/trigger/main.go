package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/cognito-events/cognito-events/internal/trigger"
)

func main() {
	lambda.Start(trigger.FromEnv(context.Background()).Handle)
}
