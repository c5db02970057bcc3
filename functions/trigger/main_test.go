package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/emulator/moto"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime/lambdatest"
)

// The bootstrap tests build the real binary and run it against a local
// Lambda Runtime API, as Lambda's provided.al2023 runtime would.

const (
	functionARN = "arn:aws:lambda:eu-west-1:111122223333:function:cognito-events-trigger"
	queueURL    = "https://sqs.eu-west-1.amazonaws.com/111122223333/cognito-events-trigger"
	fixtureDir  = "../../events/testdata/triggers"
	canary      = "SECRET-"
)

func TestMain(m *testing.M) {
	code := m.Run()
	lambdatest.Cleanup()
	moto.StopShared()
	os.Exit(code)
}

// startTrigger runs the bootstrap under a local Runtime API with env only
// and stops it at cleanup.
func startTrigger(tb testing.TB, arn string, stderr io.Writer, env ...string) *lambdaruntime.Function {
	tb.Helper()
	f, err := lambdaruntime.Start(context.Background(), lambdaruntime.FunctionOptions{
		Server:  lambdaruntime.Options{FunctionARN: arn, Timeout: 5 * time.Second},
		Process: lambdaruntime.ProcessOptions{Path: lambdatest.Build(tb, "."), Env: env, Stderr: stderr},
	})
	if err != nil {
		tb.Fatalf("starting bootstrap: %v", err)
	}
	tb.Cleanup(func() { f.Close() })
	return f
}

// sqsEnv is the environment of the deployed wiring, the SQS API at
// endpoint.
func sqsEnv(endpoint string, extra ...string) []string {
	return append([]string{
		"SINK_KIND=sqs", "SINK_SQS_QUEUE_URL=" + queueURL, "AWS_ENDPOINT_URL_SQS=" + endpoint,
		"AWS_REGION=eu-west-1", "AWS_ACCESS_KEY_ID=AKIDTEST", "AWS_SECRET_ACCESS_KEY=test", "TRIGGER_CLIENT_METADATA_ALLOW=locale",
	}, extra...)
}

// fakeSQS is a loopback SQS-compatible endpoint (SendMessage, JSON
// protocol) keeping the bodies it acknowledged.
type fakeSQS struct {
	mu     sync.Mutex
	bodies []string
}

func (f *fakeSQS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var in struct{ MessageBody string }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || r.Header.Get("X-Amz-Target") != "AmazonSQS.SendMessage" {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.bodies = append(f.bodies, in.MessageBody)
	n := len(f.bodies)
	f.mu.Unlock()
	sum := md5.Sum([]byte(in.MessageBody))
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	io.WriteString(w, `{"MessageId":"m-`+strconv.Itoa(n)+`","MD5OfMessageBody":"`+hex.EncodeToString(sum[:])+`"}`)
}

func (f *fakeSQS) messages() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.bodies...)
}

func startFakeSQS(tb testing.TB) (*fakeSQS, string) {
	tb.Helper()
	f := &fakeSQS{}
	srv := httptest.NewServer(f)
	tb.Cleanup(srv.Close)
	return f, srv.URL
}

func readFixtures(tb testing.TB) map[string][]byte {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(fixtureDir, "*.json"))
	if err != nil || len(paths) < 15 {
		tb.Fatalf("listing %s: %d fixtures, %v", fixtureDir, len(paths), err)
	}
	out := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatalf("reading %s: %v", p, err)
		}
		out[strings.TrimSuffix(filepath.Base(p), ".json")] = b
	}
	return out
}

// TestBootstrapEveryPayload: the real bootstrap returns every trigger
// source's payload byte for byte and queues its event, with no secret in
// the event or the function's log.
func TestBootstrapEveryPayload(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the bootstrap binary")
	}
	q, endpoint := startFakeSQS(t)
	var stderr lambdatest.Output
	f := startTrigger(t, functionARN, &stderr, sqsEnv(endpoint)...)
	for name, payload := range readFixtures(t) {
		t.Run(name, func(t *testing.T) {
			before := len(q.messages())
			resp, err := f.Invoke(context.Background(), payload)
			if err != nil {
				t.Fatalf("Invoke: %v", err)
			}
			if !bytes.Equal(resp, bytes.TrimSpace(payload)) && !jsonEqual(resp, payload) {
				t.Errorf("response differs from the payload:\n%s", resp)
			}
			msgs := q.messages()
			if len(msgs) != before+1 {
				t.Fatalf("%d messages queued, want 1", len(msgs)-before)
			}
			ev, err := events.ParseStructured([]byte(msgs[len(msgs)-1]))
			if err != nil {
				t.Fatalf("the queued body is not an event of the contract: %v", err)
			}
			if !strings.HasPrefix(name, ev.EventName) || ev.AWSAccountID != "111122223333" || ev.Schema() != events.TriggerDataSchema {
				t.Errorf("event %+v", ev)
			}
			if strings.Contains(msgs[len(msgs)-1], canary) {
				t.Errorf("a secret reached the queue: %s", msgs[len(msgs)-1])
			}
		})
	}
	want := len(readFixtures(t))
	log := stderr.Await(func(s string) bool { return strings.Count(s, `"outcome":"delivered"`) >= want })
	if strings.Contains(log, canary) {
		t.Errorf("a secret reached the log:\n%s", log)
	}
	if n := strings.Count(log, `"outcome":"delivered"`); n != want {
		t.Errorf("%d delivered log lines, want one per payload:\n%s", n, log)
	}
}

// jsonEqual reports whether a and b are the same JSON text but for
// insignificant space: aws-lambda-go hands a json.RawMessage handler the
// payload as received.
func jsonEqual(a, b []byte) bool {
	var ca, cb bytes.Buffer
	return json.Compact(&ca, a) == nil && json.Compact(&cb, b) == nil && bytes.Equal(ca.Bytes(), cb.Bytes())
}

// TestBootstrapSinkDown: with the queue hanging or refusing connections,
// every invocation still returns the payload unchanged within the budget.
// The budget is checked where it is applied (each send's budget in the
// log); the wall clock only catches a send not cut by it, which would run
// to the 5 s function timeout, with room for a loaded machine.
func TestBootstrapSinkDown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the bootstrap binary")
	}
	stop := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	t.Cleanup(hang.Close)
	t.Cleanup(func() { close(stop) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("reserving a port: %v", err)
	}
	refused := "http://" + ln.Addr().String()
	ln.Close()
	payload := readFixtures(t)["PostConfirmation_ConfirmSignUp"]
	const budget = 300 * time.Millisecond
	for _, tc := range []struct{ name, endpoint, outcome string }{
		{"hanging", hang.URL, "timeout"},
		{"refusing", refused, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr lambdatest.Output
			f := startTrigger(t, functionARN, &stderr, sqsEnv(tc.endpoint, "TRIGGER_BUDGET="+budget.String())...)
			for i := range 3 {
				start := time.Now()
				resp, err := f.Invoke(context.Background(), payload)
				took := time.Since(start)
				if err != nil || !jsonEqual(resp, payload) {
					t.Fatalf("invocation %d: %v; want the payload back", i, err)
				}
				if took > budget+3*time.Second {
					t.Errorf("invocation %d took %v with a %v budget: the send was not cut", i, took, budget)
				}
			}
			log := stderr.String()
			if tc.outcome != "" {
				log = stderr.Await(func(s string) bool { return strings.Count(s, `"outcome":"`+tc.outcome+`"`) >= 3 })
				if !strings.Contains(log, `"outcome":"`+tc.outcome+`"`) {
					t.Errorf("log lacks outcome %s:\n%s", tc.outcome, log)
				}
			}
			if strings.Contains(log, `"outcome":"delivered"`) {
				t.Errorf("log claims a delivery:\n%s", log)
			}
			for _, m := range regexp.MustCompile(`"budgetMs":([0-9.]+)`).FindAllStringSubmatch(log, -1) {
				if ms, err := strconv.ParseFloat(m[1], 64); err != nil || ms > float64(budget.Milliseconds()) {
					t.Errorf("a send had %s ms, budget %v", m[1], budget)
				}
			}
		})
	}
}

// TestBootstrapBadConfig: a configuration it cannot use does not fail the
// function (that would fail every sign-up): payloads pass through.
func TestBootstrapBadConfig(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the bootstrap binary")
	}
	var stderr lambdatest.Output
	f := startTrigger(t, functionARN, &stderr, "SINK_KIND=sqs", "TRIGGER_BUDGET=forever")
	payload := readFixtures(t)["PreSignUp_SignUp"]
	resp, err := f.Invoke(context.Background(), payload)
	if err != nil || !jsonEqual(resp, payload) {
		t.Fatalf("Invoke = %v; want the payload back", err)
	}
	wants := []string{"TRIGGER_BUDGET", "SINK_SQS_QUEUE_URL", `"outcome":"disabled"`}
	log := stderr.Await(func(s string) bool {
		for _, w := range wants {
			if !strings.Contains(s, w) {
				return false
			}
		}
		return true
	})
	for _, want := range wants {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %s:\n%s", want, log)
		}
	}
}
