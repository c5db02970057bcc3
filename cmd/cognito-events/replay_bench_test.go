package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// benchCorpus returns every envelope fixture, as replay would read them.
func benchCorpus(tb testing.TB) [][]byte {
	tb.Helper()
	paths, err := filepath.Glob(repoFile("testdata", "envelopes", "*.json"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("listing fixtures: %v (%d files)", err, len(paths))
	}
	var corpus [][]byte
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatalf("reading fixture: %v", err)
		}
		corpus = append(corpus, data)
	}
	return corpus
}

// benchPipeline runs every fixture through the "mutations" route per
// iteration and reports records per second.
func benchPipeline(b *testing.B, dryRun bool) {
	cfg := writeConfig(b)
	t, err := loadRoute(cfg, "mutations", "")
	if err != nil {
		b.Fatalf("loading route: %v", err)
	}
	p := &pipeline{target: t}
	if !dryRun {
		_, srv := newCEReceiver(b, http.StatusAccepted)
		if p.h, err = t.newForwarder(context.Background(), sinkOptions{Override: sinkOverride{URL: srv.URL}}); err != nil {
			b.Fatalf("building forwarder: %v", err)
		}
	}
	corpus := benchCorpus(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, rec := range corpus {
			if r := p.process(ctx, rec); r.Outcome == outFailed {
				b.Fatalf("record %s failed: %s", r.Info.EventID, r.Note)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(corpus))/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkReplayMatch measures wrapping and matching alone (a dry run).
func BenchmarkReplayMatch(b *testing.B) { benchPipeline(b, true) }

// BenchmarkReplayDeliver adds normalising and delivering to a loopback
// CloudEvents endpoint through the forwarder's HTTP sink.
func BenchmarkReplayDeliver(b *testing.B) { benchPipeline(b, false) }
