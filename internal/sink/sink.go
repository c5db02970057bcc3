package sink

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cognito-events/cognito-events/events"
)

// Sink delivers one event. Send returns nil only when the sink acknowledged
// the event; an error wraps ErrPermanent when retrying cannot help, and may
// carry a RetryAfter hint. Implementations are safe for concurrent use.
type Sink interface {
	Send(ctx context.Context, ev *events.Event) error
}

// ErrPermanent is wrapped by errors that retrying the same request cannot
// fix: a 4xx other than 408 and 429, a validation error, an oversized event.
// Every other error is transient.
var ErrPermanent = errors.New("permanent failure")

// ErrNotAcknowledged is wrapped when the sink answered without the
// acknowledgement that proves delivery (no MessageId, a failed entry).
var ErrNotAcknowledged = errors.New("sink did not acknowledge the event")

// IsPermanent reports whether err wraps ErrPermanent.
func IsPermanent(err error) bool { return errors.Is(err, ErrPermanent) }

// permanent marks err as permanent.
func permanent(err error) error { return fmt.Errorf("%w: %w", ErrPermanent, err) }

// RetryAfterError is a transient error with the delay the sink asked for
// (an HTTP Retry-After header).
type RetryAfterError struct {
	Err   error
	After time.Duration
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("%v (retry after %s)", e.Err, e.After)
}

func (e *RetryAfterError) Unwrap() error { return e.Err }

// RetryAfter returns the delay a sink asked for, if err carries one.
func RetryAfter(err error) (time.Duration, bool) {
	var ra *RetryAfterError
	if errors.As(err, &ra) {
		return ra.After, true
	}
	return 0, false
}

// Noop acknowledges every event without sending it anywhere. Benchmarks use
// it to measure the forwarder's own overhead.
type Noop struct{}

var _ Sink = Noop{}

// Send does nothing and succeeds.
func (Noop) Send(context.Context, *events.Event) error { return nil }
