package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cognito-events/cognito-events/internal/forwarder/fwtest"
)

// BenchmarkForward10k runs the real bootstrap against the local Runtime API
// and forwards 10,000 events to a loopback HTTP sink, then reports the
// process's peak resident set size (getrusage ru_maxrss). Target: under
// 50 MB.
//
//	go test -run '^$' -bench Forward10k -benchtime 1x ./functions/forwarder
func BenchmarkForward10k(b *testing.B) {
	const events = 10000
	path := bootstrap(b)
	var received atomic.Int64
	sinkSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		received.Add(1)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer sinkSrv.Close()
	payload := fwtest.Fixture(b, "update-client.json")
	b.ReportAllocs()
	var peakKB int64
	for b.Loop() {
		received.Store(0)
		f := startBootstrap(b, path, io.Discard, "AWS_REGION=eu-west-1",
			"SINK_KIND=http", "SINK_URL="+sinkSrv.URL, "SINK_ALLOW_INSECURE=true")
		start := time.Now()
		for i := range events {
			if _, err := f.Invoke(context.Background(), payload); err != nil {
				b.Fatalf("invocation %d: %v", i, err)
			}
		}
		elapsed := time.Since(start)
		if err := f.Close(); err != nil {
			b.Fatalf("stopping the bootstrap: %v", err)
		}
		if n := received.Load(); n != events {
			b.Fatalf("sink received %d events, want %d", n, events)
		}
		if ru, ok := f.Process.State().SysUsage().(*syscall.Rusage); ok {
			peakKB = max(peakKB, ru.Maxrss) // kilobytes on Linux
		}
		b.ReportMetric(float64(elapsed.Microseconds())/events, "µs/event")
	}
	b.ReportMetric(float64(peakKB)/1024, "peak-RSS-MB")
}
