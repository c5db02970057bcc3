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
	// OutcomeTimeout: the send's budget (TRIGGER_BUDGET, or less when
	// the invocation's limit was nearer) was spent before the sink
	// answered, or no time was left to start it.
	OutcomeTimeout Outcome = "timeout"
	// OutcomeMalformed: the payload is not a trigger payload, or the
	// invocation has no Lambda request id; no event.
	OutcomeMalformed Outcome = "malformed"
	// OutcomeDisabled: the configuration or the sink could not be used;
	// nothing is sent until the function is fixed.
	OutcomeDisabled Outcome = "disabled"
)

// Log line keys: one line per invocation, always these names; msg, outcome
// and the other keys the forwarder also writes have its names and
// meanings. The payload is never logged.
const (
	KeyRequestID     = "requestId"
	KeyEventID       = "eventID"
	KeyTriggerSource = "triggerSource"
	KeyPoolID        = "userPoolId"
	KeySubject       = "subject"
	KeySink          = "sink"
	KeyOutcome       = "outcome"
	// KeyAnswer is what the function answered Cognito: accepted or
	// rejected (data.outcome of the event).
	KeyAnswer   = "answer"
	KeyAttempts = "attempts"
	// KeyBudget is the time the send was given, in milliseconds:
	// TRIGGER_BUDGET, or less when the invocation's limit was nearer.
	KeyBudget  = "budgetMs"
	KeyLatency = "latencyMs"
	KeyError   = "error"
)

// Log messages; msgEvent is the forwarder's, so that one query reads the
// lines of both functions.
const (
	msgEvent    = "event"
	msgDisabled = "trigger events disabled"
)

type line struct {
	requestID string
	ev        *events.Event
	outcome   Outcome
	answer    events.TriggerOutcome
	budget    time.Duration
	attempts  int
	latency   time.Duration
	err       error
}

func (e *Emitter) log(ctx context.Context, l *line) {
	level := slog.LevelInfo
	if l.outcome != OutcomeDelivered {
		level = slog.LevelError
	}
	attrs := make([]slog.Attr, 0, 12)
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
		slog.String(KeyAnswer, string(l.answer)),
		slog.Int(KeyAttempts, l.attempts),
		slog.Float64(KeyBudget, float64(l.budget.Nanoseconds())/1e6),
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
