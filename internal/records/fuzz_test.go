package records

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzRecords checks that the Reader yields the reference's records on any
// input, read at once or in small pieces, and the old whole-buffer
// splitter's wherever their rules agree (oldAgrees). Seeded with every
// envelope and malformed fixture, and inputs made of them.
func FuzzRecords(f *testing.F) {
	for _, pattern := range []string{"envelopes/*.json", "malformed/*.json"} {
		paths, err := filepath.Glob(filepath.Join("..", "..", "testdata", pattern))
		if err != nil || len(paths) == 0 {
			f.Fatalf("listing %s: %v (%d found)", pattern, err, len(paths))
		}
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatalf("reading fixture: %v", err)
			}
			f.Add(data)
		}
	}
	for _, data := range fixtureInputs(f) {
		f.Add(data)
	}
	for _, s := range []string{"{}\n{bad}\n{}", "[1,2", "[1] [2]", "\v\n{}", "{} {}\n{", "{\"a\":\"\\\"}\"}\n{}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want := reference(data)
		for _, chunk := range []int{0, 3} {
			got, err := readAll(t, data, chunk)
			if err != nil {
				t.Fatalf("chunk %d: %v", chunk, err)
			}
			if err := sameRecords(got, want, false, true); err != nil {
				t.Fatalf("chunk %d: %v", chunk, err)
			}
		}
		if oldAgrees(data) {
			start := countLeadingSpace(data)
			isArray := start < len(data) && data[start] == '['
			if err := sameRecords(want, oldSplit(data), true, !isArray); err != nil {
				t.Fatalf("old splitter: %v", err)
			}
		}
	})
}
