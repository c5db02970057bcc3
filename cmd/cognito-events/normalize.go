package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
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
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}

	n := events.Normalizer{Resolver: events.StaticPoolResolver(pools)}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	report := normalizeReport{n: &n, out: out, stderr: stderr}

	if fs.NArg() == 0 {
		report.input("<stdin>", stdin)
	}
	for _, name := range fs.Args() {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			report.failed++
			continue
		}
		report.input(name, f)
		f.Close()
	}
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

// input normalises every record of one named input.
func (r *normalizeReport) input(name string, rd io.Reader) {
	data, err := io.ReadAll(rd)
	if err != nil {
		fmt.Fprintf(r.stderr, "error: %s: reading: %v\n", name, err)
		r.failed++
		return
	}
	for rec := range splitRecords(data) {
		r.record(name, rec)
	}
}

func (r *normalizeReport) record(name string, rec inputRecord) {
	where := fmt.Sprintf("%s: record %d (line %d)", name, rec.index, rec.line)
	if rec.err != nil {
		fmt.Fprintf(r.stderr, "error: %s: %v\n", where, rec.err)
		r.failed++
		return
	}
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

// inputRecord is one record of an input: its bytes, its 1-based index and
// the line it starts on, or why it could not be read.
type inputRecord struct {
	data  []byte
	index int
	line  int
	err   error
}

// splitRecords yields the records of data: the elements of a top-level
// array, each value of a stream of JSON values (one object, or JSON lines),
// or, when the stream is not valid JSON, each non-blank line, so that one
// malformed line loses only itself.
func splitRecords(data []byte) func(yield func(inputRecord) bool) {
	return func(yield func(inputRecord) bool) {
		trimmed := bytes.TrimSpace(data)
		if len(trimmed) == 0 {
			return
		}
		lineAt := func(off int) int { return 1 + bytes.Count(data[:off], []byte{'\n'}) }
		lead := len(data) - len(bytes.TrimLeft(data, " \t\r\n"))

		if trimmed[0] == '[' && json.Valid(trimmed) {
			var elems []json.RawMessage
			if err := json.Unmarshal(trimmed, &elems); err == nil {
				// Find each element's line by scanning with a decoder.
				dec := json.NewDecoder(bytes.NewReader(trimmed))
				dec.Token() // '['
				for i := range elems {
					off := int(dec.InputOffset())
					var skip json.RawMessage
					dec.Decode(&skip)
					first := off + len(skip) - len(bytes.TrimLeft(skip, " \t\r\n"))
					_ = first
					line := lineAt(lead + off + countLeadingSpace(trimmed[off:]))
					if !yield(inputRecord{data: elems[i], index: i + 1, line: line}) {
						return
					}
				}
				return
			}
		}

		// A stream of values: one object, or JSON lines.
		var values []inputRecord
		dec := json.NewDecoder(bytes.NewReader(data))
		streamOK := true
		for {
			off := int(dec.InputOffset())
			var v json.RawMessage
			err := dec.Decode(&v)
			if err == io.EOF {
				break
			}
			if err != nil {
				streamOK = false
				break
			}
			start := off + countLeadingSpace(data[off:])
			values = append(values, inputRecord{data: v, index: len(values) + 1, line: lineAt(start)})
		}
		if streamOK {
			for _, v := range values {
				if !yield(v) {
					return
				}
			}
			return
		}

		// Not valid as a stream: fall back to one record per line.
		index := 0
		for i, line := range bytes.Split(data, []byte{'\n'}) {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			index++
			rec := inputRecord{data: line, index: index, line: i + 1}
			if !json.Valid(line) {
				var v any
				rec.err = fmt.Errorf("%w: %v", events.ErrNotJSON, json.Unmarshal(line, &v))
			}
			if !yield(rec) {
				return
			}
		}
	}
}

func countLeadingSpace(b []byte) int {
	return len(b) - len(bytes.TrimLeft(b, " \t\r\n,"))
}
