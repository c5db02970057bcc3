package records

import (
	"bytes"
	"fmt"
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

// BenchmarkReaderLinear reads the input of TestLinear (a long line of many
// values and a long run of blank lines) at two sizes: the ns/op of the
// larger should be about ten times the smaller's.
func BenchmarkReaderLinear(b *testing.B) {
	for _, n := range []int{20000, 200000} {
		data := linearInput(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
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
