package trigger

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/lambdafn"
)

// Outcome is what became of one invocation's event.
type Outcome string

// The outcomes, the log line's outcome field.
const (
	// OutcomeDelivered: the sink acknowledged the event.
	OutcomeDelivered Outcome = "delivered"
	// OutcomeFailed: the sink refused it, or failed for good.
	OutcomeFailed Outcome = "failed"
	// OutcomeTimeout: the budget was spent before the sink answered.
	OutcomeTimeout Outcome = "timeout"
	// OutcomeMalformed: the payload is not a trigger payload; no event.
	OutcomeMalformed Outcome = "malformed"
	// OutcomeDisabled: the configuration or the sink could not be used;
	// nothing is sent until the function is fixed.
	OutcomeDisabled Outcome = "disabled"
)

// Log line keys: one line per invocation, always these names. The payload
// is never logged.
const (
	KeyRequestID     = "requestId"
	KeyEventID       = "eventID"
	KeyTriggerSource = "triggerSource"
	KeyPoolID        = "userPoolId"
	KeySubject       = "subject"
	KeySink          = "sink"
	KeyOutcome       = "outcome"
	KeyAttempts      = "attempts"
	KeyLatency       = "latencyMs"
	KeyError         = "error"
)

// Log messages.
const (
	msgEvent    = "trigger event"
	msgDisabled = "trigger events disabled"
)

type line struct {
	requestID string
	ev        *events.Event
	outcome   Outcome
	attempts  int
	latency   time.Duration
	err       error
}

func (e *Emitter) log(ctx context.Context, l *line) {
	level := slog.LevelInfo
	if l.outcome != OutcomeDelivered {
		level = slog.LevelError
	}
	attrs := make([]slog.Attr, 0, 10)
	if l.requestID != "" {
		attrs = append(attrs, slog.String(KeyRequestID, l.requestID))
	}
	if l.ev != nil {
		attrs = append(attrs,
			slog.String(KeyEventID, l.ev.ID),
			slog.String(KeyTriggerSource, l.ev.EventName),
			slog.String(KeyPoolID, l.ev.UserPoolID),
			slog.String(KeySubject, l.ev.Subject),
		)
	}
	attrs = append(attrs,
		slog.String(KeySink, e.SinkKind),
		slog.String(KeyOutcome, string(l.outcome)),
		slog.Int(KeyAttempts, l.attempts),
		slog.Float64(KeyLatency, float64(l.latency.Nanoseconds())/1e6),
	)
	if l.err != nil {
		attrs = append(attrs, slog.String(KeyError, l.err.Error()))
	}
	e.Log.LogAttrs(ctx, level, msgEvent, attrs...)
}

// slogger is the logger cfg's log settings ask for, on stderr.
func slogger(cfg Config) *slog.Logger {
	return lambdafn.Logger(cfg.LogFormat, cfg.LogLevel, os.Stderr)
}
