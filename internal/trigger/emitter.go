package trigger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/delivery"
	"github.com/cognito-events/cognito-events/internal/sink"
)

// UserAgent is sent by the HTTP sink.
const UserAgent = "cognito-events-trigger"

// DefaultMargin is kept free before the invocation's limit (the earlier of
// the Lambda deadline and Cognito's 5 s), for the answer to reach Cognito.
const DefaultMargin = 200 * time.Millisecond

// ErrBudget is wrapped by the error logged when the send did not end
// within its budget, or had no time left to start.
var ErrBudget = errors.New("send budget spent")

// Sender delivers one event; *delivery.Sender is the real one.
type Sender interface {
	Send(ctx context.Context, ev *events.Event) (int, error)
}

var _ Sender = (*delivery.Sender)(nil)

// Handler is what an invocation runs before the event is made: it returns
// the JSON answered to Cognito, or the error that rejects the call.
type Handler func(ctx context.Context, payload json.RawMessage) (json.RawMessage, error)

// Emitter makes and sends the event of each trigger invocation. Its zero
// value is not usable; build it with New, or set Log and Budget at least.
type Emitter struct {
	// Sender delivers the events; nil disables sending (Disabled says why).
	Sender Sender
	// SinkKind names the sink in logs.
	SinkKind string
	// Budget (TRIGGER_BUDGET) bounds each send, retries included; the
	// send gets less when the invocation's limit is nearer.
	Budget time.Duration
	// Margin is kept free before the invocation's limit; 0 means
	// DefaultMargin.
	Margin time.Duration
	// Attributes and ClientMetadataAllow are passed to events.BuildTrigger.
	Attributes          events.AttributePolicy
	ClientMetadataAllow []string
	// Disabled, when set, is logged on every invocation instead of sending.
	Disabled error
	Log      *slog.Logger
	// Metrics receives one EMF document per event not queued (os.Stdout
	// in Lambda); nil writes none. FunctionName is its dimension.
	Metrics      io.Writer
	FunctionName string
	// Now is the clock of the event's time, the limits and the latency;
	// nil means time.Now.
	Now func() time.Time
}

// New builds the Emitter cfg describes, with the sink from the SINK_*
// variables. A cfgErr (Load's error) or a sink that cannot be built gives
// an Emitter that sends nothing and logs why on every invocation: the
// trigger must never fail. getenv (nil: os.Getenv) serves the AWS
// variables.
func New(ctx context.Context, cfg Config, cfgErr error, getenv func(string) string, log *slog.Logger) *Emitter {
	if getenv == nil {
		getenv = os.Getenv
	}
	e := &Emitter{
		SinkKind:            string(cfg.Delivery.Sink.Kind),
		Budget:              cfg.Budget,
		Attributes:          cfg.Attributes,
		ClientMetadataAllow: cfg.ClientMetadataAllow,
		Log:                 log,
		FunctionName:        getenv(EnvFunctionName),
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
		s.Sink = countingSink{s.Sink}
		e.Sender = s
	}
	if e.Disabled != nil {
		log.LogAttrs(ctx, slog.LevelError, msgDisabled, slog.String(KeyError, e.Disabled.Error()))
	}
	return e
}

// FromEnv is Load and New on os.Getenv, with a logger from the Lambda log
// variables on stderr and the metrics on stdout: what functions/trigger
// and the public wrapper run at cold start.
func FromEnv(ctx context.Context) *Emitter {
	cfg, err := Load(os.Getenv)
	e := New(ctx, cfg, err, os.Getenv, slogger(cfg))
	e.Metrics = os.Stdout
	return e
}

// Handle is the trigger function's handler: it answers Cognito with the
// payload exactly as received, never an error, and emits the event
// (outcome accepted).
func (e *Emitter) Handle(ctx context.Context, payload json.RawMessage) (json.RawMessage, error) {
	return e.Invoke(ctx, payload, func(_ context.Context, p json.RawMessage) (json.RawMessage, error) { return p, nil })
}

// Invoke runs h first, under a context that ends at the invocation's
// limit (the earlier of the Lambda deadline and 5 s after the call began,
// less Margin), then emits one event saying what h answered, its send
// bounded by the Budget and the time left before the limit. It returns
// h's answer and error unchanged; every failure of its own is logged and
// counted, never returned.
func (e *Emitter) Invoke(ctx context.Context, payload json.RawMessage, h Handler) (json.RawMessage, error) {
	start := e.now()
	limit := e.limit(ctx, start)
	hctx, cancel := context.WithDeadline(ctx, limit)
	resp, err := h(hctx, payload)
	cancel()
	e.emit(ctx, start, limit, payload, resp, err)
	return resp, err
}

// limit is the time by which the invocation must have answered.
func (e *Emitter) limit(ctx context.Context, start time.Time) time.Time {
	end := start.Add(CognitoBudget)
	if d, ok := ctx.Deadline(); ok && d.Before(end) {
		end = d
	}
	margin := e.Margin
	if margin <= 0 {
		margin = DefaultMargin
	}
	return end.Add(-margin)
}

// emit makes the event of one invocation and sends it before limit, then
// logs one line, and writes a metric when the event was not queued.
func (e *Emitter) emit(ctx context.Context, start, limit time.Time, payload, resp []byte, herr error) {
	l := line{outcome: OutcomeDelivered, answer: events.TriggerAccepted}
	opts := events.TriggerOptions{
		Time:                start.UTC().Format(time.RFC3339Nano),
		Attributes:          e.Attributes,
		ClientMetadataAllow: e.ClientMetadataAllow,
		Response:            resp,
	}
	if herr != nil {
		l.answer, opts.Outcome, opts.Error, opts.Response = events.TriggerRejected, events.TriggerRejected, herr.Error(), nil
	}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		l.requestID, opts.ID, opts.FunctionARN = lc.AwsRequestID, lc.AwsRequestID, lc.InvokedFunctionArn
	}
	defer func() {
		l.latency = e.now().Sub(start)
		e.log(ctx, &l)
		if l.outcome != OutcomeDelivered {
			e.countLost(l.outcome)
		}
	}()
	ev, err := events.BuildTrigger(payload, opts)
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
	l.budget = min(e.Budget, limit.Sub(e.now()))
	if l.budget <= 0 {
		l.budget = 0
		l.outcome, l.err = OutcomeTimeout, fmt.Errorf("%w: no time left before the invocation's limit to send event %s", ErrBudget, ev.ID)
		return
	}
	l.attempts, l.err = e.send(ctx, ev, l.budget)
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

// send runs the Sender in its own goroutine and waits at most budget. A
// send cut by the budget made at least one attempt.
func (e *Emitter) send(ctx context.Context, ev *events.Event, budget time.Duration) (int, error) {
	var n atomic.Int32
	ctx, cancel := context.WithTimeout(context.WithValue(ctx, attemptsKey{}, &n), budget)
	defer cancel()
	done := make(chan sent, 1)
	go func() {
		n, err := e.Sender.Send(ctx, ev)
		done <- sent{n, err}
	}()
	select {
	case r := <-done:
		if r.err != nil && ctx.Err() != nil {
			return max(r.attempts, 1), fmt.Errorf("%w after %v: %w", ErrBudget, budget, r.err)
		}
		return r.attempts, r.err
	case <-ctx.Done():
		return max(int(n.Load()), 1), fmt.Errorf("%w after %v: sending event %s to the %s sink: %w", ErrBudget, budget, ev.ID, e.SinkKind, ctx.Err())
	}
}

// attemptsKey keys the attempt counter of one send in its context.
type attemptsKey struct{}

// countingSink counts the attempts of a send whose context carries a
// counter, so that a send abandoned at the budget still reports them.
type countingSink struct{ sink.Sink }

func (c countingSink) Send(ctx context.Context, ev *events.Event) error {
	if n, ok := ctx.Value(attemptsKey{}).(*atomic.Int32); ok {
		n.Add(1)
	}
	return c.Sink.Send(ctx, ev)
}

func (e *Emitter) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}
