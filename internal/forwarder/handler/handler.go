package handler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	lambdaevents "github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/forwarder/emf"
	"github.com/cognito-events/cognito-events/internal/forwarder/enrich"
	"github.com/cognito-events/cognito-events/internal/retry"
	"github.com/cognito-events/cognito-events/internal/sink"
)

// Normalizer turns one input into an Event; *events.Normalizer is the real
// one.
type Normalizer interface {
	Normalize(ctx context.Context, input []byte) (*events.Event, error)
}

var _ Normalizer = (*events.Normalizer)(nil)

// Recorder records the metrics of one event; *emf.Recorder is the real one.
type Recorder interface {
	Record(emf.Sample) error
}

var _ Recorder = (*emf.Recorder)(nil)

// Enricher adds to an event's data before delivery and never fails;
// *enrich.Users is the real one.
type Enricher interface {
	Enrich(ctx context.Context, ev *events.Event) enrich.Result
}

var _ Enricher = (*enrich.Users)(nil)

// Outcome is what became of one input.
type Outcome string

// The outcomes; they are the Outcome metric dimension and log field.
const (
	// OutcomeDelivered: the sink acknowledged the event.
	OutcomeDelivered Outcome = "delivered"
	// OutcomeFailed: the sink did not acknowledge it, or the pool lookup
	// failed; the handler reports the failure so the platform retries.
	OutcomeFailed Outcome = "failed"
	// OutcomeSkipped: not a Cognito user-pool record; acknowledged.
	OutcomeSkipped Outcome = "skipped"
	// OutcomeMalformed: input that is not a usable CloudTrail record; the
	// failure is reported, so the input ends in the on-failure destination
	// or the queue's dead-letter queue instead of vanishing.
	OutcomeMalformed Outcome = "malformed"
)

// Log line keys: one line per input, always these names.
const (
	KeyRequestID = "requestId"
	KeyMessageID = "messageId"
	KeyEventID   = "eventID"
	KeyEventName = "eventName"
	KeyPoolID    = "userPoolId"
	KeySubject   = "subject"
	KeySink      = "sink"
	KeyOutcome   = "outcome"
	KeyAttempts  = "attempts"
	KeyLatency   = "latencyMs"
	KeyError     = "error"
	KeyReason    = "reason"
	KeyData      = "data"
	// KeyUserLookup is the enrichment's result: found, notFound or
	// "failed: <reason>"; absent when the event was not enriched.
	KeyUserLookup = "userLookup"
)

// Log messages.
const (
	msgEvent = "event"
	msgData  = "event data"
)

// ErrMalformed is wrapped by the error reported for unusable input.
var ErrMalformed = errors.New("malformed input")

// Handler is the forwarder's Lambda handler: it normalises each input and
// delivers the event to Sink, retrying transient failures under Retry.
type Handler struct {
	Normalizer Normalizer
	Sink       sink.Sink
	// SinkKind names the sink in logs and metrics (http, eventbridge, …).
	SinkKind string
	Retry    retry.Policy
	Log      *slog.Logger
	Metrics  Recorder
	// Enricher, when set, adds the user's record to events about one
	// user (ENRICH_USER); it never fails the delivery.
	Enricher Enricher
	// Now is the clock for latencies; nil means time.Now.
	Now func() time.Time
	// AllowedSources are the sources HandleSQSCloudEvents delivers (the
	// route's user pool ARNs); it delivers nothing when empty.
	AllowedSources []string
}

// Result is the handler's answer for a single EventBridge event.
type Result struct {
	EventID string  `json:"eventID,omitempty"`
	Outcome Outcome `json:"outcome"`
}

// HandleEventBridge takes one EventBridge event, the invocation of a
// direct route: it answers with a Result, or with an error so Lambda
// retries the event and, in the end, sends it to the on-failure
// destination. The Result names the outcome in both cases.
func (h *Handler) HandleEventBridge(ctx context.Context, ev lambdaevents.EventBridgeEvent) (Result, error) {
	return h.process(ctx, envelope(&ev), "")
}

// HandleSQS takes an SQS batch of EventBridge events, the invocation of a
// buffered route, and answers with the ids of the messages that failed, so
// only those are retried (the event source mapping reports batch item
// failures). It never fails the whole batch.
func (h *Handler) HandleSQS(ctx context.Context, batch lambdaevents.SQSEvent) (lambdaevents.SQSEventResponse, error) {
	resp := lambdaevents.SQSEventResponse{BatchItemFailures: []lambdaevents.SQSBatchItemFailure{}}
	for _, rec := range batch.Records {
		if _, err := h.process(ctx, []byte(rec.Body), rec.MessageId); err != nil {
			resp.BatchItemFailures = append(resp.BatchItemFailures, lambdaevents.SQSBatchItemFailure{ItemIdentifier: rec.MessageId})
		}
	}
	return resp, nil
}

// process normalises and delivers one input, logs one line and records one
// metrics sample. The error is nil when the input is done with (delivered
// or skipped).
func (h *Handler) process(ctx context.Context, input []byte, messageID string) (Result, error) {
	start := h.now()
	ev, err := h.Normalizer.Normalize(ctx, input)
	if err == nil && ev == nil {
		err = fmt.Errorf("%w: the normaliser returned no event", ErrMalformed)
	} else if err == nil {
		if verr := ev.Validate(); verr != nil {
			err = fmt.Errorf("%w: %w", ErrMalformed, verr)
		}
	}
	if err != nil {
		outcome := OutcomeFailed
		var reason string
		switch {
		case events.IsSkip(err):
			outcome = OutcomeSkipped
			reason = err.Error()
			err = nil
		case errors.Is(err, ErrMalformed), errors.Is(err, events.ErrNotJSON),
			errors.Is(err, events.ErrNotCloudTrail), errors.Is(err, events.ErrMissingField):
			outcome = OutcomeMalformed
			if !errors.Is(err, ErrMalformed) {
				err = fmt.Errorf("%w: %w", ErrMalformed, err)
			}
		default:
			err = fmt.Errorf("normalising record: %w", err)
		}
		h.finish(ctx, entry{messageID: messageID, ev: ev, outcome: outcome, reason: reason, latency: h.now().Sub(start), err: err})
		return Result{Outcome: outcome}, err
	}

	var lookup string
	if h.Enricher != nil {
		lookup = h.Enricher.Enrich(ctx, ev).String()
	}
	if h.Log.Enabled(ctx, slog.LevelDebug) {
		h.Log.LogAttrs(ctx, slog.LevelDebug, msgData, slog.String(KeyEventID, ev.ID), slog.Any(KeyData, ev.Data))
	}
	res, err := h.Retry.Do(ctx, func(ctx context.Context) error { return h.Sink.Send(ctx, ev) })
	e := entry{messageID: messageID, ev: ev, outcome: OutcomeDelivered, attempts: res.Attempts, latency: h.now().Sub(start), sent: true, lookup: lookup}
	if err != nil {
		e.outcome = OutcomeFailed
		e.err = fmt.Errorf("delivering event %s to the %s sink: %w", ev.ID, h.SinkKind, err)
	}
	h.finish(ctx, e)
	return Result{EventID: ev.ID, Outcome: e.outcome}, e.err
}

type entry struct {
	messageID string
	ev        *events.Event
	outcome   Outcome
	reason    string
	attempts  int
	latency   time.Duration
	sent      bool
	err       error
	lookup    string
}

// finish writes the input's log line and metrics sample.
func (h *Handler) finish(ctx context.Context, e entry) {
	level := slog.LevelInfo
	switch e.outcome {
	case OutcomeFailed, OutcomeMalformed:
		level = slog.LevelError
	}
	attrs := make([]slog.Attr, 0, 12)
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		attrs = append(attrs, slog.String(KeyRequestID, lc.AwsRequestID))
	}
	if e.messageID != "" {
		attrs = append(attrs, slog.String(KeyMessageID, e.messageID))
	}
	if e.ev != nil {
		attrs = append(attrs,
			slog.String(KeyEventID, e.ev.ID),
			slog.String(KeyEventName, e.ev.EventName),
			slog.String(KeyPoolID, e.ev.UserPoolID),
			slog.String(KeySubject, e.ev.Subject),
		)
	}
	attrs = append(attrs,
		slog.String(KeySink, h.SinkKind),
		slog.String(KeyOutcome, string(e.outcome)),
		slog.Int(KeyAttempts, e.attempts),
		slog.Float64(KeyLatency, float64(e.latency.Nanoseconds())/1e6),
	)
	if e.err != nil {
		attrs = append(attrs, slog.String(KeyError, e.err.Error()))
	}
	if e.reason != "" {
		attrs = append(attrs, slog.String(KeyReason, e.reason))
	}
	if e.lookup != "" {
		attrs = append(attrs, slog.String(KeyUserLookup, e.lookup))
	}
	h.Log.LogAttrs(ctx, level, msgEvent, attrs...)

	if h.Metrics == nil {
		return
	}
	s := emf.Sample{SinkKind: h.SinkKind, Outcome: string(e.outcome), Latency: e.latency, Sent: e.sent}
	switch e.outcome {
	case OutcomeDelivered:
		s.Delivered = 1
	case OutcomeSkipped:
		s.Skipped = 1
	default:
		s.Failed = 1
	}
	if e.attempts > 1 {
		s.Retries = e.attempts - 1
	}
	if err := h.Metrics.Record(s); err != nil {
		h.Log.LogAttrs(ctx, slog.LevelWarn, "writing metrics", slog.String(KeyError, err.Error()))
	}
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}
