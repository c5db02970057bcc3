package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cognito-events/cognito-events/events"
)

// clientPoolFlag collects repeated --client-pool CLIENT=POOL flags.
type clientPoolFlag events.StaticPoolResolver

func (f clientPoolFlag) String() string { return "" }

func (f clientPoolFlag) Set(v string) error {
	client, pool, ok := strings.Cut(v, "=")
	if !ok || client == "" || pool == "" {
		return fmt.Errorf("want CLIENT=POOL, got %q", v)
	}
	f[client] = pool
	return nil
}

func runNormalize(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("normalize", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pools := clientPoolFlag{}
	fs.Var(pools, "client-pool", "resolve app client `CLIENT=POOL` for records that name only a clientId (repeatable)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: cognito-events normalize [--client-pool CLIENT=POOL]... [FILE...]

Reads EventBridge envelopes or bare CloudTrail records (a JSON object, a JSON
array of them, or JSON lines) from each FILE, or standard input, and writes one
CloudEvent per record, structured mode, one JSON object per line.
Exit status: 0 all records normalised or skipped, 1 some input malformed, 2 usage error.

Flags:
`)
		fs.PrintDefaults()
	}
	if code, stop := parseFlags(fs, args); stop {
		return code
	}

	n := events.Normalizer{Resolver: events.StaticPoolResolver(pools)}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	report := normalizeReport{n: &n, out: out, stderr: stderr}

	forEachRecord(fs.Args(), stdin, report.record, func(_ string, err error) {
		fmt.Fprintf(stderr, "error: %v\n", err)
		report.failed++
	})
	if err := out.Flush(); err != nil {
		fmt.Fprintf(stderr, "error: writing output: %v\n", err)
		return exitFailures
	}
	if report.failed > 0 {
		return exitFailures
	}
	return exitOK
}

// normalizeReport normalises records and counts the outcomes.
type normalizeReport struct {
	n      *events.Normalizer
	out    *bufio.Writer
	stderr io.Writer
	buf    []byte
	failed int
}

func (r *normalizeReport) record(name string, rec inputRecord) {
	where := fmt.Sprintf("%s: record %d (line %d)", name, rec.index, rec.line)
	ev, err := r.n.Normalize(context.Background(), rec.data)
	switch {
	case events.IsSkip(err):
		fmt.Fprintf(r.stderr, "skipped: %s: %v\n", where, err)
	case err != nil:
		fmt.Fprintf(r.stderr, "error: %s: %v\n", where, err)
		r.failed++
	default:
		r.buf = append(ev.AppendJSON(r.buf[:0]), '\n')
		r.out.Write(r.buf)
	}
}

// forEachRecord reads each named file, or standard input when names is
// empty, and calls record for every record in it (splitRecords). An input
// that cannot be opened or read is handed to fail, and the rest go on.
func forEachRecord(names []string, stdin io.Reader, record func(name string, rec inputRecord), fail func(name string, err error)) {
	read := func(name string, rd io.Reader) {
		data, err := io.ReadAll(rd)
		if err != nil {
			fail(name, fmt.Errorf("reading %s: %w", name, err))
			return
		}
		for rec := range splitRecords(data) {
			record(name, rec)
		}
	}
	if len(names) == 0 {
		read("<stdin>", stdin)
	}
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			fail(name, err)
			continue
		}
		read(name, f)
		f.Close()
	}
}

// inputRecord is one record of an input: its bytes, its 1-based index and
// the line it starts on.
type inputRecord struct {
	data  []byte
	index int
	line  int
}

// splitRecords yields the records of data: the elements of a top-level
// array, or each value of a stream of JSON values (one object, or JSON
// lines). When the stream breaks, JSON lines (the first line is a whole
// value) are read line by line, so that one malformed line loses only
// itself; any other input yields the values before the break and then the
// rest as one record, which Normalize reports as malformed.
func splitRecords(data []byte) func(yield func(inputRecord) bool) {
	return func(yield func(inputRecord) bool) {
		if len(bytes.TrimSpace(data)) == 0 {
			return
		}
		lineAt := func(off int) int { return 1 + bytes.Count(data[:off], []byte{'\n'}) }
		start := countLeadingSpace(data)

		if data[start] == '[' {
			var elems []json.RawMessage
			if err := json.Unmarshal(data, &elems); err == nil {
				dec := json.NewDecoder(bytes.NewReader(data))
				dec.Token() // '['
				for i := range elems {
					off := int(dec.InputOffset())
					off += countLeadingSpace(data[off:])
					var skip json.RawMessage
					dec.Decode(&skip)
					if !yield(inputRecord{data: elems[i], index: i + 1, line: lineAt(off)}) {
						return
					}
				}
				return
			}
		}

		var values []inputRecord
		dec := json.NewDecoder(bytes.NewReader(data))
		for {
			off := int(dec.InputOffset())
			off += countLeadingSpace(data[off:])
			var v json.RawMessage
			err := dec.Decode(&v)
			if err == io.EOF {
				break
			}
			if err != nil {
				if firstLineIsValue(data) {
					yieldLines(data, yield)
					return
				}
				values = append(values, inputRecord{data: data[off:], index: len(values) + 1, line: lineAt(off)})
				break
			}
			values = append(values, inputRecord{data: v, index: len(values) + 1, line: lineAt(off)})
		}
		for _, v := range values {
			if !yield(v) {
				return
			}
		}
	}
}

// firstLineIsValue reports whether the first non-blank line of data is a
// JSON value by itself, as in JSON lines.
func firstLineIsValue(data []byte) bool {
	for line := range bytes.SplitSeq(data, []byte{'\n'}) {
		if len(bytes.TrimSpace(line)) > 0 {
			return json.Valid(line)
		}
	}
	return false
}

// yieldLines yields each non-blank line of data as a record.
func yieldLines(data []byte, yield func(inputRecord) bool) {
	index := 0
	for i, line := range bytes.Split(data, []byte{'\n'}) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		index++
		if !yield(inputRecord{data: line, index: index, line: i + 1}) {
			return
		}
	}
}

func countLeadingSpace(b []byte) int {
	return len(b) - len(bytes.TrimLeft(b, " \t\r\n"))
}
