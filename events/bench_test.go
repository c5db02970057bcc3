package events

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// benchSink keeps the compiler from optimising the benchmarked call away.
var benchSink *Event

// BenchmarkNormalize normalises each fixture that becomes an event.
func BenchmarkNormalize(b *testing.B) {
	for _, f := range loadFixtures(b) {
		if _, err := Normalize(f.data); err != nil {
			continue
		}
		b.Run(f.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(f.data)))
			for b.Loop() {
				ev, err := Normalize(f.data)
				if err != nil {
					b.Fatal(err)
				}
				benchSink = ev
			}
		})
	}
}

// BenchmarkNormalizeCorpus normalises every fixture (skips and errors
// included) per iteration; ns/op divided by the fixture count is the mean.
func BenchmarkNormalizeCorpus(b *testing.B) {
	fixtures := loadFixtures(b)
	var n Normalizer
	ctx := context.Background()
	var size int64
	for _, f := range fixtures {
		size += int64(len(f.data))
	}
	b.ReportAllocs()
	b.SetBytes(size)
	b.ReportMetric(float64(len(fixtures)), "records/op")
	for b.Loop() {
		for _, f := range fixtures {
			ev, _ := n.Normalize(ctx, f.data)
			benchSink = ev
		}
	}
}

// fixture is one input file of the corpus.
type fixture struct {
	name string // path below testdata/, without .json
	path string
	data []byte
}

// fixtureDirs are the corpus folders below the repository's testdata/ that
// hold one record per file.
var fixtureDirs = []string{"aws-docs", "envelopes", "records"}

// loadFixtures reads every one-record fixture of the corpus.
func loadFixtures(tb testing.TB) []fixture {
	tb.Helper()
	var out []fixture
	for _, dir := range fixtureDirs {
		paths, err := filepath.Glob(filepath.Join("..", "testdata", dir, "*.json"))
		if err != nil {
			tb.Fatalf("listing fixtures: %v", err)
		}
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				tb.Fatalf("reading fixture: %v", err)
			}
			if len(data) > 0 && data[0] == '[' {
				continue // a page of records, not one record
			}
			name := dir + "/" + filepath.Base(p[:len(p)-len(".json")])
			out = append(out, fixture{name: name, path: p, data: data})
		}
	}
	if len(out) == 0 {
		tb.Fatal("no fixtures found under ../testdata")
	}
	return out
}
