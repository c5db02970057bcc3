package trigger

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
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

	lambdaevents "github.com/aws/aws-lambda-go/events"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime/lambdatest"
	itrigger "github.com/cognito-events/cognito-events/internal/trigger"
)

func TestMain(m *testing.M) { lambdatest.Main(m) }

// wrappedModule writes testdata/wrapped/main.go.txt as the main package
// of a module of its own, example.com/wrapped, that requires this module
// through a replace directive to the working tree, as a user's function
// would (with a version instead of the replace), and returns its folder.
func wrappedModule(tb testing.TB) string {
	tb.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		tb.Fatalf("finding the module root: %v", err)
	}
	dir := tb.TempDir()
	src, err := os.ReadFile("testdata/wrapped/main.go.txt")
	if err != nil {
		tb.Fatalf("reading the wrapped handler: %v", err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		tb.Fatalf("reading go.sum: %v", err)
	}
	mod := fmt.Sprintf("module example.com/wrapped\n\ngo 1.26\n\nrequire (\n\tgithub.com/aws/aws-lambda-go v1.55.1\n\tgithub.com/cognito-events/cognito-events v0.0.0\n)\n\nreplace github.com/cognito-events/cognito-events => %s\n", root)
	for name, b := range map[string][]byte{"main.go": src, "go.mod": []byte(mod), "go.sum": sum} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			tb.Fatalf("writing %s: %v", name, err)
		}
	}
	return dir
}

// queue is a loopback SQS-compatible endpoint (SendMessage, JSON protocol)
// that keeps the bodies it acknowledged, or hangs when hang is set.
type queue struct {
	mu     sync.Mutex
	bodies []string
	hang   chan struct{}
}

func (q *queue) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var in struct{ MessageBody string }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	if q.hang != nil {
		select {
		case <-q.hang:
		case <-r.Context().Done():
		}
		return
	}
	q.mu.Lock()
	q.bodies = append(q.bodies, in.MessageBody)
	n := len(q.bodies)
	q.mu.Unlock()
	sum := md5.Sum([]byte(in.MessageBody))
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	io.WriteString(w, `{"MessageId":"m-`+strconv.Itoa(n)+`","MD5OfMessageBody":"`+hex.EncodeToString(sum[:])+`"}`)
}

func (q *queue) messages() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]string(nil), q.bodies...)
}

// TestWrappedModule builds a PreSignUp handler of another module wrapped
// with Wrap, runs it under a local Runtime API with a Lambda timeout
// longer than Cognito's 5 s, and checks each case: the answer is the
// handler's, the event says what it answered, and a slow handler with a
// hanging sink still answers within 5 s of the invocation's start, the
// lost event logged and counted. The 5 s is checked where the code applies
// it: the slow handler (4.2 s) leaves at most 5 s - 200 ms margin - 4.2 s
// = 600 ms, and the send's logged budget must be no more (TRIGGER_BUDGET,
// 1 s, would overrun); the wall clock only catches a hang, with room for a
// loaded machine (the runtime's timeout is 10 s).
func TestWrappedModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module and runs its bootstrap")
	}
	t.Setenv("GOFLAGS", "-mod=mod")
	bin := lambdatest.Build(t, wrappedModule(t))
	payload, err := os.ReadFile("../events/testdata/triggers/PreSignUp_SignUp.json")
	if err != nil {
		t.Fatalf("reading the payload: %v", err)
	}
	for _, tc := range []struct {
		mode      string
		hang      bool
		wantErr   string
		answer    events.TriggerOutcome
		confirmed bool
	}{
		{mode: "accept", answer: events.TriggerAccepted, confirmed: true},
		{mode: "reject", wantErr: "sign-ups are closed", answer: events.TriggerRejected},
		{mode: "slow", hang: true, answer: events.TriggerAccepted, confirmed: true},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			q := &queue{}
			if tc.hang {
				q.hang = make(chan struct{})
			}
			srv := httptest.NewServer(q)
			t.Cleanup(srv.Close)
			if tc.hang {
				t.Cleanup(func() { close(q.hang) }) // runs before srv.Close
			}
			var stdout, stderr lambdatest.Output
			f, err := lambdaruntime.Start(context.Background(), lambdaruntime.FunctionOptions{
				Server: lambdaruntime.Options{FunctionARN: "arn:aws:lambda:eu-west-1:111122223333:function:wrapped", Timeout: 10 * time.Second},
				Process: lambdaruntime.ProcessOptions{Path: bin, Stdout: &stdout, Stderr: &stderr, Env: []string{
					"WRAPPED_MODE=" + tc.mode, "AWS_LAMBDA_FUNCTION_NAME=wrapped",
					"SINK_KIND=sqs", "SINK_SQS_QUEUE_URL=https://sqs.eu-west-1.amazonaws.com/111122223333/trigger", "AWS_ENDPOINT_URL_SQS=" + srv.URL,
					"AWS_REGION=eu-west-1", "AWS_ACCESS_KEY_ID=AKIDTEST", "AWS_SECRET_ACCESS_KEY=test",
				}},
			})
			if err != nil {
				t.Fatalf("starting the bootstrap: %v", err)
			}
			t.Cleanup(func() { f.Close() })
			start := time.Now()
			resp, err := f.Invoke(context.Background(), payload)
			took := time.Since(start)
			t.Logf("%s: answered %v after the invocation began", tc.mode, took)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Invoke error %v, want the handler's %q", err, tc.wantErr)
				}
			} else {
				if err != nil {
					t.Fatalf("Invoke: %v", err)
				}
				var got lambdaevents.CognitoEventUserPoolsPreSignup
				if err := json.Unmarshal(resp, &got); err != nil || !got.Response.AutoConfirmUser || got.UserName != "alice" {
					t.Errorf("answer %s (%v), want the handler's", resp, err)
				}
			}
			if took >= 8*time.Second {
				t.Errorf("the invocation answered after %v, Cognito waits 5s", took)
			}
			if tc.hang {
				out := stdout.Await(func(s string) bool { return strings.Contains(s, itrigger.MetricLost) })
				var doc itrigger.LostDocument
				if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &doc); err != nil || doc.TriggerEventsLost != 1 || doc.FunctionName != "wrapped" || doc.Outcome != string(itrigger.OutcomeTimeout) {
					t.Errorf("metric %q (%v), want one lost event of function wrapped", out, err)
				}
				log := stderr.Await(func(s string) bool { return strings.Contains(s, `"outcome":"timeout"`) })
				if !strings.Contains(log, `"outcome":"timeout"`) || !strings.Contains(log, `"msg":"event"`) {
					t.Errorf("log lacks the lost event:\n%s", log)
				}
				m := regexp.MustCompile(`"budgetMs":([0-9.]+)`).FindStringSubmatch(log)
				if m == nil {
					t.Fatalf("log lacks the send's budget:\n%s", log)
				}
				if ms, err := strconv.ParseFloat(m[1], 64); err != nil || ms > 600 {
					t.Errorf("the send had %s ms after a 4.2 s handler; the invocation's 5 s (less 200 ms) leaves at most 600:\n%s", m[1], log)
				}
				return
			}
			msgs := q.messages()
			if len(msgs) != 1 {
				t.Fatalf("%d events queued, want 1; log:\n%s", len(msgs), stderr.String())
			}
			ev, err := events.ParseStructured([]byte(msgs[0]))
			if err != nil {
				t.Fatalf("queued body: %v", err)
			}
			var d events.TriggerData
			if err := json.Unmarshal(ev.Data, &d); err != nil {
				t.Fatalf("data: %v", err)
			}
			if d.Outcome != tc.answer || (tc.wantErr != "" && d.Error != tc.wantErr) || (tc.confirmed && (d.AutoConfirmUser == nil || !*d.AutoConfirmUser)) {
				t.Errorf("data %s", ev.Data)
			}
			if bytes.Contains([]byte(msgs[0]), []byte("SECRET-")) || stdout.String() != "" {
				t.Errorf("a secret in the event, or a metric for a queued event: %s %s", msgs[0], stdout.String())
			}
		})
	}
}
