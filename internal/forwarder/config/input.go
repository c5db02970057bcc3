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
)

// input reads FORWARDER_INPUT: eventbridge (the default) or sqs.
func input(e *sink.Env, name string) Input {
	switch in := Input(e.StrDefault(name, string(InputEventBridge))); in {
	case InputEventBridge, InputSQS:
		return in
	default:
		e.Fail(name, fmt.Sprintf("%q is not eventbridge or sqs", in))
		return InputEventBridge
	}
}
