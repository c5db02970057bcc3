package handler

import (
	"context"
	"fmt"

	lambdaevents "github.com/aws/aws-lambda-go/events"

	"github.com/cognito-events/cognito-events/events"
)

// Structured is the Normalizer of the sqs-cloudevents input: each input is
// already an event of the contract in structured mode (the trigger
// function queued it), read back with events.ParseStructured and delivered
// unchanged. An input that is not such an event is malformed.
type Structured struct{}

var _ Normalizer = Structured{}

// Normalize parses input; errors wrap ErrMalformed.
func (Structured) Normalize(_ context.Context, input []byte) (*events.Event, error) {
	ev, err := events.ParseStructured(input)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return ev, nil
}

// HandleSQSCloudEvents takes an SQS batch of structured-mode CloudEvents
// (FORWARDER_INPUT=sqs-cloudevents, the trigger function's queue) and
// delivers each unchanged to the sink, with the same retries, log line,
// metrics and batch item failures as HandleSQS; a body that is not an
// event of the contract is a batch item failure, so it ends in the
// queue's dead-letter queue.
func (h *Handler) HandleSQSCloudEvents(ctx context.Context, batch lambdaevents.SQSEvent) (lambdaevents.SQSEventResponse, error) {
	pass := *h
	pass.Normalizer = Structured{}
	return pass.HandleSQS(ctx, batch)
}
