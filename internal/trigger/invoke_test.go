package trigger

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime/lambdatest"
)

func fixture1(tb testing.TB, name string) []byte {
	tb.Helper()
	for _, f := range fixtures(tb) {
		if f.name == name {
			return f.data
		}
	}
	tb.Fatalf("no fixture %s", name)
	return nil
}

func triggerData(tb testing.TB, ev *events.Event) events.TriggerData {
	tb.Helper()
	var d events.TriggerData
	if err := json.Unmarshal(ev.Data, &d); err != nil {
		tb.Fatalf("decoding data: %v", err)
	}
	return d
}

// lostDocs decodes the EMF lines of out.
func lostDocs(tb testing.TB, out string) []LostDocument {
	tb.Helper()
	var docs []LostDocument
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var d LostDocument
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			tb.Fatalf("metric line %q: %v", sc.Text(), err)
		}
		docs = append(docs, d)
	}
	return docs
}

// TestInvokeOutcome: the handler runs first; the event says what it
// answered, and the answer reaches the caller unchanged.
func TestInvokeOutcome(t *testing.T) {
	payload := fixture1(t, "PreSignUp_SignUp")
	errClosed := errors.New("sign-ups are closed")
	confirm := func(_ context.Context, p json.RawMessage) (json.RawMessage, error) {
		return json.RawMessage(`{"response":{"autoConfirmUser":true,"autoVerifyEmail":true,"autoVerifyPhone":false}}`), nil
	}
	refuse := func(context.Context, json.RawMessage) (json.RawMessage, error) { return nil, errClosed }
	tr, fa := true, false
	for _, tc := range []struct {
		name      string
		h         Handler
		answer    events.TriggerOutcome
		errText   string
		confirmed *bool
	}{
		{"accepted", confirm, events.TriggerAccepted, "", &tr},
		{"rejected", refuse, events.TriggerRejected, "sign-ups are closed", nil},
		{"pass-through", func(_ context.Context, p json.RawMessage) (json.RawMessage, error) { return p, nil }, events.TriggerAccepted, "", &fa},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs, metrics lambdatest.Output
			s := &fakeSender{}
			e := &Emitter{Sender: s, SinkKind: "fake", Budget: time.Second, Log: jsonLogger(&logs), Metrics: &metrics}
			ran := false
			got, err := e.Invoke(lambdaCtx(), payload, func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
				ran = true
				if len(s.sent()) != 0 {
					t.Errorf("the event was sent before the handler ran")
				}
				return tc.h(ctx, p)
			})
			want, wantErr := tc.h(context.Background(), payload)
			if !ran || !errors.Is(err, wantErr) || string(got) != string(want) {
				t.Fatalf("Invoke = %s, %v; want %s, %v", got, err, want, wantErr)
			}
			sent := s.sent()
			if len(sent) != 1 {
				t.Fatalf("%d events sent, want 1", len(sent))
			}
			d := triggerData(t, sent[0])
			if d.Outcome != tc.answer || d.Error != tc.errText || (d.AutoConfirmUser == nil) != (tc.confirmed == nil) ||
				(d.AutoConfirmUser != nil && *d.AutoConfirmUser != *tc.confirmed) {
				t.Errorf("data %s", sent[0].Data)
			}
			if !strings.Contains(logs.String(), `"answer":"`+string(tc.answer)+`"`) || metrics.String() != "" {
				t.Errorf("log %s metrics %q", logs.String(), metrics.String())
			}
		})
	}
}

// TestInvokeLimit: a slow handler and a hanging sink; the invocation
// answers before the earlier of the Lambda deadline and 5 s after it
// began, less the margin, and the lost event is logged with the budget it
// had and counted. The limit is checked where the code applies it (the
// handler's context deadline, the send's budget against the time the
// handler returned), not by timing the call, so that a loaded machine
// cannot fail it; the wall clock only catches a hang: the Budget is far
// longer than the test may take, so a send not cut at the limit shows.
func TestInvokeLimit(t *testing.T) {
	payload := fixture1(t, "PostAuthentication_Authentication")
	hang := make(chan struct{})
	t.Cleanup(func() { close(hang) })
	const budget = time.Minute // TRIGGER_BUDGET: never what cuts the send here
	for _, tc := range []struct {
		name     string
		deadline time.Duration // Lambda's, from the start
		handler  time.Duration
		sent     bool // the send was started
	}{
		{"the Lambda deadline is nearer", 1200 * time.Millisecond, 200 * time.Millisecond, true},
		{"no time left for the send", 600 * time.Millisecond, 450 * time.Millisecond, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs, metrics lambdatest.Output
			e := &Emitter{Sender: &fakeSender{release: hang}, SinkKind: "fake", Budget: budget, Log: jsonLogger(&logs),
				Metrics: &metrics, FunctionName: "fn"}
			start := time.Now()
			ctx, cancel := context.WithDeadline(lambdaCtx(), start.Add(tc.deadline))
			defer cancel()
			lambdaDeadline, _ := ctx.Deadline()
			limit := lambdaDeadline.Add(-DefaultMargin) // nearer than 5 s after the start
			var hctxDeadline, handlerDone time.Time
			type result struct {
				got json.RawMessage
				err error
			}
			done := make(chan result, 1)
			go func() {
				got, err := e.Invoke(ctx, payload, func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
					hctxDeadline, _ = ctx.Deadline()
					time.Sleep(tc.handler)
					handlerDone = time.Now()
					return p, nil
				})
				done <- result{got, err}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(tc.deadline + 20*time.Second):
				t.Fatalf("Invoke still waits on the hanging sink %v after the start (limit %v)", time.Since(start), limit.Sub(start))
			}
			if r.err != nil || string(r.got) != string(payload) {
				t.Fatalf("Invoke = %v", r.err)
			}
			// The handler runs against the invocation's limit exactly.
			if !hctxDeadline.Equal(limit) {
				t.Errorf("the handler's deadline is %v after the start, want %v", hctxDeadline.Sub(start), limit.Sub(start))
			}
			var rec map[string]any
			if err := json.Unmarshal([]byte(logs.String()), &rec); err != nil {
				t.Fatalf("log %q: %v", logs.String(), err)
			}
			// The send gets at most the time left when the handler returned
			// (a handler that overruns the limit is not cut; the send then
			// is not tried).
			got, _ := rec[KeyBudget].(float64)
			left := max(float64(limit.Sub(handlerDone).Nanoseconds())/1e6, 0)
			attempts, _ := rec[KeyAttempts].(float64)
			if rec[KeyOutcome] != string(OutcomeTimeout) || got > left || (attempts == 1) != tc.sent || (got > 0) != tc.sent {
				t.Errorf("log %v; want a budget of at most %.3f ms", rec, left)
			}
			docs := lostDocs(t, metrics.String())
			if len(docs) != 1 || docs[0].TriggerEventsLost != 1 || docs[0].FunctionName != "fn" || docs[0].Outcome != string(OutcomeTimeout) ||
				docs[0].AWS.CloudWatchMetrics[0].Namespace != MetricNamespace || docs[0].AWS.CloudWatchMetrics[0].Metrics[0].Name != MetricLost {
				t.Errorf("metrics %s", metrics.String())
			}
		})
	}
}

// TestInvokeCountsEveryLoss: failed, disabled and malformed are counted;
// delivered is not.
func TestInvokeCountsEveryLoss(t *testing.T) {
	payload := fixture1(t, "PostAuthentication_Authentication")
	for _, tc := range []struct {
		name    string
		e       Emitter
		ctx     context.Context
		payload []byte
		want    Outcome
	}{
		{"failed", Emitter{Sender: &fakeSender{err: errors.New("403")}}, lambdaCtx(), payload, OutcomeFailed},
		{"disabled", Emitter{Disabled: errors.New("SINK_KIND: bad")}, lambdaCtx(), payload, OutcomeDisabled},
		{"malformed", Emitter{Sender: &fakeSender{}}, lambdaCtx(), []byte(`[]`), OutcomeMalformed},
		{"no request id", Emitter{Sender: &fakeSender{}}, context.Background(), payload, OutcomeMalformed},
		{"delivered", Emitter{Sender: &fakeSender{}}, lambdaCtx(), payload, OutcomeDelivered},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs, metrics lambdatest.Output
			e := tc.e
			e.Budget, e.Log, e.Metrics = time.Second, jsonLogger(&logs), &metrics
			e.Handle(tc.ctx, tc.payload)
			docs := lostDocs(t, metrics.String())
			if tc.want == OutcomeDelivered {
				if len(docs) != 0 {
					t.Errorf("a delivered event was counted lost: %s", metrics.String())
				}
				return
			}
			if len(docs) != 1 || docs[0].Outcome != string(tc.want) || !strings.Contains(logs.String(), `"outcome":"`+string(tc.want)+`"`) {
				t.Errorf("log %s metrics %s", logs.String(), metrics.String())
			}
		})
	}
}

// TestInvokeIDs: two identical invocations are two events.
func TestInvokeIDs(t *testing.T) {
	payload := fixture1(t, "PostAuthentication_Authentication")
	s := &fakeSender{}
	var logs lambdatest.Output
	e := &Emitter{Sender: s, Budget: time.Second, Log: jsonLogger(&logs)}
	for _, id := range []string{"req-a", "req-b"} {
		e.Handle(lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: id, InvokedFunctionArn: testARN}), payload)
	}
	sent := s.sent()
	if len(sent) != 2 || sent[0].ID != "req-a" || sent[1].ID != "req-b" {
		t.Fatalf("events %+v", sent)
	}
}

// TestInvokeEchoedSecret: a wrapped UserMigration handler that rejects
// with its input in the message (the password, the payload) gets the
// rejection answered unchanged, but neither the event nor the log line
// carries the password.
func TestInvokeEchoedSecret(t *testing.T) {
	payload := fixture1(t, "UserMigration_Authentication")
	var in struct {
		Request struct{ Password string } `json:"request"`
	}
	if err := json.Unmarshal(payload, &in); err != nil || !strings.HasPrefix(in.Request.Password, canary) {
		t.Fatalf("the fixture's password %q, %v", in.Request.Password, err)
	}
	echo := fmt.Errorf("legacy store refused bob with password %s, input %s", in.Request.Password, payload)
	var logs lambdatest.Output
	s := &fakeSender{}
	e := &Emitter{Sender: s, SinkKind: "fake", Budget: time.Second, Log: jsonLogger(&logs)}
	_, err := e.Invoke(lambdaCtx(), payload, func(context.Context, json.RawMessage) (json.RawMessage, error) { return nil, echo })
	if err != echo {
		t.Fatalf("Invoke returned %v, want the handler's error", err)
	}
	sent := s.sent()
	if len(sent) != 1 {
		t.Fatalf("%d events sent, want 1", len(sent))
	}
	if out := sent[0].AppendJSON(nil); bytes.Contains(out, []byte(canary)) {
		t.Errorf("the event carries a secret: %s", out)
	}
	if d := triggerData(t, sent[0]); !strings.HasPrefix(d.Error, "legacy store refused bob with password REDACTED, input") {
		t.Errorf("data.error %q", d.Error)
	}
	if strings.Contains(logs.String(), canary) {
		t.Errorf("the log carries a secret: %s", logs.String())
	}
}
