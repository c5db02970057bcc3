package pattern_test

import (
	"github.com/cognito-events/cognito-events/internal/pattern"
	"path/filepath"
	"testing"
)

var sinkResult pattern.Result

// BenchmarkMatch evaluates the app-clients and hosted-ui patterns (see
// rulePatterns) against every envelope of the corpus; one op is one event
// against one pattern. internal/routes measures the same with the rule
// state.
func BenchmarkMatch(b *testing.B) {
	appClients, hostedUI := rulePatterns(b)
	paths, _ := filepath.Glob("../../testdata/envelopes/*.json")
	var evs [][]byte
	var size int
	for _, p := range paths {
		data := readFile(b, p)
		evs = append(evs, data)
		size += len(data)
	}
	rules := []*pattern.Pattern{appClients, hostedUI}
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

// BenchmarkCompile compiles the hosted-ui rule's pattern (53 names, a
// four-way $or).
func BenchmarkCompile(b *testing.B) {
	_, hostedUI := rulePatterns(b)
	text := []byte(hostedUI.String())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := pattern.Compile(text); err != nil {
			b.Fatal(err)
		}
	}
}
