package routes

import (
	"path/filepath"
	"testing"

	"github.com/cognito-events/cognito-events/internal/pattern"
)

var sinkResult pattern.Result

// BenchmarkMatch evaluates the app-clients and hosted-ui rules of the test
// template (pattern and state) against every envelope of the corpus; one
// op is one event against one rule.
func BenchmarkMatch(b *testing.B) {
	routes, err := FromTemplate(readFile(b, "testdata/template.json"))
	if err != nil {
		b.Fatalf("FromTemplate: %v", err)
	}
	paths, err := filepath.Glob("../../testdata/envelopes/*.json")
	if err != nil || len(paths) == 0 {
		b.Fatalf("listing the envelopes: %v (%d files)", err, len(paths))
	}
	var evs [][]byte
	var size int
	for _, p := range paths {
		data := readFile(b, p)
		evs = append(evs, data)
		size += len(data)
	}
	rules := []Route{routes[1], routes[2]}
	b.SetBytes(int64(size / len(evs)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		r, err := rules[i%2].Match(evs[i%len(evs)])
		if err != nil {
			b.Fatal(err)
		}
		sinkResult = r
	}
}
