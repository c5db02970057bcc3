package records

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

// readAll reads every record of data through a Reader that is given at
// most chunk bytes per read (all at once when chunk is 0), copying them.
func readAll(tb testing.TB, data []byte, chunk int) ([]Record, error) {
	tb.Helper()
	var src io.Reader = bytes.NewReader(data)
	if chunk > 0 {
		src = &chunkReader{data: data, n: chunk}
	}
	r := NewReader(src)
	var out []Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		rec.Data = bytes.Clone(rec.Data)
		out = append(out, rec)
	}
}

// chunkReader returns at most n bytes per Read.
type chunkReader struct {
	data []byte
	n    int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), c.n)], c.data)
	c.data = c.data[n:]
	return n, nil
}

// rec is a record in a table: its data, index and line.
func rec(data string, index, line int) Record {
	return Record{Data: []byte(data), Index: index, Line: line}
}

func sameRecords(got, want []Record, trim, lines bool) error {
	if len(got) != len(want) {
		return fmt.Errorf("%d records, want %d:\n got %s\nwant %s", len(got), len(want), show(got), show(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if trim {
			g.Data, w.Data = bytes.TrimSpace(g.Data), bytes.TrimSpace(w.Data)
		}
		if !lines {
			g.Line, w.Line = 0, 0
		}
		if !bytes.Equal(g.Data, w.Data) || g.Index != w.Index || g.Line != w.Line {
			return fmt.Errorf("record %d differs:\n got %s\nwant %s", i+1, show(got), show(want))
		}
	}
	return nil
}

func show(recs []Record) string {
	var b strings.Builder
	for _, r := range recs {
		fmt.Fprintf(&b, "[%d L%d %q] ", r.Index, r.Line, r.Data)
	}
	return b.String()
}

func TestReader(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Record
	}{
		{"empty", "", nil},
		{"blank", " \n\t\r\n", nil},
		{"unicode blank", "\v\n\u00a0\n", nil},
		{"one object", "{\"a\":1}", []Record{rec(`{"a":1}`, 1, 1)}},
		{"pretty object", "\n{\n  \"a\": 1\n}\n", []Record{rec("{\n  \"a\": 1\n}", 1, 2)}},
		{"concatenated", "{\"a\":1}{\"b\":2}\n\n{\n\"c\":3}", []Record{rec(`{"a":1}`, 1, 1), rec(`{"b":2}`, 2, 1), rec("{\n\"c\":3}", 3, 3)}},
		{"JSON lines", "{\"a\":1}\n{\"b\":2}\r\n\n{\"c\":3}\n", []Record{rec(`{"a":1}`, 1, 1), rec(`{"b":2}`, 2, 2), rec(`{"c":3}`, 3, 4)}},
		{"JSON lines, bad lines", "{\"a\":1}\n{not json}\n{\"b\":\n{\"c\":3}\nx y\n", []Record{rec(`{"a":1}`, 1, 1), rec(`{not json}`, 2, 2), rec(`{"b":`, 3, 3), rec(`{"c":3}`, 4, 4), rec(`x y`, 5, 5)}},
		{"JSON lines, first line bad", "\v\n{\"a\":1}\n{bad}\n", []Record{rec(`{"a":1}`, 1, 2), rec(`{bad}`, 2, 3)}},
		{"JSON lines, value and garbage", "{}\n{\"a\":1}}\n", []Record{rec(`{}`, 1, 1), rec(`{"a":1}`, 2, 2), rec(`}`, 3, 2)}},
		{"JSON lines, multi-line value", "{}\n{\n\"a\":1}\n", []Record{rec(`{}`, 1, 1), rec("{\n\"a\":1}", 2, 2)}},
		{"stream breaks", "{\n\"a\":1}\n{\"b\" 2}\n{\"c\":3}\n", []Record{rec("{\n\"a\":1}", 1, 1), rec("{\"b\" 2}\n{\"c\":3}\n", 2, 3)}},
		{"truncated object", "{\n  \"a\": [1,\n", []Record{rec("{\n  \"a\": [1,\n", 1, 1)}},
		{"scalars", "1 \"s\" true null", []Record{rec(`1`, 1, 1), rec(`"s"`, 2, 1), rec(`true`, 3, 1), rec(`null`, 4, 1)}},
		{"array", "[\n  {\"a\":1},\n  {\"b\":2}\n]\n", []Record{rec(`{"a":1}`, 1, 2), rec(`{"b":2}`, 2, 3)}},
		{"empty array", " [ ] ", nil},
		{"array of scalars", "[1,\"two\",null]", []Record{rec(`1`, 1, 1), rec(`"two"`, 2, 1), rec(`null`, 3, 1)}},
		{"array breaks", "[\n{\"a\":1},\n{\"b\":\n", []Record{rec(`{"a":1}`, 1, 2), rec("{\"b\":\n", 2, 3)}},
		{"array truncated after comma", "[{\"a\":1},\n", []Record{rec(`{"a":1}`, 1, 1), rec("", 2, 2)}},
		{"array without commas", "[1 2]", []Record{rec(`1`, 1, 1), rec(`2]`, 2, 1)}},
		{"array and more", "[1]\n{\"a\":1}\n", []Record{rec(`1`, 1, 1), rec("{\"a\":1}\n", 2, 2)}},
		{"garbage", "x", []Record{rec(`x`, 1, 1)}},
		{"value then unicode space", "{} \v", []Record{rec(`{}`, 1, 1), rec("\v", 2, 1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, chunk := range []int{0, 1, 7} {
				got, err := readAll(t, []byte(tt.in), chunk)
				if err != nil {
					t.Fatalf("chunk %d: %v", chunk, err)
				}
				if err := sameRecords(got, tt.want, false, true); err != nil {
					t.Errorf("chunk %d: %v", chunk, err)
				}
			}
			if err := sameRecords(reference([]byte(tt.in)), tt.want, false, true); err != nil {
				t.Errorf("reference: %v", err)
			}
		})
	}
}

// fixtureInputs returns inputs made of the envelope fixtures: each alone,
// all concatenated, as JSON lines with bad lines, and as an array.
func fixtureInputs(tb testing.TB) map[string][]byte {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "..", "testdata", "envelopes", "*.json"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("listing envelopes: %v (%d found)", err, len(paths))
	}
	inputs := map[string][]byte{}
	var all, lines, array bytes.Buffer
	array.WriteString("[\n")
	for i, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatalf("reading fixture: %v", err)
		}
		inputs[filepath.Base(p)] = data
		all.Write(data)
		lines.Write(compact(tb, data))
		lines.WriteString("\n")
		if i%10 == 3 {
			lines.WriteString("{\"truncated\": \n\n")
		}
		if i > 0 {
			array.WriteString(",\n")
		}
		array.Write(data)
	}
	array.WriteString("\n]\n")
	inputs["concatenated"] = all.Bytes()
	inputs["JSON lines"] = lines.Bytes()
	inputs["array"] = array.Bytes()
	return inputs
}

// TestFixtures checks the Reader against the reference, and against the
// old splitter, on the fixtures, with reads of several sizes.
func TestFixtures(t *testing.T) {
	for name, data := range fixtureInputs(t) {
		t.Run(name, func(t *testing.T) {
			want := reference(data)
			for _, chunk := range []int{0, 1, 100, 4096} {
				got, err := readAll(t, data, chunk)
				if err != nil {
					t.Fatalf("chunk %d: %v", chunk, err)
				}
				if err := sameRecords(got, want, false, true); err != nil {
					t.Errorf("chunk %d: %v", chunk, err)
				}
			}
			// The old splitter gave an array element the line of the
			// comma before it; the package gives the element's own.
			if err := sameRecords(want, oldSplit(data), true, name != "array"); err != nil {
				t.Errorf("old splitter: %v", err)
			}
		})
	}
}

func TestTooLarge(t *testing.T) {
	for _, tt := range []struct{ name, in string }{
		{"JSON lines", "{}\n{\"a\":\"" + strings.Repeat("x", 100) + "\"}\n"},
		{"pretty", "{\n\"a\":\"" + strings.Repeat("x", 100) + "\"}\n"},
		{"array", "[1, \"" + strings.Repeat("x", 100) + "\"]"},
		{"rest", "{\"a\" \n" + strings.Repeat("x", 100)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReaderSize(iotest.OneByteReader(strings.NewReader(tt.in)), 50)
			var err error
			for err == nil {
				_, err = r.Next()
			}
			var tl *TooLargeError
			if !errors.As(err, &tl) || !errors.Is(err, ErrTooLarge) || tl.Index != 2 && tt.name != "pretty" && tt.name != "rest" {
				t.Fatalf("error = %v, want a *TooLargeError for record 2", err)
			}
			if !strings.Contains(err.Error(), "line") {
				t.Errorf("error %q does not name the line", err)
			}
		})
	}
}

func TestReadError(t *testing.T) {
	boom := errors.New("boom")
	r := NewReader(io.MultiReader(strings.NewReader("{\"a\":1}\n{\"b\""), iotest.ErrReader(boom)))
	rec, err := r.Next()
	if err != nil || string(rec.Data) != `{"a":1}` {
		t.Fatalf("first record = %q, %v", rec.Data, err)
	}
	if _, err := r.Next(); !errors.Is(err, boom) {
		t.Fatalf("error = %v, want the source's", err)
	}
}

func compact(tb testing.TB, data []byte) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		tb.Fatalf("compacting fixture: %v", err)
	}
	return b.Bytes()
}

// linearInput is a long line of many values and a long run of blank
// lines: the shapes where a reader that rescans its buffer goes quadratic.
func linearInput(n int) []byte {
	return []byte("{}\n" + strings.Repeat("{}", n) + "\n" + strings.Repeat(" \n", n) + "[1]")
}

// TestLinear checks that a long line of many values, and long runs of
// whitespace, take work linear in their length: ten times the input, the
// Reader examines at most about ten times the bytes. It counts the work
// rather than timing it (BenchmarkReaderLinear times it), so that a
// loaded machine cannot fail it and a quadratic reader always does.
func TestLinear(t *testing.T) {
	cost := func(n int) (records, scanned int, allocated uint64) {
		data := linearInput(n)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		r := NewReader(bytes.NewReader(data))
		for {
			if _, err := r.Next(); err != nil {
				runtime.ReadMemStats(&after)
				return records, r.scanned, after.TotalAlloc - before.TotalAlloc
			}
			records++
		}
	}
	if got, _, _ := cost(100000); got != 100002 {
		t.Fatalf("%d records, want 100002", got)
	}
	_, small, smallAlloc := cost(20000)
	_, large, largeAlloc := cost(200000)
	if small < 20000 || large > 11*small {
		t.Errorf("10x the input examined %d bytes, against %d (%.1fx)", large, small, float64(large)/float64(small))
	}
	if largeAlloc > 11*smallAlloc {
		t.Errorf("10x the input allocated %d bytes, against %d (%.1fx)", largeAlloc, smallAlloc, float64(largeAlloc)/float64(smallAlloc))
	}
}
