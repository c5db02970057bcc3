package sink

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/forwarder/fwtest"
)

// testEvent normalises a fixture of internal/forwarder/fwtest/testdata.
func testEvent(tb testing.TB, name string) *events.Event {
	tb.Helper()
	ev, err := events.Normalize(fwtest.Fixture(tb, name))
	if err != nil {
		tb.Fatalf("normalising %s: %v", name, err)
	}
	return ev
}

// receiver is a real CloudEvents receiver, the sdk-go one, on loopback.
type receiver struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []event.Event
	hdr []http.Header
}

func newReceiver(tb testing.TB, wrap func(http.Handler) http.Handler) *receiver {
	tb.Helper()
	r := &receiver{}
	p, err := cloudevents.NewHTTP()
	if err != nil {
		tb.Fatalf("creating protocol: %v", err)
	}
	h, err := cloudevents.NewHTTPReceiveHandler(context.Background(), p, func(ev event.Event) {
		r.mu.Lock()
		r.got = append(r.got, ev)
		r.mu.Unlock()
	})
	if err != nil {
		tb.Fatalf("creating receive handler: %v", err)
	}
	var handler http.Handler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.hdr = append(r.hdr, req.Header.Clone())
		r.mu.Unlock()
		h.ServeHTTP(w, req)
	})
	if wrap != nil {
		handler = wrap(handler)
	}
	r.srv = httptest.NewServer(handler)
	tb.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) events() []event.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]event.Event(nil), r.got...)
}

func TestHTTPModes(t *testing.T) {
	ev := testEvent(t, "update-client.json")
	for _, tc := range []struct {
		name        string
		mode        Mode
		contentType string
	}{
		{"binary", Binary, "application/json"},
		{"structured", Structured, "application/cloudevents+json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newReceiver(t, nil)
			s := &HTTP{URL: r.srv.URL, Mode: tc.mode, Client: r.srv.Client(), Headers: map[string]string{"X-Team": "identity"}}
			if err := s.Send(context.Background(), ev); err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := r.events()
			if len(got) != 1 {
				t.Fatalf("receiver got %d events, want 1", len(got))
			}
			g := got[0]
			checks := map[string][2]string{
				"id":          {g.ID(), ev.ID},
				"source":      {g.Source(), ev.Source},
				"type":        {g.Type(), events.EventType},
				"subject":     {g.Subject(), ev.Subject},
				"specversion": {g.SpecVersion(), "1.0"},
				"dataschema":  {g.DataSchema(), events.DataSchema},
				"time":        {g.Time().UTC().Format(time.RFC3339), ev.Time},
				"eventname":   {fmt.Sprint(g.Extensions()[events.ExtEventName]), ev.EventName},
				"userpoolid":  {fmt.Sprint(g.Extensions()[events.ExtUserPoolID]), ev.UserPoolID},
			}
			for name, c := range checks {
				if c[0] != c[1] {
					t.Errorf("%s = %q, want %q", name, c[0], c[1])
				}
			}
			if !jsonEqual(t, g.Data(), ev.Data) {
				t.Errorf("data = %s, want %s", g.Data(), ev.Data)
			}
			h := r.hdr[0]
			if ct := h.Get("Content-Type"); ct != tc.contentType {
				t.Errorf("Content-Type = %q, want %q", ct, tc.contentType)
			}
			if h.Get("X-Team") != "identity" {
				t.Errorf("static header X-Team missing: %v", h)
			}
			if hasCE := h.Get("Ce-Id") != ""; hasCE != (tc.mode == Binary) {
				t.Errorf("ce-id header present = %v in %s mode", hasCE, tc.name)
			}
		})
	}
}

func jsonEqual(tb testing.TB, a, b []byte) bool {
	tb.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		tb.Fatalf("decoding %s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		tb.Fatalf("decoding %s: %v", b, err)
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}

func TestEncodeHeaderValue(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "user/abc-123", "user/abc-123"},
		{"space", "a b", "a%20b"},
		{"quote and percent", `"50%"`, "%2250%25%22"},
		{"non-ASCII", "user/zoë", "user/zo%C3%AB"},
		{"control", "a\nb", "a%0Ab"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := encodeHeaderValue(tc.in)
			if got != tc.want {
				t.Fatalf("encodeHeaderValue(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if back, err := url.PathUnescape(got); err != nil || back != tc.in {
				t.Fatalf("decoding %q gave %q, %v", got, back, err)
			}
		})
	}
}

func TestHTTPStatusClassification(t *testing.T) {
	ev := testEvent(t, "update-client.json")
	for _, tc := range []struct {
		name       string
		status     int
		retryAfter string
		permanent  bool
		after      time.Duration
	}{
		{"201 is an ack", 201, "", false, 0},
		{"400 is permanent", 400, "", true, 0},
		{"403 is permanent", 403, "", true, 0},
		{"404 is permanent", 404, "", true, 0},
		{"408 is transient", 408, "", false, 0},
		{"429 with Retry-After seconds", 429, "7", false, 7 * time.Second},
		{"503 with Retry-After date", 503, "date", false, 90 * time.Second}, // the date is 90 s on when the subtest runs
		{"500 is transient", 500, "", false, 0},
		{"302 is not an ack", 302, "", true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// A Retry-After date is whole seconds: the delay it gives is
			// known only between the date less the clock after Send and the
			// date less the clock before it.
			retryAfter, date := tc.retryAfter, time.Time{}
			if retryAfter == "date" {
				date = time.Now().Add(tc.after).Truncate(time.Second)
				retryAfter = date.UTC().Format(http.TimeFormat)
			}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if retryAfter != "" {
					w.Header().Set("Retry-After", retryAfter)
				}
				if tc.status == 302 {
					w.Header().Set("Location", "/elsewhere")
				}
				w.WriteHeader(tc.status)
				io.WriteString(w, "token=should-not-appear")
			}))
			defer srv.Close()
			client := srv.Client()
			client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			before := time.Now()
			err := (&HTTP{URL: srv.URL, Client: client}).Send(context.Background(), ev)
			sent := time.Now()
			if tc.status/100 == 2 {
				if err != nil {
					t.Fatalf("Send: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Send succeeded on %d", tc.status)
			}
			if IsPermanent(err) != tc.permanent {
				t.Errorf("IsPermanent(%v) = %v, want %v", err, IsPermanent(err), tc.permanent)
			}
			var se *StatusError
			if !errors.As(err, &se) || se.Code != tc.status {
				t.Errorf("error %v does not carry status %d", err, tc.status)
			}
			after, ok := RetryAfter(err)
			lo, hi := tc.after, tc.after
			if !date.IsZero() {
				lo, hi = date.Sub(sent), date.Sub(before)
			}
			if ok != (tc.after > 0) || after < lo || after > hi {
				t.Errorf("RetryAfter = %v, %v; want %v to %v", after, ok, lo, hi)
			}
			if strings.Contains(err.Error(), "should-not-appear") {
				t.Errorf("error quotes the answer's body: %v", err)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		in   string
		want time.Duration
		ok   bool
	}{
		{"seconds", "3", 3 * time.Second, true},
		{"zero", "0", 0, true},
		{"date", now.Add(time.Minute).Format(http.TimeFormat), time.Minute, true},
		{"past date", now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"negative", "-1", 0, false},
		{"garbage", "soon", 0, false},
		{"empty", "", 0, false},
		{"huge", "99999999999", 24 * time.Hour, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parseRetryAfter(tc.in, now)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("parseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}
