package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"

	"github.com/cognito-events/cognito-events/events"
)

// ceReceiver is a loopback CloudEvents HTTP endpoint: it decodes each
// request with the CloudEvents SDK (binary or structured mode) and answers
// with status.
type ceReceiver struct {
	mu     sync.Mutex
	ids    []string
	status int
	calls  int
	bad    []string
}

func newCEReceiver(tb testing.TB, status int) (*ceReceiver, *httptest.Server) {
	tb.Helper()
	rc := &ceReceiver{status: status}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc.mu.Lock()
		defer rc.mu.Unlock()
		rc.calls++
		ev, err := cehttp.NewEventFromHTTPRequest(r)
		if err != nil {
			rc.bad = append(rc.bad, err.Error())
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if err := ev.Validate(); err != nil || ev.Type() != events.EventType {
			rc.bad = append(rc.bad, "invalid event "+ev.ID())
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if rc.status/100 == 2 {
			rc.ids = append(rc.ids, ev.ID())
		}
		w.WriteHeader(rc.status)
	}))
	tb.Cleanup(srv.Close)
	return rc, srv
}

// received returns the ids acknowledged so far, and fails the test on any
// request that was not a valid CloudEvent.
func (rc *ceReceiver) received(tb testing.TB) []string {
	tb.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.bad) > 0 {
		tb.Fatalf("the sink received invalid requests: %v", rc.bad)
	}
	return slices.Clone(rc.ids)
}

// testRoutes are the routes of the test configuration: an HTTP route for
// user operations, one for every mutation (whose pattern excludes names and
// so relies on the rule state to leave read-only calls out), and an
// EventBridge route.
const testRoutes = `[
  {"name": "users", "selection": {"operations": ["users"]},
   "sink": {"kind": "http", "url": "https://sink.example.com/events"},
   "retry": {"maxAttempts": 1}},
  {"name": "mutations", "selection": {"operations": ["all-mutations"]},
   "sink": {"kind": "http", "url": "https://sink.example.com/events", "mode": "structured"},
   "retry": {"maxAttempts": 1}},
  {"name": "to-bus", "selection": {"operations": ["users"]},
   "sink": {"kind": "eventbridge", "bus": "cognito-events"}}
]`

// writeConfig writes a cdk.json with the test routes and returns its path.
func writeConfig(tb testing.TB) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "cdk.json")
	doc := `{"app": "go run ./infra", "context": {"cognito-events": {"regions": ["us-east-1", "eu-west-1"], "routes": ` + testRoutes + `}}}`
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		tb.Fatalf("writing configuration: %v", err)
	}
	return path
}

// eventIDOf returns the CloudTrail eventID of an envelope or bare record
// fixture.
func eventIDOf(tb testing.TB, path string) string {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("reading fixture: %v", err)
	}
	var v struct {
		EventID string `json:"eventID"`
		Detail  struct {
			EventID string `json:"eventID"`
		} `json:"detail"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		tb.Fatalf("decoding fixture %s: %v", path, err)
	}
	if v.Detail.EventID != "" {
		return v.Detail.EventID
	}
	if v.EventID == "" {
		tb.Fatalf("fixture %s has no eventID", path)
	}
	return v.EventID
}

func envelopeFile(name string) string { return repoFile("testdata", "envelopes", name+".json") }

// lineFor returns the report line that names id.
func lineFor(out, id string) string {
	for line := range strings.SplitSeq(out, "\n") {
		if strings.Contains(line, " "+id+" ") {
			return line
		}
	}
	return ""
}

func TestReplay(t *testing.T) {
	cfg := writeConfig(t)
	created := envelopeFile("AdminCreateUser")
	deleted := envelopeFile("AdminDeleteUser")
	bare := repoFile("testdata", "records", "AdminCreateUser.json")
	failed := envelopeFile("AdminCreateUser-failed")
	readOnly := envelopeFile("AdminGetUser")
	otherOp := envelopeFile("CreateUserPoolClient")
	identity := envelopeFile("negative-GetId")

	type want struct {
		file    string
		outcome outcome
		note    string // part of the line's note
	}
	tests := []struct {
		name     string
		route    string
		extra    []string
		files    []string
		wantCode int
		want     []want
		summary  string
	}{
		{
			name:  "matched envelopes and bare records are delivered, the rest reported",
			route: "users",
			files: []string{created, deleted, bare, failed, readOnly, otherOp, identity},
			want: []want{
				{created, outDelivered, ""},
				{deleted, outDelivered, ""},
				{bare, outDelivered, ""},
				{failed, outUnmatched, "errorCode"},
				{readOnly, outUnmatched, "detail.readOnly: true"},
				{otherOp, outUnmatched, "eventName"},
				{identity, outUnmatched, "source"},
			},
			summary: "7 records: 3 delivered, 0 skipped, 4 unmatched, 0 failed",
		},
		{
			name:  "a rule in state ENABLED never receives read-only calls",
			route: "mutations",
			files: []string{created, readOnly},
			want: []want{
				{created, outDelivered, ""},
				{readOnly, outUnmatched, "detail.readOnly: true"},
			},
			summary: "2 records: 1 delivered, 0 skipped, 1 unmatched, 0 failed",
		},
		{
			name:  "--all sends what the rule would not match",
			route: "users",
			extra: []string{"--all"},
			files: []string{created, failed, identity},
			want: []want{
				{created, outDelivered, ""},
				{failed, outDelivered, "--all; the rule would not match"},
				{identity, outSkipped, "not a Cognito user-pool record"},
			},
			summary: "3 records: 2 delivered, 1 skipped, 0 unmatched, 0 failed",
		},
		{
			name:  "dry run sends nothing",
			route: "users",
			extra: []string{"--dry-run"},
			files: []string{created, failed},
			want: []want{
				{created, outDryRun, ""},
				{failed, outUnmatched, "errorCode"},
			},
			summary: "2 records: 1 would be sent, 0 delivered, 0 skipped, 1 unmatched, 0 failed",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc, srv := newCEReceiver(t, http.StatusAccepted)
			args := append([]string{"replay", "--config", cfg, "--route", tt.route, "--sink-url", srv.URL}, tt.extra...)
			code, stdout, stderr := runCLI(t, "", append(args, tt.files...)...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, stdout, stderr)
			}
			var wantIDs []string
			for _, w := range tt.want {
				id := eventIDOf(t, w.file)
				line := lineFor(stdout, id)
				if !strings.HasPrefix(line, string(w.outcome)+" ") || !strings.Contains(line, w.note) {
					t.Errorf("%s: line %q, want outcome %s and note %q\nstdout:\n%s", filepath.Base(w.file), line, w.outcome, w.note, stdout)
				}
				if !strings.Contains(line, filepath.Base(w.file)+": record 1") {
					t.Errorf("line %q does not name the file and record", line)
				}
				if w.outcome == outDelivered {
					wantIDs = append(wantIDs, id)
				}
			}
			if got := rc.received(t); !slices.Equal(got, wantIDs) {
				t.Errorf("sink received %v, want %v", got, wantIDs)
			}
			if !strings.Contains(stdout, "route "+tt.route+" (us-east-1): "+tt.summary) {
				t.Errorf("summary missing, want %q\n%s", tt.summary, stdout)
			}
			if strings.Contains(stdout+stderr, "canary-") {
				t.Errorf("a secret of the records appears in the output:\n%s\n%s", stdout, stderr)
			}
		})
	}
}

func TestReplayIsIdempotent(t *testing.T) {
	cfg := writeConfig(t)
	rc, srv := newCEReceiver(t, http.StatusOK)
	files := []string{envelopeFile("AdminCreateUser"), envelopeFile("AdminDisableUser"), repoFile("testdata", "records", "lookup-events-page.json")}
	for range 2 {
		if code, stdout, stderr := runCLI(t, "", append([]string{"replay", "--config", cfg, "--route", "mutations", "--sink-url", srv.URL}, files...)...); code != exitOK {
			t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
		}
	}
	got := rc.received(t)
	if len(got) < 4 || len(got)%2 != 0 {
		t.Fatalf("sink received %d events, want the same set twice: %v", len(got), got)
	}
	first, second := got[:len(got)/2], got[len(got)/2:]
	if !slices.Equal(first, second) {
		t.Errorf("the second replay sent other ids:\n%v\n%v", first, second)
	}
	if !slices.Contains(first, eventIDOf(t, envelopeFile("AdminCreateUser"))) {
		t.Errorf("ids %v are not the records' eventIDs", first)
	}
}

func TestReplayStdinJSONLines(t *testing.T) {
	cfg := writeConfig(t)
	rc, srv := newCEReceiver(t, http.StatusAccepted)
	var lines []string
	var want []string
	for _, name := range []string{"AdminCreateUser", "AdminDeleteUser"} {
		data, err := os.ReadFile(envelopeFile(name))
		if err != nil {
			t.Fatalf("reading fixture: %v", err)
		}
		var v json.RawMessage
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatalf("decoding fixture: %v", err)
		}
		compact, _ := json.Marshal(v)
		lines = append(lines, string(compact))
		want = append(want, eventIDOf(t, envelopeFile(name)))
	}
	stdin := lines[0] + "\n{not json}\n" + lines[1] + "\n"
	code, stdout, _ := runCLI(t, stdin, "replay", "--config", cfg, "--route", "users", "--sink-url", srv.URL)
	if code != exitFailures {
		t.Fatalf("exit %d, want 1 for the malformed line\n%s", code, stdout)
	}
	if !strings.Contains(stdout, "failed     - - (<stdin>: record 2, line 2): wrapping record: input is not a JSON object") {
		t.Errorf("the malformed line is not reported with its place:\n%s", stdout)
	}
	if got := rc.received(t); !slices.Equal(got, want) {
		t.Errorf("sink received %v, want %v", got, want)
	}
}

func TestReplayFailingSink(t *testing.T) {
	cfg := writeConfig(t)
	tests := []struct {
		name   string
		status int
	}{
		{"server error", http.StatusServiceUnavailable},
		{"rejected", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc, srv := newCEReceiver(t, tt.status)
			created := envelopeFile("AdminCreateUser")
			code, stdout, stderr := runCLI(t, "", "replay", "--config", cfg, "--route", "users", "--sink-url", srv.URL, created)
			if code != exitFailures {
				t.Fatalf("exit %d, want 1\n%s\n%s", code, stdout, stderr)
			}
			id := eventIDOf(t, created)
			if line := lineFor(stdout, id); !strings.HasPrefix(line, "failed ") || !strings.Contains(line, "delivering event "+id) {
				t.Errorf("line %q does not report the failed delivery", line)
			}
			if !strings.Contains(stdout, "1 record: 0 delivered, 0 skipped, 0 unmatched, 1 failed") {
				t.Errorf("summary missing:\n%s", stdout)
			}
			if rc.calls != 1 {
				t.Errorf("sink called %d times, want 1 (retry.maxAttempts is 1)", rc.calls)
			}
		})
	}
}

func TestReplayUsage(t *testing.T) {
	cfg := writeConfig(t)
	created := envelopeFile("AdminCreateUser")
	noKey := filepath.Join(t.TempDir(), "cdk.json")
	if err := os.WriteFile(noKey, []byte(`{"app": "go run ./infra", "context": {}}`), 0o600); err != nil {
		t.Fatalf("writing configuration: %v", err)
	}
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
	}{
		{"help", []string{"--help"}, exitOK, "Usage: cognito-events replay"},
		{"no route", []string{"--config", cfg, created}, exitUsage, "--route is required"},
		{"unknown route lists the known ones", []string{"--config", cfg, "--route", "user"}, exitUsage, `has no route "user"; its routes: users, mutations, to-bus`},
		{"unknown region lists the known ones", []string{"--config", cfg, "--route", "users", "--region", "ap-south-1"}, exitUsage, "its regions: us-east-1, eu-west-1"},
		{"configuration without the context key", []string{"--config", noKey, "--route", "users"}, exitFailures, `context key "cognito-events" not found`},
		{"missing configuration", []string{"--config", filepath.Join(t.TempDir(), "cdk.json"), "--route", "users"}, exitFailures, "reading configuration"},
		{"plain http off loopback", []string{"--config", cfg, "--route", "users", "--sink-url", "http://sink.example.com/"}, exitUsage, "http:// is allowed only on a loopback host"},
		{"sink URL for a non-HTTP route", []string{"--config", cfg, "--route", "to-bus", "--sink-url", "https://sink.example.com/"}, exitUsage, "eventbridge sink, not an HTTP endpoint"},
		{"bad flag", []string{"--bogus"}, exitUsage, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", append([]string{"replay"}, tt.args...)...)
			if code != tt.wantCode || !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, stderr, tt.wantCode, tt.wantStderr)
			}
		})
	}
}

func TestReplayMissingFile(t *testing.T) {
	cfg := writeConfig(t)
	_, srv := newCEReceiver(t, http.StatusAccepted)
	missing := filepath.Join(t.TempDir(), "nope.json")
	code, stdout, _ := runCLI(t, "", "replay", "--config", cfg, "--route", "users", "--sink-url", srv.URL, missing, envelopeFile("AdminCreateUser"))
	if code != exitFailures {
		t.Fatalf("exit %d, want 1", code)
	}
	if !strings.Contains(stdout, "nope.json") || !strings.Contains(stdout, "1 delivered") {
		t.Errorf("the missing file is not reported, or the rest not replayed:\n%s", stdout)
	}
}

func TestReplayVerboseLogsTheForwarder(t *testing.T) {
	cfg := writeConfig(t)
	_, srv := newCEReceiver(t, http.StatusAccepted)
	created := envelopeFile("AdminCreateUser")
	code, _, stderr := runCLI(t, "", "replay", "--verbose", "--config", cfg, "--route", "users", "--sink-url", srv.URL, created)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var line struct {
		EventID string `json:"eventID"`
		Outcome string `json:"outcome"`
		Sink    string `json:"sink"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(stderr)), &line); err != nil {
		t.Fatalf("stderr is not the forwarder's one JSON log line: %v\n%s", err, stderr)
	}
	if line.EventID != eventIDOf(t, created) || line.Outcome != "delivered" || line.Sink != "http" {
		t.Errorf("log line %+v", line)
	}
}

// TestCLIDocReplayExample keeps the replay example of docs/cli.md in step
// with the command: the lines after the example's command line are its
// output, run from the repository's root with its cdk.json.
func TestCLIDocReplayExample(t *testing.T) {
	cmdLine, example := docExample(t, "$ cognito-events replay ")
	t.Chdir(repoFile())
	code, out, errOut := runCLI(t, "", append([]string{"replay"}, strings.Fields(cmdLine)...)...)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	if out != example {
		t.Errorf("docs/cli.md example:\n%s\nthe command prints:\n%s", example, out)
	}
}
