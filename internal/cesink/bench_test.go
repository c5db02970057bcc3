package cesink

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cognito-events/cognito-events/events"
)

// BenchmarkServeHTTP receives one corpus event per op in binary mode,
// recorded as JSON lines and pretty-printed (to io.Discard).
func BenchmarkServeHTTP(b *testing.B) {
	evs := corpus(b)
	ev := evs[0]
	r := New(Options{Out: io.Discard, Record: io.Discard})
	b.SetBytes(int64(len(ev.Data)))
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(ev.Data)))
		req.Header.Set("Content-Type", events.DataContentType)
		for _, a := range ev.Attributes() {
			if a.Name != "datacontenttype" {
				req.Header["Ce-"+a.Name] = []string{a.Value}
			}
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		if w.Code != DefaultStatus {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
		r.mu.Lock()
		r.received = r.received[:0] // keep memory flat
		r.mu.Unlock()
	}
}
