package records

import (
	"bytes"
	"io"
	"testing"
)

// recordSink keeps the benchmarks' results alive.
var recordSink int

// BenchmarkReader reads the envelope fixtures, in each input shape, per
// byte of input.
func BenchmarkReader(b *testing.B) {
	inputs := fixtureInputs(b)
	for _, name := range []string{"JSON lines", "concatenated", "array"} {
		data := inputs[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				r := NewReader(bytes.NewReader(data))
				for {
					rec, err := r.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					recordSink += len(rec.Data)
				}
			}
		})
	}
}
