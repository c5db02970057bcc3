package cesink

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cloudevent "github.com/cloudevents/sdk-go/v2/event"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/sink"
)

// corpus normalises every envelope of the shared fixtures that is a
// user-pool record.
func corpus(tb testing.TB) []*events.Event {
	tb.Helper()
	paths, err := filepath.Glob("../../testdata/envelopes/*.json")
	if err != nil || len(paths) == 0 {
		tb.Fatalf("listing fixtures: %v", err)
	}
	var out []*events.Event
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatalf("reading %s: %v", p, err)
		}
		ev, err := events.Normalize(data)
		if events.IsSkip(err) {
			continue
		}
		if err != nil {
			tb.Fatalf("normalising %s: %v", p, err)
		}
		out = append(out, ev)
	}
	return out
}

// checkSame compares an event received with the one sent.
func checkSame(tb testing.TB, got cloudevent.Event, want *events.Event) {
	tb.Helper()
	if got.ID() != want.ID || got.Type() != events.EventType || got.Source() != want.Source || got.Subject() != want.Subject ||
		got.SpecVersion() != events.SpecVersion || got.DataSchema() != events.DataSchema || got.DataContentType() != events.DataContentType {
		tb.Errorf("attributes differ:\n got  %s\n want %+v", got, want)
	}
	if wt, err := time.Parse(time.RFC3339Nano, want.Time); err != nil || !got.Time().Equal(wt) {
		tb.Errorf("time %s, want %s", got.Time(), want.Time)
	}
	exts := got.Extensions()
	for _, a := range want.Attributes() {
		switch a.Name {
		case events.ExtEventName, events.ExtUserPoolID, events.ExtAWSRegion, events.ExtAWSAccountID, events.ExtResourceType, events.ExtErrorCode:
			if v, _ := exts[a.Name].(string); v != a.Value {
				tb.Errorf("extension %s = %q, want %q", a.Name, v, a.Value)
			}
		}
	}
	var g, w any
	if err := json.Unmarshal(got.Data(), &g); err != nil {
		tb.Fatalf("received data is not JSON: %v", err)
	}
	_ = json.Unmarshal(want.Data, &w)
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if !bytes.Equal(gb, wb) {
		tb.Errorf("data differs:\n got  %s\n want %s", gb, wb)
	}
}

// TestInteropWithForwarderSink: the forwarder's own HTTP sink delivers the
// whole corpus in both modes; every event arrives intact and is recorded.
func TestInteropWithForwarderSink(t *testing.T) {
	evs := corpus(t)
	for _, tt := range []struct {
		name string
		mode sink.Mode
		want sink.Mode
	}{{"binary", sink.Binary, ModeBinary}, {"structured", sink.Structured, ModeStructured}} {
		t.Run(tt.name, func(t *testing.T) {
			var out, rec bytes.Buffer
			r := New(Options{Out: &out, Record: &rec})
			srv := httptest.NewServer(r)
			defer srv.Close()
			s := &sink.HTTP{URL: srv.URL, Mode: tt.mode, Client: srv.Client()}
			for _, ev := range evs {
				if err := s.Send(context.Background(), ev); err != nil {
					t.Fatalf("Send %s: %v", ev.ID, err)
				}
			}
			got := r.Events()
			if len(got) != len(evs) || r.Count() != len(evs) {
				t.Fatalf("received %d (Count %d), sent %d", len(got), r.Count(), len(evs))
			}
			for i, rc := range got {
				if rc.Mode != tt.want {
					t.Errorf("event %d: mode %s", i, rc.Mode)
				}
				checkSame(t, rc.Event, evs[i])
			}
			// The record is one structured event per line, readable by the SDK.
			lines := strings.Split(strings.TrimSuffix(rec.String(), "\n"), "\n")
			if len(lines) != len(evs) {
				t.Fatalf("%d recorded lines, want %d", len(lines), len(evs))
			}
			for i, line := range lines {
				var ev cloudevent.Event
				if err := json.Unmarshal([]byte(line), &ev); err != nil {
					t.Fatalf("line %d: %v", i+1, err)
				}
				checkSame(t, ev, evs[i])
			}
			if n := strings.Count(out.String(), "--- event "); n != len(evs) {
				t.Errorf("%d printed blocks, want %d", n, len(evs))
			}
			if strings.Contains(out.String()+rec.String(), "canary") {
				t.Error("a secret of the fixtures reached the output")
			}
		})
	}
}

// TestBinaryPercentEncoding: attribute values with spaces, quotes,
// percent signs and non-ASCII characters survive the ce- headers.
func TestBinaryPercentEncoding(t *testing.T) {
	ev := corpus(t)[0]
	odd := *ev
	odd.Subject = `group/Équipe "R&D" 100% 東京`
	odd.ErrorCode = "Some Error"
	r := New(Options{})
	srv := httptest.NewServer(r)
	defer srv.Close()
	s := &sink.HTTP{URL: srv.URL, Mode: sink.Binary, Client: srv.Client()}
	if err := s.Send(context.Background(), &odd); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := r.Events()[0]
	if got.Event.Subject() != odd.Subject {
		t.Errorf("subject %q, want %q", got.Event.Subject(), odd.Subject)
	}
	if v := got.Event.Extensions()[events.ExtErrorCode]; v != "Some Error" {
		t.Errorf("errorcode %q", v)
	}
	if h := got.Header.Get("Ce-Subject"); !strings.Contains(h, "%C3%89quipe%20%22R&D%22%20100%25") {
		t.Errorf("header as sent: %q", h)
	}
}

func TestStatusOption(t *testing.T) {
	r := New(Options{Status: http.StatusServiceUnavailable})
	srv := httptest.NewServer(r)
	defer srv.Close()
	s := &sink.HTTP{URL: srv.URL, Mode: sink.Structured, Client: srv.Client()}
	err := s.Send(context.Background(), corpus(t)[0])
	var se *sink.StatusError
	if !errors.As(err, &se) || se.Code != http.StatusServiceUnavailable || sink.IsPermanent(err) {
		t.Errorf("Send error = %v, want a transient 503", err)
	}
	if r.Count() != 1 {
		t.Errorf("Count = %d, want the event kept", r.Count())
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestRecordFailureIsNotAnAck(t *testing.T) {
	r := New(Options{Record: failingWriter{}})
	srv := httptest.NewServer(r)
	defer srv.Close()
	s := &sink.HTTP{URL: srv.URL, Mode: sink.Binary, Client: srv.Client()}
	var se *sink.StatusError
	if err := s.Send(context.Background(), corpus(t)[0]); !errors.As(err, &se) || se.Code != http.StatusInternalServerError {
		t.Errorf("Send error = %v, want 500", err)
	}
}

// TestMalformed: requests that are not CloudEvents get 400 (or 405, 413)
// with the reason, and are not kept.
func TestMalformed(t *testing.T) {
	structured := func(body string) (http.Header, string) {
		return http.Header{"Content-Type": {structuredType}}, body
	}
	binary := func(mod func(h http.Header)) (http.Header, string) {
		h := http.Header{
			"Content-Type":   {"application/json"},
			"Ce-Specversion": {"1.0"},
			"Ce-Id":          {"1"},
			"Ce-Source":      {"arn:aws:cognito-idp:us-east-1:111122223333:userpool/us-east-1_Xk3mQ9pLw"},
			"Ce-Type":        {events.EventType},
		}
		mod(h)
		return h, `{"a":1}`
	}
	tests := []struct {
		name   string
		method string
		header http.Header
		body   string
		status int
		reason string
	}{
		{"GET", http.MethodGet, nil, "", http.StatusMethodNotAllowed, "method GET"},
		{"plain JSON", "", http.Header{"Content-Type": {"application/json"}}, `{}`, 400, "not a CloudEvent: want Content-Type application/cloudevents+json"},
		{"bad Content-Type", "", http.Header{"Content-Type": {"application/"}}, `{}`, 400, "Content-Type"},
		{"batch", "", http.Header{"Content-Type": {batchType}}, `[]`, 400, "batched mode"},
		{"structured not JSON", "", nil, "", 400, "structured mode: the body is not JSON"},
		{"structured without id", "", nil, "", 400, "structured mode: invalid event: id:"},
		{"structured bad specversion", "", nil, "", 400, "structured mode: decoding event"},
		{"binary without id", "", nil, "", 400, "binary mode: invalid event: id:"},
		{"binary specversion 0.3", "", nil, "", 400, `ce-specversion: "0.3" is not supported`},
		{"binary bad percent", "", nil, "", 400, `ce-subject: invalid percent-encoding "%zz"`},
		{"binary truncated percent", "", nil, "", 400, "ce-subject: truncated percent-encoding"},
		{"binary not UTF-8", "", nil, "", 400, "ce-subject: decoded value is not UTF-8"},
		{"binary bad time", "", nil, "", 400, `ce-time: "yesterday" is not an RFC 3339 timestamp`},
		{"binary bad extension name", "", nil, "", 400, "binary mode: invalid event: extension:user_pool"},
		{"binary datacontenttype header", "", nil, "", 400, "ce-datacontenttype"},
		{"too large", "", nil, "", http.StatusRequestEntityTooLarge, "body larger than"},
	}
	// Fill in the requests that need the helpers.
	for i := range tests {
		tt := &tests[i]
		switch tt.name {
		case "structured not JSON":
			tt.header, tt.body = structured(`{"id":`)
		case "structured without id":
			tt.header, tt.body = structured(`{"specversion":"1.0","source":"s","type":"t"}`)
		case "structured bad specversion":
			tt.header, tt.body = structured(`{"specversion":"9.9","id":"1","source":"s","type":"t"}`)
		case "binary without id":
			tt.header, tt.body = binary(func(h http.Header) { h.Del("Ce-Id") })
		case "binary specversion 0.3":
			tt.header, tt.body = binary(func(h http.Header) { h.Set("Ce-Specversion", "0.3") })
		case "binary bad percent":
			tt.header, tt.body = binary(func(h http.Header) { h.Set("Ce-Subject", "a%zz") })
		case "binary truncated percent":
			tt.header, tt.body = binary(func(h http.Header) { h.Set("Ce-Subject", "a%4") })
		case "binary not UTF-8":
			tt.header, tt.body = binary(func(h http.Header) { h.Set("Ce-Subject", "a%FF") })
		case "binary bad time":
			tt.header, tt.body = binary(func(h http.Header) { h.Set("Ce-Time", "yesterday") })
		case "binary bad extension name":
			tt.header, tt.body = binary(func(h http.Header) { h.Set("Ce-User_pool", "x") })
		case "binary datacontenttype header":
			tt.header, tt.body = binary(func(h http.Header) { h.Set("Ce-Datacontenttype", "application/json") })
		case "too large":
			tt.header, tt.body = structured(`{"data":"` + strings.Repeat("x", MaxBody) + `"}`)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			r := New(Options{Out: &out})
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			req := httptest.NewRequest(method, "/", strings.NewReader(tt.body))
			for k, v := range tt.header {
				req.Header[k] = v
			}
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)
			if w.Code != tt.status || !strings.Contains(w.Body.String(), tt.reason) {
				t.Errorf("answer %d %q, want %d containing %q", w.Code, w.Body.String(), tt.status, tt.reason)
			}
			if r.Count() != 0 {
				t.Errorf("kept %d events", r.Count())
			}
			if !strings.HasPrefix(out.String(), "rejected (") {
				t.Errorf("printed %q, want a rejected line", out.String())
			}
		})
	}
}

func TestConcurrentSenders(t *testing.T) {
	evs := corpus(t)
	var rec bytes.Buffer
	r := New(Options{Record: &rec})
	srv := httptest.NewServer(r)
	defer srv.Close()
	s := &sink.HTTP{URL: srv.URL, Mode: sink.Binary, Client: srv.Client()}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(evs); i += 4 {
				if err := s.Send(context.Background(), evs[i]); err != nil {
					t.Errorf("Send: %v", err)
				}
			}
		})
	}
	wg.Wait()
	if r.Count() != len(evs) || strings.Count(rec.String(), "\n") != len(evs) {
		t.Errorf("Count %d, %d lines; want %d", r.Count(), strings.Count(rec.String(), "\n"), len(evs))
	}
	seen := map[string]bool{}
	for _, rc := range r.Events() {
		seen[rc.Event.ID()] = true
	}
	if len(seen) != len(evs) {
		t.Errorf("%d distinct ids, want %d", len(seen), len(evs))
	}
}

func TestPretty(t *testing.T) {
	ev := cloudevent.New()
	ev.SetID("6f1f0c5e-0000-4000-8000-000000000001")
	ev.SetType(events.EventType)
	ev.SetSource("arn:aws:cognito-idp:us-east-1:111122223333:userpool/us-east-1_Xk3mQ9pLw")
	ev.SetSubject("userpoolclient/3n4b5urk1ft4fl3mg5e62d9ado")
	ev.SetExtension("eventname", "DeleteUserPoolClient")
	ev.SetExtension("errorcode", "AccessDenied")
	ev.SetExtension("awsregion", "us-east-1")
	ev.SetExtension("sequence", "00000000000000000002")
	if err := ev.SetData("application/json", json.RawMessage(`{"call":{"name":"DeleteUserPoolClient"},"n":[1,2]}`)); err != nil {
		t.Fatal(err)
	}
	got := Pretty(3, ModeBinary, 202, ev)
	want := `--- event 3 (binary) -> 202
id:          6f1f0c5e-0000-4000-8000-000000000001
type:        com.amazon.cognito-idp.sync_trigger
source:      arn:aws:cognito-idp:us-east-1:111122223333:userpool/us-east-1_Xk3mQ9pLw
subject:     userpoolclient/3n4b5urk1ft4fl3mg5e62d9ado
eventname:   DeleteUserPoolClient
errorcode:   AccessDenied
sequence:    00000000000000000002
data:
  {
    "call": {
      "name": "DeleteUserPoolClient"
    },
    "n": [
      1,
      2
    ]
  }
`
	if got != want {
		t.Errorf("Pretty:\n%s\nwant:\n%s", got, want)
	}
}

// TestHeaderNamesAnyCase: ce- headers are found whatever the case of
// their names, as when a handler is called directly with lower-case keys.
func TestHeaderNamesAnyCase(t *testing.T) {
	r := New(Options{})
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"a":1}`))
	req.Header["content-type"] = []string{"application/json"}
	req.Header["ce-specversion"] = []string{"1.0"}
	req.Header["CE-ID"] = []string{"id-1"}
	req.Header["ce-source"] = []string{"s"}
	req.Header["ce-type"] = []string{"t"}
	req.Header["ce-eventname"] = []string{"A%20B"}
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	if w.Code != DefaultStatus {
		t.Fatalf("answer %d %s", w.Code, w.Body)
	}
	ev := r.Events()[0].Event
	if ev.ID() != "id-1" || ev.Extensions()["eventname"] != "A B" {
		t.Errorf("event %s", ev)
	}
}
