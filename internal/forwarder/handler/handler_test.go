package handler

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	lambdaevents "github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/forwarder/emf"
	"github.com/cognito-events/cognito-events/internal/forwarder/fwtest"
	"github.com/cognito-events/cognito-events/internal/retry"
	"github.com/cognito-events/cognito-events/internal/sink"
)

// fakeSink fails with errs in turn, then acknowledges; it records the id of
// every event it was given.
type fakeSink struct {
	mu   sync.Mutex
	errs []error
	ids  []string
}

var _ sink.Sink = (*fakeSink)(nil)

func (f *fakeSink) Send(_ context.Context, ev *events.Event) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ids = append(f.ids, ev.ID)
	if len(f.ids) <= len(f.errs) {
		return f.errs[len(f.ids)-1]
	}
	return nil
}

// failing always fails with err.
type failing struct{ err error }

func (f failing) Send(context.Context, *events.Event) error { return f.err }

type resolverFunc func(ctx context.Context, region, clientID string) (string, error)

func (f resolverFunc) ResolveUserPool(ctx context.Context, region, clientID string) (string, error) {
	return f(ctx, region, clientID)
}

type harness struct {
	h       *Handler
	logs    *bytes.Buffer
	metrics *bytes.Buffer
}

func newHarness(tb testing.TB, s sink.Sink, resolver events.PoolResolver, level slog.Level) *harness {
	tb.Helper()
	logs, metrics := &bytes.Buffer{}, &bytes.Buffer{}
	return &harness{
		h: &Handler{
			Normalizer: &events.Normalizer{Resolver: resolver},
			Sink:       s,
			SinkKind:   "http",
			Retry: retry.Policy{
				BaseDelay:   time.Millisecond,
				MaxAttempts: 3,
				Permanent:   sink.IsPermanent,
				RetryAfter:  sink.RetryAfter,
			},
			Log:     slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: level})),
			Metrics: emf.New(metrics, nil),
		},
		logs:    logs,
		metrics: metrics,
	}
}

// lines decodes the JSON lines of buf.
func lines(tb testing.TB, buf *bytes.Buffer) []map[string]any {
	tb.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			tb.Fatalf("log line %q is not JSON: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

func (hs *harness) eventLines(tb testing.TB) []map[string]any {
	tb.Helper()
	var out []map[string]any
	for _, l := range lines(tb, hs.logs) {
		if l["msg"] == msgEvent {
			out = append(out, l)
		}
	}
	return out
}

func (hs *harness) docs(tb testing.TB) []emf.Document {
	tb.Helper()
	var out []emf.Document
	for _, l := range strings.Split(strings.TrimSpace(hs.metrics.String()), "\n") {
		if l == "" {
			continue
		}
		var d emf.Document
		if err := json.Unmarshal([]byte(l), &d); err != nil {
			tb.Fatalf("metrics line %q: %v", l, err)
		}
		out = append(out, d)
	}
	return out
}

// invoke calls HandleEventBridge as Lambda's runtime does: it decodes the
// payload into the event first (a payload that is no EventBridge event
// fails there, before the handler) and encodes the Result.
func (hs *harness) invoke(ctx context.Context, payload []byte) (Result, error) {
	out, err := lambda.NewHandler(hs.h.HandleEventBridge).Invoke(ctx, payload)
	if err != nil {
		return Result{}, err
	}
	var res Result
	if err := json.Unmarshal(out, &res); err != nil {
		return Result{}, fmt.Errorf("decoding the answer %s: %w", out, err)
	}
	return res, nil
}

// invokeSQS calls HandleSQS as Lambda's runtime does, with payload the
// JSON of an SQS batch.
func (hs *harness) invokeSQS(tb testing.TB, ctx context.Context, payload []byte) lambdaevents.SQSEventResponse {
	tb.Helper()
	out, err := lambda.NewHandler(hs.h.HandleSQS).Invoke(ctx, payload)
	if err != nil {
		tb.Fatalf("HandleSQS: %v", err)
	}
	var resp lambdaevents.SQSEventResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		tb.Fatalf("decoding the answer %s: %v", out, err)
	}
	return resp
}

var errBoom = errors.New("connection reset by peer")

func TestHandleEventBridgeEvent(t *testing.T) {
	const updateID = "a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
	for _, tc := range []struct {
		name         string
		fixture      string
		sink         sink.Sink
		resolver     events.PoolResolver
		wantOutcome  Outcome
		wantErr      error // nil: success
		wantAttempts int
		wantSent     int
		wantPool     string
	}{
		{"delivered", "update-client.json", &fakeSink{}, nil, OutcomeDelivered, nil, 1, 1, "eu-west-1_AbCdEfGhI"},
		{"delivered after two transient failures", "update-client.json", &fakeSink{errs: []error{errBoom, errBoom}}, nil, OutcomeDelivered, nil, 3, 3, "eu-west-1_AbCdEfGhI"},
		{"transient failures exhaust the attempts", "update-client.json", &fakeSink{errs: []error{errBoom, errBoom, errBoom, errBoom}}, nil, OutcomeFailed, errBoom, 3, 3, "eu-west-1_AbCdEfGhI"},
		{"permanent failure is not retried", "update-client.json", &fakeSink{errs: []error{fmt.Errorf("%w: 400", sink.ErrPermanent)}}, nil, OutcomeFailed, sink.ErrPermanent, 1, 1, "eu-west-1_AbCdEfGhI"},
		{"identity-pool record is skipped", "identity-pool.json", &fakeSink{}, nil, OutcomeSkipped, nil, 0, 0, ""},
		{"not a CloudTrail record is malformed", "not-cloudtrail.json", &fakeSink{}, nil, OutcomeMalformed, ErrMalformed, 0, 0, ""},
		{"client resolved through the resolver", "token-post.json", &fakeSink{}, events.StaticPoolResolver{"7exampleclientid0000000000": "eu-west-1_Resolved1"}, OutcomeDelivered, nil, 1, 1, "eu-west-1_Resolved1"},
		{"unknown client falls back to no pool", "token-post.json", &fakeSink{}, events.StaticPoolResolver{}, OutcomeDelivered, nil, 1, 1, ""},
		{"resolver failure is reported", "token-post.json", &fakeSink{}, resolverFunc(func(context.Context, string, string) (string, error) {
			return "", errors.New("ListUserPools throttled")
		}), OutcomeFailed, nil, 0, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hs := newHarness(t, tc.sink, tc.resolver, slog.LevelInfo)
			res, err := hs.invoke(context.Background(), fwtest.Fixture(t, tc.fixture))
			wantFail := tc.wantOutcome == OutcomeFailed || tc.wantOutcome == OutcomeMalformed
			if (err != nil) != wantFail {
				t.Fatalf("HandleEventBridge = %v, %v; want failure %v", res, err, wantFail)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("HandleEventBridge error %v does not wrap %v", err, tc.wantErr)
			}
			if !wantFail && res.Outcome != tc.wantOutcome {
				t.Fatalf("HandleEventBridge = %#v, want outcome %s", res, tc.wantOutcome)
			}
			if fs, ok := tc.sink.(*fakeSink); ok {
				if len(fs.ids) != tc.wantSent {
					t.Fatalf("sink called %d times, want %d", len(fs.ids), tc.wantSent)
				}
				for _, id := range fs.ids {
					if id != fs.ids[0] {
						t.Fatalf("attempts carried different ids: %v", fs.ids)
					}
				}
			}

			logs := hs.eventLines(t)
			if len(logs) != 1 {
				t.Fatalf("%d event log lines, want 1:\n%s", len(logs), hs.logs)
			}
			l := logs[0]
			if l[KeyOutcome] != string(tc.wantOutcome) || l[KeySink] != "http" || l[KeyAttempts] != float64(tc.wantAttempts) {
				t.Errorf("log line %v: want outcome %s, attempts %d", l, tc.wantOutcome, tc.wantAttempts)
			}
			if ms, ok := l[KeyLatency].(float64); !ok || ms <= 0 {
				t.Errorf("log line has no positive %s: %v", KeyLatency, l)
			}
			if tc.wantSent > 0 {
				if l[KeyEventName] == "" || l[KeyEventID] == "" || l[KeyPoolID] != tc.wantPool {
					t.Errorf("log line %v: want the event's id, name and pool %q", l, tc.wantPool)
				}
			}
			if tc.fixture == "update-client.json" && l[KeyEventID] != updateID {
				t.Errorf("eventID = %v", l[KeyEventID])
			}
			if wantFail != (l[KeyError] != nil) || (wantFail && l["level"] != "ERROR") {
				t.Errorf("log line %v: failure %v", l, wantFail)
			}
			if reason, _ := l[KeyReason].(string); (tc.wantOutcome == OutcomeSkipped) != strings.Contains(reason, "cognito-identity") {
				t.Errorf("log line %v: a skip must say why, nothing else has a reason", l)
			}

			docs := hs.docs(t)
			if len(docs) != 1 {
				t.Fatalf("%d metrics documents, want 1", len(docs))
			}
			d := docs[0]
			wantCounts := [3]int{}
			switch tc.wantOutcome {
			case OutcomeDelivered:
				wantCounts[0] = 1
			case OutcomeSkipped:
				wantCounts[2] = 1
			default:
				wantCounts[1] = 1
			}
			if d.Outcome != string(tc.wantOutcome) || d.SinkKind != "http" || [3]int{d.Delivered, d.Failed, d.Skipped} != wantCounts ||
				d.Retries != max(tc.wantAttempts-1, 0) || (d.DeliveryLatency != nil) != (tc.wantSent > 0) {
				t.Errorf("metrics %+v, want outcome %s counts %v retries %d", d, tc.wantOutcome, wantCounts, max(tc.wantAttempts-1, 0))
			}
		})
	}
}

func TestHandleSQSBatch(t *testing.T) {
	good, skip, bad := fwtest.Fixture(t, "update-client.json"), fwtest.Fixture(t, "identity-pool.json"), fwtest.Fixture(t, "not-cloudtrail.json")
	// A second good record whose event the sink refuses.
	refused := bytes.ReplaceAll(good, []byte("a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d"), []byte("ffffffff-5e6f-4a7b-8c9d-0e1f2a3b4c5d"))
	s := &selective{refuse: "ffffffff-5e6f-4a7b-8c9d-0e1f2a3b4c5d"}
	hs := newHarness(t, s, nil, slog.LevelInfo)
	batch := lambdaevents.SQSEvent{Records: []lambdaevents.SQSMessage{
		{MessageId: "m-good", EventSource: "aws:sqs", Body: string(good)},
		{MessageId: "m-skip", EventSource: "aws:sqs", Body: string(skip)},
		{MessageId: "m-bad", EventSource: "aws:sqs", Body: string(bad)},
		{MessageId: "m-refused", EventSource: "aws:sqs", Body: string(refused)},
		{MessageId: "m-garbage", EventSource: "aws:sqs", Body: "not json at all"},
	}}
	resp, err := hs.h.HandleSQS(context.Background(), batch)
	if err != nil {
		t.Fatalf("HandleSQS: %v", err)
	}
	var failed []string
	for _, f := range resp.BatchItemFailures {
		failed = append(failed, f.ItemIdentifier)
	}
	if want := []string{"m-bad", "m-refused", "m-garbage"}; fmt.Sprint(failed) != fmt.Sprint(want) {
		t.Fatalf("batch item failures = %v, want %v", failed, want)
	}
	if fmt.Sprint(s.delivered) != "[a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d]" {
		t.Fatalf("delivered %v", s.delivered)
	}
	logs := hs.eventLines(t)
	if len(logs) != 5 {
		t.Fatalf("%d event log lines, want one per record", len(logs))
	}
	outcomes := map[string]string{}
	for _, l := range logs {
		outcomes[fmt.Sprint(l[KeyMessageID])] = fmt.Sprint(l[KeyOutcome])
	}
	want := map[string]string{"m-good": "delivered", "m-skip": "skipped", "m-bad": "malformed", "m-refused": "failed", "m-garbage": "malformed"}
	if fmt.Sprint(outcomes) != fmt.Sprint(want) {
		t.Fatalf("outcomes %v, want %v", outcomes, want)
	}
	if raw, _ := json.Marshal(resp); !strings.Contains(string(raw), `"batchItemFailures":[{"itemIdentifier":"m-bad"}`) {
		t.Fatalf("response JSON %s", raw)
	}
}

func TestHandleBatchOfOneBadRecord(t *testing.T) {
	hs := newHarness(t, &fakeSink{}, nil, slog.LevelInfo)
	payload := []byte(`{"Records":[{"messageId":"m1","eventSource":"aws:sqs","body":"{\"version\":\"0\"}"}]}`)
	resp := hs.invokeSQS(t, context.Background(), payload)
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "m1" {
		t.Fatalf("failures %+v, want m1", resp.BatchItemFailures)
	}
}

func TestHandleLogsRequestIDAndNoRawRecord(t *testing.T) {
	const password = "Sup3r-Secret-Passw0rd!"
	input := fmt.Sprintf(`{"version":"0","id":"e1","detail-type":"AWS API Call via CloudTrail","source":"aws.cognito-idp","account":"111122223333","time":"2026-11-20T10:00:00Z","region":"eu-west-1","resources":[],
	"detail":{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","accountId":"111122223333"},"eventTime":"2026-11-20T10:00:00Z","eventSource":"cognito-idp.amazonaws.com","eventName":"AdminCreateUser","awsRegion":"eu-west-1",
	"requestParameters":{"userPoolId":"eu-west-1_AbCdEfGhI","username":"alice","temporaryPassword":%q,"userAttributes":[{"name":"email","value":"alice@example.com"}]},
	"responseElements":null,"eventID":"d1d1d1d1-0000-4a7b-8c9d-0e1f2a3b4c5d","eventType":"AwsApiCall","recipientAccountId":"111122223333"}}`, password)
	for _, level := range []slog.Level{slog.LevelInfo, slog.LevelDebug} {
		t.Run(level.String(), func(t *testing.T) {
			hs := newHarness(t, &fakeSink{}, nil, level)
			ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-123"})
			if _, err := hs.invoke(ctx, []byte(input)); err != nil {
				t.Fatalf("HandleEventBridge: %v", err)
			}
			if strings.Contains(hs.logs.String(), password) || strings.Contains(hs.metrics.String(), password) {
				t.Fatalf("the password reached a log line:\n%s", hs.logs)
			}
			ls := lines(t, hs.logs)
			var sawData bool
			for _, l := range ls {
				if l["msg"] == msgData {
					sawData = true
					if _, ok := l[KeyData].(map[string]any); !ok {
						t.Errorf("debug line data is not the event's data object: %v", l)
					}
				}
				if l["msg"] == msgEvent && l[KeyRequestID] != "req-123" {
					t.Errorf("event line without the request id: %v", l)
				}
			}
			if sawData != (level == slog.LevelDebug) {
				t.Fatalf("data logged = %v at level %s", sawData, level)
			}
		})
	}
}

func TestDeadlineBoundsRetries(t *testing.T) {
	hs := newHarness(t, failing{err: &sink.RetryAfterError{Err: errBoom, After: time.Hour}}, nil, slog.LevelInfo)
	hs.h.Retry.MaxAttempts = 10
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := hs.invoke(ctx, fwtest.Fixture(t, "update-client.json"))
	if !errors.Is(err, retry.ErrNoTimeLeft) || !errors.Is(err, errBoom) {
		t.Fatalf("HandleEventBridge = %v, want ErrNoTimeLeft wrapping the sink's error", err)
	}
	if ctx.Err() != nil {
		t.Fatalf("the handler used up its deadline waiting for a Retry-After it could not honour")
	}
}

// selective refuses (transiently) the event with id refuse.
type selective struct {
	refuse    string
	mu        sync.Mutex
	delivered []string
}

func (s *selective) Send(_ context.Context, ev *events.Event) error {
	if ev.ID == s.refuse {
		return errBoom
	}
	s.mu.Lock()
	s.delivered = append(s.delivered, ev.ID)
	s.mu.Unlock()
	return nil
}

type normalizerFunc func(context.Context, []byte) (*events.Event, error)

func (f normalizerFunc) Normalize(ctx context.Context, b []byte) (*events.Event, error) {
	return f(ctx, b)
}

func TestHandleInvalidEventFromNormalizer(t *testing.T) {
	for _, tc := range []struct {
		name string
		ev   *events.Event
	}{
		{"nil event", nil},
		{"event without id", &events.Event{Source: "s", Time: "2026-11-20T10:00:00Z", EventName: "X", Data: json.RawMessage(`{}`)}},
		{"data not an object", &events.Event{ID: "i", Source: "s", Time: "2026-11-20T10:00:00Z", EventName: "X", Data: json.RawMessage(`[]`)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &fakeSink{}
			hs := newHarness(t, s, nil, slog.LevelInfo)
			hs.h.Normalizer = normalizerFunc(func(context.Context, []byte) (*events.Event, error) { return tc.ev, nil })
			if _, err := hs.invoke(context.Background(), fwtest.Fixture(t, "update-client.json")); !errors.Is(err, ErrMalformed) {
				t.Fatalf("HandleEventBridge = %v, want ErrMalformed", err)
			}
			if len(s.ids) != 0 {
				t.Fatal("an invalid event reached the sink")
			}
		})
	}
}
