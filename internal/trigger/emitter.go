package trigger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/delivery"
)

// UserAgent is sent by the HTTP sink.
const UserAgent = "cognito-events-trigger"

// ErrBudget is wrapped by the error logged when the send did not end
// within the budget.
var ErrBudget = errors.New("send budget spent")

// Sender delivers one event; *delivery.Sender is the real one.
type Sender interface {
	Send(ctx context.Context, ev *events.Event) (int, error)
}

var _ Sender = (*delivery.Sender)(nil)

// Emitter makes and sends the event of each trigger invocation. Its zero
// value is not usable; build it with New, or set every field.
type Emitter struct {
	// Sender delivers the events; nil disables sending (Disabled says why).
	Sender Sender
	// SinkKind names the sink in logs.
	SinkKind string
	// Budget bounds each send, retries included.
	Budget time.Duration
	// Attributes and ClientMetadataAllow are passed to events.BuildTrigger.
	Attributes          events.AttributePolicy
	ClientMetadataAllow []string
	// Disabled, when set, is logged on every invocation instead of sending.
	Disabled error
	Log      *slog.Logger
	// Now is the clock of the event's time and the latency; nil means
	// time.Now.
	Now func() time.Time
}

// New builds the Emitter cfg describes, with the sink from the SINK_*
// variables. A cfgErr (Load's error) or a sink that cannot be built gives
// an Emitter that sends nothing and logs why on every invocation: the
// trigger must never fail. getenv (nil: os.Getenv) serves the AWS
// variables.
func New(ctx context.Context, cfg Config, cfgErr error, getenv func(string) string, log *slog.Logger) *Emitter {
	e := &Emitter{
		SinkKind:            string(cfg.Delivery.Sink.Kind),
		Budget:              cfg.Budget,
		Attributes:          cfg.Attributes,
		ClientMetadataAllow: cfg.ClientMetadataAllow,
		Log:                 log,
	}
	if e.Budget <= 0 {
		e.Budget = DefaultBudget
	}
	if cfgErr != nil {
		e.Disabled = cfgErr
	} else if s, err := delivery.New(ctx, cfg.Delivery, getenv, UserAgent); err != nil {
		e.Disabled = fmt.Errorf("building the %s sink: %w", cfg.Delivery.Sink.Kind, err)
	} else {
		// The budget's context is the deadline; keep no reserve inside it.
		s.Retry.Reserve = 0
		e.Sender = s
	}
	if e.Disabled != nil {
		log.LogAttrs(ctx, slog.LevelError, msgDisabled, slog.String(KeyError, e.Disabled.Error()))
	}
	return e
}

// FromEnv is Load and New on os.Getenv, with a logger from the Lambda log
// variables on stderr: what functions/trigger and the public wrapper run
// at cold start.
func FromEnv(ctx context.Context) *Emitter {
	cfg, err := Load(os.Getenv)
	log := slogger(cfg)
	return New(ctx, cfg, err, os.Getenv, log)
}

// Handle is the trigger function's handler: it emits the payload's event
// and returns the payload exactly as received, never an error.
func (e *Emitter) Handle(ctx context.Context, payload json.RawMessage) (json.RawMessage, error) {
	e.Emit(ctx, payload)
	return payload, nil
}

// Emit makes the payload's event and sends it within the budget, then logs
// one line. It never fails: every failure is logged.
func (e *Emitter) Emit(ctx context.Context, payload []byte) {
	start := e.now()
	l := line{outcome: OutcomeDelivered}
	var arn string
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		l.requestID, arn = lc.AwsRequestID, lc.InvokedFunctionArn
	}
	defer func() {
		l.latency = e.now().Sub(start)
		e.log(ctx, &l)
	}()
	ev, err := events.BuildTrigger(payload, events.TriggerOptions{
		FunctionARN:         arn,
		Time:                start.UTC().Format(time.RFC3339Nano),
		Attributes:          e.Attributes,
		ClientMetadataAllow: e.ClientMetadataAllow,
	})
	if err != nil {
		l.outcome, l.err = OutcomeMalformed, err
		return
	}
	l.ev = ev
	if e.Sender == nil {
		l.outcome, l.err = OutcomeDisabled, e.Disabled
		if l.err == nil {
			l.err = errors.New("no sink")
		}
		return
	}
	l.attempts, l.err = e.send(ctx, ev)
	switch {
	case errors.Is(l.err, ErrBudget):
		l.outcome = OutcomeTimeout
	case l.err != nil:
		l.outcome = OutcomeFailed
	}
}

type sent struct {
	attempts int
	err      error
}

// send runs the Sender in its own goroutine and waits at most the budget.
func (e *Emitter) send(ctx context.Context, ev *events.Event) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, e.Budget)
	defer cancel()
	done := make(chan sent, 1)
	go func() {
		n, err := e.Sender.Send(ctx, ev)
		done <- sent{n, err}
	}()
	select {
	case r := <-done:
		if r.err != nil && ctx.Err() != nil {
			return r.attempts, fmt.Errorf("%w after %v: %w", ErrBudget, e.Budget, r.err)
		}
		return r.attempts, r.err
	case <-ctx.Done():
		return 0, fmt.Errorf("%w after %v: sending event %s to the %s sink: %w", ErrBudget, e.Budget, ev.ID, e.SinkKind, ctx.Err())
	}
}

func (e *Emitter) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}
