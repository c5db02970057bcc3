package handler

import (
	"context"
	"fmt"
	"slices"
	"strings"

	lambdaevents "github.com/aws/aws-lambda-go/events"

	"github.com/cognito-events/cognito-events/events"
)

// Structured is the Normalizer of the sqs-cloudevents input: each input is
// already an event of the contract in structured mode (the trigger
// function queued it), read back with events.ParseStructured and delivered
// unchanged. An input that is not such an event is malformed, and so is an
// event whose source is not one of Sources: anyone who may send to the
// trigger queue could otherwise have any event delivered with the route's
// credentials.
type Structured struct {
	// Sources are the CloudEvents sources delivered: the ARNs of the
	// route's user pools (FORWARDER_ALLOWED_SOURCES, set by the stack).
	// Empty delivers nothing.
	Sources []string
}

var _ Normalizer = Structured{}

// Normalize parses input; errors wrap ErrMalformed.
func (n Structured) Normalize(_ context.Context, input []byte) (*events.Event, error) {
	ev, err := events.ParseStructured(input)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if !slices.Contains(n.Sources, ev.Source) {
		return nil, fmt.Errorf("%w: event %s: source %q is not one of this route's user pools (%s), so it is not delivered",
			ErrMalformed, ev.ID, ev.Source, strings.Join(n.Sources, ", "))
	}
	// The userpoolid extension names the source's pool: a consumer keyed
	// by it would otherwise take the event for another pool's.
	if _, pool, _ := strings.Cut(ev.Source, ":userpool/"); ev.UserPoolID != "" && ev.UserPoolID != pool {
		return nil, fmt.Errorf("%w: event %s: userpoolid %q is not the pool of its source %q, so it is not delivered",
			ErrMalformed, ev.ID, ev.UserPoolID, ev.Source)
	}
	return ev, nil
}

// HandleSQSCloudEvents takes an SQS batch of structured-mode CloudEvents
// (FORWARDER_INPUT=sqs-cloudevents, the trigger function's queue) and
// delivers each unchanged to the sink, with the same retries, log line,
// metrics and batch item failures as HandleSQS; a body that is not an
// event of the contract, or whose source is not one of h.AllowedSources,
// is a batch item failure, so it ends in the queue's dead-letter queue; its
// log line says why.
func (h *Handler) HandleSQSCloudEvents(ctx context.Context, batch lambdaevents.SQSEvent) (lambdaevents.SQSEventResponse, error) {
	pass := *h
	pass.Normalizer = Structured{Sources: h.AllowedSources}
	return pass.HandleSQS(ctx, batch)
}
