package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/cognito-events/cognito-events/internal/forwarder/fwtest"
)

// lookupEventsTargets are the X-Amz-Target values of CloudTrail's
// LookupEvents in the JSON 1.1 protocol: the full shape id, as the API
// reference writes it, and the service-name form the SDK's awsjson
// protocol sends. CloudTrail accepts both.
var lookupEventsTargets = []string{
	"com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents",
	"CloudTrail_20131101.LookupEvents",
}

// lookupRequest is the body of a LookupEvents call; timestamps are epoch
// seconds.
type lookupRequest struct {
	LookupAttributes []struct {
		AttributeKey   string
		AttributeValue string
	}
	StartTime  float64
	EndTime    float64
	MaxResults int
	NextToken  string
}

// seenRequest is one call the fake CloudTrail received.
type seenRequest struct {
	Target string
	Auth   string
	Body   lookupRequest
	At     time.Time
}

// fakeCloudTrail is a loopback CloudTrail endpoint speaking the JSON 1.1
// protocol: it answers LookupEvents with pages of the given records, each
// page after the first named by NextToken "token-N".
type fakeCloudTrail struct {
	mu       sync.Mutex
	pages    [][][]byte // records (bare CloudTrail JSON) per page
	requests []seenRequest
	// failWith, when set, is the error type every call answers with.
	failWith string
}

func (f *fakeCloudTrail) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	seen := seenRequest{Target: r.Header.Get("X-Amz-Target"), Auth: r.Header.Get("Authorization"), At: time.Now()}
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if err := json.Unmarshal(body, &seen.Body); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"__type":"InvalidParameterException","message":%q}`, err.Error())
		return
	}
	f.requests = append(f.requests, seen)
	if !slices.Contains(lookupEventsTargets, seen.Target) {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"__type":"UnknownOperationException","message":"unknown X-Amz-Target %s"}`, seen.Target)
		return
	}
	if f.failWith != "" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"__type":%q,"message":"test failure"}`, f.failWith)
		return
	}
	page := 0
	if tok := seen.Body.NextToken; tok != "" {
		if _, err := fmt.Sscanf(tok, "token-%d", &page); err != nil || page < 2 || page > len(f.pages) {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"__type":"InvalidNextTokenException","message":"bad token %s"}`, tok)
			return
		}
		page--
	}
	type event struct {
		EventId         string
		EventName       string
		EventTime       float64
		EventSource     string
		ReadOnly        string
		CloudTrailEvent string
	}
	var out struct {
		Events    []event
		NextToken string `json:",omitempty"`
	}
	out.Events = []event{}
	for _, rec := range f.pages[page] {
		var head struct {
			EventID   string    `json:"eventID"`
			EventName string    `json:"eventName"`
			EventTime time.Time `json:"eventTime"`
			ReadOnly  bool      `json:"readOnly"`
		}
		_ = json.Unmarshal(rec, &head) // fixtures: checked by testdata's own tests
		out.Events = append(out.Events, event{
			EventId: head.EventID, EventName: head.EventName, EventTime: float64(head.EventTime.Unix()),
			EventSource: "cognito-idp.amazonaws.com", ReadOnly: fmt.Sprint(head.ReadOnly),
			CloudTrailEvent: string(rec),
		})
	}
	if page+1 < len(f.pages) {
		out.NextToken = fmt.Sprintf("token-%d", page+2)
	}
	json.NewEncoder(w).Encode(out)
}

func (f *fakeCloudTrail) seen() []seenRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

// bareRecord returns the CloudTrail record of a fixture: an envelope's
// detail, compacted, or a bare record file as it is.
func bareRecord(tb testing.TB, path string) []byte {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("reading fixture: %v", err)
	}
	var env struct {
		Detail json.RawMessage `json:"detail"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		tb.Fatalf("decoding fixture %s: %v", path, err)
	}
	if env.Detail != nil {
		data = env.Detail
	}
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		tb.Fatalf("compacting fixture %s: %v", path, err)
	}
	return b.Bytes()
}

// startCloudTrail starts a fake CloudTrail serving pages of the fixture
// files and points the AWS SDK at it with static test credentials.
func startCloudTrail(tb testing.TB, pages ...[]string) *fakeCloudTrail {
	tb.Helper()
	f := &fakeCloudTrail{}
	for _, files := range pages {
		var recs [][]byte
		for _, file := range files {
			recs = append(recs, bareRecord(tb, file))
		}
		f.pages = append(f.pages, recs)
	}
	srv := httptest.NewServer(f)
	tb.Cleanup(srv.Close)
	fwtest.AWSEnv(tb)
	tb.Setenv("AWS_ENDPOINT_URL_CLOUDTRAIL", srv.URL)
	return f
}

func TestBackfill(t *testing.T) {
	cfg := writeConfig(t)
	delivered := []string{
		envelopeFile("AdminCreateUser"), envelopeFile("AdminDeleteUser"),
		envelopeFile("AdminDisableUser"), repoFile("testdata", "records", "AdminCreateUser.json"),
	}
	readOnly := envelopeFile("AdminGetUser")
	failed := envelopeFile("AdminCreateUser-failed")
	otherOp := envelopeFile("CreateUserPoolClient")
	ct := startCloudTrail(t,
		[]string{delivered[0], readOnly, failed},
		[]string{delivered[1], otherOp, delivered[2]},
		[]string{delivered[3]},
	)
	var wantIDs []string
	for _, f := range delivered {
		wantIDs = append(wantIDs, eventIDOf(t, f))
	}
	rc, sink := newCEReceiver(t, http.StatusAccepted)

	args := []string{"backfill", "--config", cfg, "--route", "users", "--region", "us-east-1",
		"--since", "2h", "--until", "1h", "--sink-url", sink.URL}
	before := time.Now()
	code, stdout, stderr := runCLI(t, "", args...)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}

	t.Run("request parameters", func(t *testing.T) {
		reqs := ct.seen()
		if len(reqs) != 3 {
			t.Fatalf("%d LookupEvents calls, want 3 (one per page)", len(reqs))
		}
		for i, r := range reqs {
			if !slices.Contains(lookupEventsTargets, r.Target) {
				t.Errorf("call %d: X-Amz-Target %q", i+1, r.Target)
			}
			if !strings.Contains(r.Auth, "Credential=AKIDTEST/") || !strings.Contains(r.Auth, "/us-east-1/cloudtrail/") {
				t.Errorf("call %d: not signed with the test credentials for us-east-1: %q", i+1, r.Auth)
			}
			a := r.Body.LookupAttributes
			if len(a) != 1 || a[0].AttributeKey != "EventSource" || a[0].AttributeValue != "cognito-idp.amazonaws.com" {
				t.Errorf("call %d: LookupAttributes %+v, want EventSource=cognito-idp.amazonaws.com", i+1, a)
			}
			if span := r.Body.EndTime - r.Body.StartTime; math.Abs(span-3600) > 1 {
				t.Errorf("call %d: EndTime-StartTime = %.0fs, want 3600s", i+1, span)
			}
			wantEnd := float64(before.Add(-time.Hour).Unix())
			if math.Abs(r.Body.EndTime-wantEnd) > 60 {
				t.Errorf("call %d: EndTime %.0f, want about %.0f (an hour ago)", i+1, r.Body.EndTime, wantEnd)
			}
			if r.Body.MaxResults != lookupPageSize {
				t.Errorf("call %d: MaxResults %d, want %d", i+1, r.Body.MaxResults, lookupPageSize)
			}
			wantToken := ""
			if i > 0 {
				wantToken = fmt.Sprintf("token-%d", i+1)
			}
			if r.Body.NextToken != wantToken {
				t.Errorf("call %d: NextToken %q, want %q", i+1, r.Body.NextToken, wantToken)
			}
		}
	})

	t.Run("at most 2 calls per second", func(t *testing.T) {
		// Timing is not asserted (the machine is shared and noisy): the
		// limiter the command builds allows 2 calls a second with no
		// burst, and TestLookupEach proves every call waits on it.
		lim := newLookupLimiter()
		if lim.Limit() != 2 || lim.Burst() != 1 {
			t.Errorf("LookupEvents limiter: %v a second, burst %d; want 2, burst 1", lim.Limit(), lim.Burst())
		}
	})

	t.Run("matched events delivered with their eventIDs", func(t *testing.T) {
		if got := rc.received(t); !slices.Equal(got, wantIDs) {
			t.Errorf("sink received %v, want %v", got, wantIDs)
		}
		for _, tt := range []struct {
			file string
			want string
		}{
			{readOnly, "unmatched  " + eventIDOf(t, readOnly) + " AdminGetUser (page 1 event 2): detail.readOnly: true"},
			{failed, "unmatched  " + eventIDOf(t, failed) + " AdminCreateUser (page 1 event 3): detail.errorCode"},
			{otherOp, "unmatched  " + eventIDOf(t, otherOp) + " CreateUserPoolClient (page 2 event 2): detail.eventName"},
			{delivered[3], "delivered  " + wantIDs[3] + " AdminCreateUser (page 3 event 1)"},
		} {
			if !strings.Contains(stdout, tt.want) {
				t.Errorf("no line %q in\n%s", tt.want, stdout)
			}
		}
		if !strings.Contains(stdout, "route users (us-east-1): 7 records: 4 delivered, 0 skipped, 3 unmatched, 0 failed") {
			t.Errorf("summary missing:\n%s", stdout)
		}
		if !strings.Contains(stderr, "progress: ") || !strings.Contains(stderr, "pages=3 seen=7 matched=4 delivered=4 failed=0") {
			t.Errorf("no final progress line on a non-terminal:\n%s", stderr)
		}
		if strings.Contains(stdout+stderr, "canary-") {
			t.Errorf("a secret of the records appears in the output")
		}
	})

	t.Run("running it again delivers the same ids", func(t *testing.T) {
		if code, stdout, stderr := runCLI(t, "", args...); code != exitOK {
			t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
		}
		got := rc.received(t)
		if len(got) != 2*len(wantIDs) || !slices.Equal(got[len(wantIDs):], wantIDs) {
			t.Errorf("second run delivered %v, want %v again", got[min(len(got), len(wantIDs)):], wantIDs)
		}
	})

	t.Run("dry run lists and sends nothing", func(t *testing.T) {
		n := len(rc.received(t))
		code, stdout, stderr := runCLI(t, "", append(args, "--dry-run")...)
		if code != exitOK {
			t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
		}
		if got := len(rc.received(t)); got != n {
			t.Errorf("the dry run sent %d events", got-n)
		}
		for _, id := range wantIDs {
			if !strings.HasPrefix(lineFor(stdout, id), "would-send "+id) {
				t.Errorf("dry run does not list %s:\n%s", id, stdout)
			}
		}
		if !strings.Contains(stdout, "7 records: 4 would be sent, 0 delivered") || !strings.Contains(stderr, "dry run") {
			t.Errorf("dry-run summary missing:\n%s\n%s", stdout, stderr)
		}
	})
}

func TestBackfillFailures(t *testing.T) {
	cfg := writeConfig(t)
	created := envelopeFile("AdminCreateUser")

	t.Run("sink down", func(t *testing.T) {
		startCloudTrail(t, []string{created})
		_, sink := newCEReceiver(t, http.StatusServiceUnavailable)
		code, stdout, _ := runCLI(t, "", "backfill", "--config", cfg, "--route", "users", "--since", "1h", "--sink-url", sink.URL)
		if code != exitFailures {
			t.Fatalf("exit %d, want 1\n%s", code, stdout)
		}
		if !strings.HasPrefix(lineFor(stdout, eventIDOf(t, created)), "failed ") {
			t.Errorf("the failed delivery is not reported:\n%s", stdout)
		}
	})

	t.Run("CloudTrail refuses", func(t *testing.T) {
		ct := startCloudTrail(t, []string{created})
		ct.failWith = "AccessDeniedException"
		_, sink := newCEReceiver(t, http.StatusAccepted)
		code, _, stderr := runCLI(t, "", "backfill", "--config", cfg, "--route", "users", "--since", "1h", "--sink-url", sink.URL)
		if code != exitFailures || !strings.Contains(stderr, "looking up CloudTrail events (page 1)") || !strings.Contains(stderr, "AccessDenied") {
			t.Errorf("exit %d, stderr:\n%s", code, stderr)
		}
	})

	t.Run("a page without CloudTrailEvent", func(t *testing.T) {
		var out bytes.Buffer
		p := &pipeline{target: &routeTarget{Name: "users", Region: "us-east-1"}}
		l := &lookup{Client: &pagesClient{pages: [][]cttypes.Event{{{EventId: aws.String("id-1"), EventName: aws.String("AdminCreateUser")}}}}, Limiter: &countingWaiter{}}
		code := backfill(context.Background(), l, p, &out, newProgress(io.Discard, false))
		if code != exitFailures || !strings.Contains(out.String(), "failed     id-1 AdminCreateUser (page 1 event 1): LookupEvents returned the event without CloudTrailEvent") {
			t.Errorf("exit %d:\n%s", code, out.String())
		}
	})
}

func TestBackfillUsage(t *testing.T) {
	cfg := writeConfig(t)
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
	}{
		{"help", []string{"--help"}, exitOK, "safe to repeat"},
		{"no since", []string{"--config", cfg, "--route", "users"}, exitUsage, "--since is required"},
		{"bad since", []string{"--config", cfg, "--route", "users", "--since", "yesterday"}, exitUsage, `--since: "yesterday" is not a positive duration`},
		{"until before since", []string{"--config", cfg, "--route", "users", "--since", "1h", "--until", "2h"}, exitUsage, "is not before --until"},
		{"no route", []string{"--config", cfg, "--since", "1h"}, exitUsage, "--route is required"},
		{"unknown route", []string{"--config", cfg, "--route", "nope", "--since", "1h"}, exitUsage, "its routes: users, mutations, to-bus"},
		{"files", []string{"--config", cfg, "--route", "users", "--since", "1h", "x.json"}, exitUsage, "backfill reads CloudTrail, not files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", append([]string{"backfill"}, tt.args...)...)
			if code != tt.wantCode || !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, stderr, tt.wantCode, tt.wantStderr)
			}
		})
	}
}

func TestBackfillWindow(t *testing.T) {
	now := time.Date(2025, 1, 19, 18, 0, 0, 0, time.UTC)
	tests := []struct {
		name         string
		since, until string
		start, end   time.Time
		wantErr      string
	}{
		{"since only", "90m", "", now.Add(-90 * time.Minute), now, ""},
		{"days", "7d", "", now.AddDate(0, 0, -7), now, ""},
		{"until a duration ago", "3h", "1h", now.Add(-3 * time.Hour), now.Add(-time.Hour), ""},
		{"until a time", "3h", "2025-01-19T17:30:00Z", now.Add(-3 * time.Hour), time.Date(2025, 1, 19, 17, 30, 0, 0, time.UTC), ""},
		{"until with an offset", "3h", "2025-01-19T18:30:00+01:00", now.Add(-3 * time.Hour), time.Date(2025, 1, 19, 17, 30, 0, 0, time.UTC), ""},
		{"missing", "", "", time.Time{}, time.Time{}, "--since is required"},
		{"negative", "-1h", "", time.Time{}, time.Time{}, "not a positive duration"},
		{"zero days", "0d", "", time.Time{}, time.Time{}, "not a positive number of days"},
		{"bad until", "1h", "noon", time.Time{}, time.Time{}, "--until: \"noon\""},
		{"empty window", "1h", "1h", time.Time{}, time.Time{}, "is not before"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, end, err := backfillWindow(tt.since, tt.until, now)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !start.Equal(tt.start) || !end.Equal(tt.end) {
				t.Errorf("= %s, %s, %v; want %s, %s", start, end, err, tt.start, tt.end)
			}
		})
	}
}
