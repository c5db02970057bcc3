package config

import (
	"fmt"

	"github.com/cognito-events/cognito-events/internal/sink"
)

// Input is what one invocation of the forwarder carries; main starts the
// handler that takes it.
type Input string

// The inputs.
const (
	// InputEventBridge: one EventBridge event, the rule's target being the
	// function (a direct route).
	InputEventBridge Input = "eventbridge"
	// InputSQS: an SQS batch of EventBridge events, fed by the event source
	// mapping of the route's buffer queue (a buffered route).
	InputSQS Input = "sqs"
	// InputSQSCloudEvents: an SQS batch of structured-mode CloudEvents of
	// this contract, queued by the trigger function; each is delivered
	// unchanged.
	InputSQSCloudEvents Input = "sqs-cloudevents"
)

// input reads FORWARDER_INPUT: eventbridge (the default), sqs or
// sqs-cloudevents.
func input(e *sink.Env, name string) Input {
	switch in := Input(e.StrDefault(name, string(InputEventBridge))); in {
	case InputEventBridge, InputSQS, InputSQSCloudEvents:
		return in
	default:
		e.Fail(name, fmt.Sprintf("%q is not eventbridge, sqs or sqs-cloudevents", in))
		return InputEventBridge
	}
}
