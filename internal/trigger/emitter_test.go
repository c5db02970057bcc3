package trigger

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime/lambdatest"
)

const testARN = "arn:aws:lambda:eu-west-1:111122223333:function:trigger"

func lambdaCtx() context.Context {
	return lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-1", InvokedFunctionArn: testARN})
}

// TestHandleEveryPayload: each trigger source's payload comes back byte for
// byte, one event is sent, and no secret reaches the event or the log.
func TestHandleEveryPayload(t *testing.T) {
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			var logs lambdatest.Output
			s := &fakeSender{}
			e := &Emitter{Sender: s, SinkKind: "fake", Budget: time.Second, ClientMetadataAllow: []string{"locale"}, Log: jsonLogger(&logs)}
			got, err := e.Handle(lambdaCtx(), f.data)
			if err != nil {
				t.Fatalf("Handle: %v", err)
			}
			if !bytes.Equal(got, f.data) {
				t.Errorf("the response differs from the payload")
			}
			sent := s.sent()
			if len(sent) != 1 {
				t.Fatalf("sent %d events, want 1", len(sent))
			}
			ev := sent[0]
			if ev.EventName != f.name[:strings.IndexAny(f.name+"-", "-")] || ev.AWSAccountID != "111122223333" {
				t.Errorf("event %+v does not name the trigger source or the account", ev)
			}
			if out := ev.AppendJSON(nil); bytes.Contains(out, []byte(canary)) {
				t.Errorf("a secret leaked into the event: %s", out)
			}
			line := logs.String()
			if strings.Contains(line, canary) || strings.Count(line, "\n") != 1 {
				t.Errorf("want one log line without secrets, got %s", line)
			}
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("log line is not JSON: %v", err)
			}
			if rec[KeyOutcome] != string(OutcomeDelivered) || rec[KeyEventID] != ev.ID || rec[KeyRequestID] != "req-1" {
				t.Errorf("log line %v", rec)
			}
		})
	}
}

// TestHandleNeverFails: whatever the sink does, the payload comes back
// unchanged within the budget, and the log says what happened. The budget
// is checked where it is applied (the budget logged for the send); the
// wall clock only catches a hang (the fake sink hangs until the test
// ends), with room for a loaded machine.
func TestHandleNeverFails(t *testing.T) {
	payload := fixtures(t)[0].data
	const budget = 200 * time.Millisecond
	hang := make(chan struct{})
	t.Cleanup(func() { close(hang) })
	for _, tc := range []struct {
		name    string
		emitter func(log *lambdatest.Output) *Emitter
		want    Outcome
	}{
		{"sink refuses", func(l *lambdatest.Output) *Emitter {
			return &Emitter{Sender: &fakeSender{err: errors.New("403 forbidden")}, Budget: budget, Log: jsonLogger(l)}
		}, OutcomeFailed},
		{"sink ignores its context and hangs", func(l *lambdatest.Output) *Emitter {
			return &Emitter{Sender: &fakeSender{release: hang}, Budget: budget, Log: jsonLogger(l)}
		}, OutcomeTimeout},
		{"configuration unusable", func(l *lambdatest.Output) *Emitter {
			return &Emitter{Disabled: errors.New("TRIGGER_BUDGET: bad"), Budget: budget, Log: jsonLogger(l)}
		}, OutcomeDisabled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs lambdatest.Output
			e := tc.emitter(&logs)
			start := time.Now()
			got, err := e.Handle(lambdaCtx(), payload)
			took := time.Since(start)
			if err != nil || !bytes.Equal(got, payload) {
				t.Fatalf("Handle = %d bytes, %v; want the payload, nil", len(got), err)
			}
			if took > budget+5*time.Second {
				t.Errorf("took %v, budget %v: the send was not cut", took, budget)
			}
			if got := logBudget(t, logs.String()); got > budget {
				t.Errorf("the send had %v, budget %v", got, budget)
			}
			if !strings.Contains(logs.String(), `"outcome":"`+string(tc.want)+`"`) {
				t.Errorf("log %s, want outcome %s", logs.String(), tc.want)
			}
		})
	}
}

// TestHandleRealSinks runs the real HTTP sink, through Load and New, at a
// hanging server, a refusing port and a failing server.
func TestHandleRealSinks(t *testing.T) {
	payload := fixtures(t)[0].data
	stop := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	t.Cleanup(hang.Close)
	t.Cleanup(func() { close(stop) }) // runs first: Close waits for the handler
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) }))
	t.Cleanup(failing.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("reserving a port: %v", err)
	}
	refused := "http://" + ln.Addr().String()
	ln.Close()
	for _, tc := range []struct {
		name, url string
		outcomes  []Outcome
	}{
		{"hanging", hang.URL, []Outcome{OutcomeTimeout}},
		{"refusing", refused, []Outcome{OutcomeFailed, OutcomeTimeout}},
		{"503", failing.URL, []Outcome{OutcomeFailed, OutcomeTimeout}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// SINK_TIMEOUT is far longer than the budget and the wall-clock
			// bound: only the budget can end the send at the hanging server
			// in time. The bound has room for a loaded machine.
			env := map[string]string{"SINK_KIND": "http", "SINK_URL": tc.url, "SINK_ALLOW_INSECURE": "true", EnvBudget: "300ms", "SINK_TIMEOUT": "30s"}
			cfg, err := Load(func(k string) string { return env[k] })
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			var logs lambdatest.Output
			e := New(context.Background(), cfg, nil, func(string) string { return "" }, jsonLogger(&logs))
			start := time.Now()
			got, err := e.Handle(lambdaCtx(), payload)
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %v with a 300ms budget: the send was not cut", took)
			}
			if got := logBudget(t, logs.String()); got > 300*time.Millisecond {
				t.Errorf("the send had %v, budget 300ms", got)
			}
			if err != nil || !bytes.Equal(got, payload) {
				t.Fatalf("Handle = %v; want the payload back", err)
			}
			ok := false
			for _, o := range tc.outcomes {
				ok = ok || strings.Contains(logs.String(), `"outcome":"`+string(o)+`"`)
			}
			if !ok {
				t.Errorf("log %s, want one of %v", logs.String(), tc.outcomes)
			}
		})
	}
}

func TestNewDisabledByBadConfig(t *testing.T) {
	env := map[string]string{"SINK_KIND": "carrier-pigeon", EnvBudget: "7s"}
	cfg, err := Load(func(k string) string { return env[k] })
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("Load error %v, want ErrInvalid", err)
	}
	var logs lambdatest.Output
	e := New(context.Background(), cfg, err, nil, jsonLogger(&logs))
	if e.Sender != nil || e.Disabled == nil {
		t.Fatalf("emitter %+v should be disabled", e)
	}
	payload := fixtures(t)[0].data
	if got, err := e.Handle(lambdaCtx(), payload); err != nil || !bytes.Equal(got, payload) {
		t.Errorf("Handle = %v, want the payload back", err)
	}
	for _, want := range []string{msgDisabled, EnvBudget, `"outcome":"disabled"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q: %s", want, logs.String())
		}
	}
}

// FuzzHandle: any payload comes back unchanged, with one log line and no
// panic; a payload that makes an event makes a valid one.
func FuzzHandle(f *testing.F) {
	for _, fx := range fixtures(f) {
		f.Add(fx.data)
	}
	f.Add([]byte(`{"triggerSource":""}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		var logs lambdatest.Output
		s := &fakeSender{}
		e := &Emitter{Sender: s, Budget: time.Second, Log: jsonLogger(&logs)}
		got, err := e.Handle(lambdaCtx(), payload)
		if err != nil || !bytes.Equal(got, payload) {
			t.Fatalf("Handle = %q, %v; want the payload", got, err)
		}
		if n := strings.Count(logs.String(), "\n"); n != 1 {
			t.Fatalf("%d log lines", n)
		}
		for _, ev := range s.sent() {
			if err := ev.Validate(); err != nil {
				t.Fatalf("invalid event: %v", err)
			}
			if ev.Schema() != events.TriggerDataSchema {
				t.Fatalf("dataschema %q", ev.Schema())
			}
		}
	})
}

// logBudget returns the send budget of the log line in out (the last
// line with one), or 0.
func logBudget(tb testing.TB, out string) time.Duration {
	tb.Helper()
	var budget time.Duration
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			tb.Fatalf("log line %q: %v", l, err)
		}
		if ms, ok := rec[KeyBudget].(float64); ok {
			budget = time.Duration(ms * float64(time.Millisecond))
		}
	}
	return budget
}
