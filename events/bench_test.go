package events

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	cloudevent "github.com/cloudevents/sdk-go/v2/event"
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

// typicalFixtures are the fixtures of the "typical" size, 1.5 to 4
// KB, that become events.
func typicalFixtures(tb testing.TB) []fixture {
	var out []fixture
	for _, f := range loadFixtures(tb) {
		if len(f.data) < 1536 || len(f.data) > 4096 {
			continue
		}
		if _, err := Normalize(f.data); err == nil {
			out = append(out, f)
		}
	}
	return out
}

// BenchmarkTypical normalises the typical records; ns/op and allocs/op are
// per record. This is the figure the 20 µs / 40 allocations target is
// checked against.
func BenchmarkTypical(b *testing.B) {
	fixtures := typicalFixtures(b)
	b.ReportAllocs()
	var size int64
	for _, f := range fixtures {
		size += int64(len(f.data))
	}
	b.SetBytes(size / int64(len(fixtures)))
	i := 0
	for b.Loop() {
		ev, err := Normalize(fixtures[i%len(fixtures)].data)
		if err != nil {
			b.Fatal(err)
		}
		benchSink = ev
		i++
	}
}

// validSink keeps json.Valid from being optimised away.
var validSink bool

// BenchmarkFloorJSONValid is the floor the issue names: merely validating
// the same typical records with encoding/json, per record.
func BenchmarkFloorJSONValid(b *testing.B) {
	fixtures := typicalFixtures(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		validSink = json.Valid(fixtures[i%len(fixtures)].data)
		i++
	}
}

// sdkSink keeps the naive approach's result alive.
var sdkSink cloudevent.Event

// BenchmarkNaiveMapAndSDK is the approach the normaliser avoids, for
// comparison: decode into map[string]any, pick fields by type assertion,
// build an SDK event and marshal it, per record. It does no redaction, so it
// flatters itself.
func BenchmarkNaiveMapAndSDK(b *testing.B) {
	fixtures := typicalFixtures(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		var doc map[string]any
		if err := json.Unmarshal(fixtures[i%len(fixtures)].data, &doc); err != nil {
			b.Fatal(err)
		}
		detail, _ := doc["detail"].(map[string]any)
		ev := cloudevent.New()
		id, _ := detail["eventID"].(string)
		name, _ := detail["eventName"].(string)
		ev.SetID(id)
		ev.SetType(EventType)
		ev.SetSource("arn:aws:cognito-idp")
		ev.SetExtension(ExtEventName, name)
		if err := ev.SetData(DataContentType, detail); err != nil {
			b.Fatal(err)
		}
		out, err := json.Marshal(ev)
		if err != nil {
			b.Fatal(err)
		}
		validSink = len(out) > 0
		sdkSink = ev
		i++
	}
}
