package trigger

import (
	"context"
	"encoding/json"
	"fmt"

	itrigger "github.com/cognito-events/cognito-events/internal/trigger"
)

// Handler is the func shape of a Lambda handler of In returning Out, as
// aws-lambda-go starts them; In and Out are usually the same
// aws-lambda-go/events type, such as events.CognitoEventUserPoolsPostConfirmation.
type Handler[In, Out any] func(context.Context, In) (Out, error)

// Wrap returns h with the event of each invocation emitted after it
// runs. It reads the configuration from the environment once, when called
// (cold start); a bad configuration is logged and counted, and disables
// the events, never h.
//
// The returned handler takes the payload as raw JSON, so that the event is
// made from the payload exactly as Cognito sent it. It decodes the payload
// into In as aws-lambda-go would, calls h under a context that ends at the
// invocation's limit (the earlier of the Lambda deadline and 5 s after the
// call began, less a 200 ms margin), encodes h's response, and then emits
// the event: data.outcome accepted with the response's autoConfirmUser,
// autoVerifyEmail and autoVerifyPhone, or rejected with h's error message.
// The send gets TRIGGER_BUDGET or what is left before the limit, whichever
// is less. h's response and error are returned unchanged.
func Wrap[In, Out any](h Handler[In, Out]) func(context.Context, json.RawMessage) (json.RawMessage, error) {
	return wrap(itrigger.FromEnv(context.Background()), h)
}

// wrap is Wrap with the emitter given.
func wrap[In, Out any](e *itrigger.Emitter, h Handler[In, Out]) func(context.Context, json.RawMessage) (json.RawMessage, error) {
	typed := func(ctx context.Context, payload json.RawMessage) (json.RawMessage, error) {
		var in In
		if err := json.Unmarshal(payload, &in); err != nil {
			return nil, fmt.Errorf("decoding the trigger payload into %T: %w", in, err)
		}
		out, err := h(ctx, in)
		if err != nil {
			return nil, err
		}
		b, err := json.Marshal(out)
		if err != nil {
			return nil, fmt.Errorf("encoding the response %T: %w", out, err)
		}
		return b, nil
	}
	return func(ctx context.Context, payload json.RawMessage) (json.RawMessage, error) {
		return e.Invoke(ctx, payload, typed)
	}
}
