package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/records"
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
	// Events and the per-record reports are buffered; both are flushed
	// when an input fails and at the end.
	out := bufio.NewWriterSize(stdout, 64<<10)
	errOut := bufio.NewWriter(stderr)
	report := normalizeReport{n: &n, out: out, stderr: errOut, workers: runtime.GOMAXPROCS(0)}

	forEachRecord(fs.Args(), stdin, report.record, func(_ string, err error) {
		report.flush()
		out.Flush()
		fmt.Fprintf(errOut, "error: %v\n", err)
		errOut.Flush()
		report.failed++
	})
	report.flush()
	err := out.Flush()
	errOut.Flush()
	if err != nil {
		fmt.Fprintf(stderr, "error: writing output: %v\n", err)
		return exitFailures
	}
	if report.failed > 0 {
		return exitFailures
	}
	return exitOK
}

// Records are normalised in batches of up to batchRecords records or
// batchBytes bytes, each batch split between the cores, and written in
// input order; a batch holds copies of its records, so memory stays
// bounded by the batch and the largest record.
const (
	batchRecords = 512
	batchBytes   = 1 << 20
)

// normalizeReport normalises records and counts the outcomes.
type normalizeReport struct {
	n       *events.Normalizer
	out     *bufio.Writer
	stderr  *bufio.Writer
	workers int
	batch   []normalizeJob
	arena   []byte // the batch's records
	failed  int
}

// normalizeJob is one record of a batch and its outcome.
type normalizeJob struct {
	name        string
	index, line int
	start, end  int    // the record, in the batch's arena
	ev          []byte // the event's JSON and a newline, when made
	report      string // the line for standard error, if any
	failed      bool
}

func (r *normalizeReport) record(name string, rec inputRecord) {
	start := len(r.arena)
	r.arena = append(r.arena, rec.data...)
	if len(r.batch) < cap(r.batch) {
		r.batch = r.batch[:len(r.batch)+1] // reuse the job's ev buffer
	} else {
		r.batch = append(r.batch, normalizeJob{})
	}
	j := &r.batch[len(r.batch)-1]
	*j = normalizeJob{name: name, index: rec.index, line: rec.line, start: start, end: len(r.arena), ev: j.ev[:0]}
	if len(r.batch) >= batchRecords || len(r.arena) >= batchBytes {
		r.flush()
	}
}

// flush normalises the batch and writes its outcomes in order.
func (r *normalizeReport) flush() {
	jobs := r.batch
	if len(jobs) == 0 {
		return
	}
	if r.workers <= 1 || len(jobs) == 1 {
		for i := range jobs {
			r.normalize(&jobs[i])
		}
	} else {
		var wg sync.WaitGroup
		per := (len(jobs) + r.workers - 1) / r.workers
		for lo := 0; lo < len(jobs); lo += per {
			part := jobs[lo:min(lo+per, len(jobs))]
			wg.Go(func() {
				for i := range part {
					r.normalize(&part[i])
				}
			})
		}
		wg.Wait()
	}
	for i := range jobs {
		j := &jobs[i]
		if j.report != "" {
			r.stderr.WriteString(j.report)
		}
		if j.failed {
			r.failed++
		}
		r.out.Write(j.ev)
	}
	r.batch = r.batch[:0]
	r.arena = r.arena[:0]
}

// normalize normalises one job's record; it may run concurrently with
// other jobs of the batch.
func (r *normalizeReport) normalize(j *normalizeJob) {
	ev, err := r.n.Normalize(context.Background(), r.arena[j.start:j.end])
	switch {
	case events.IsSkip(err):
		j.report = fmt.Sprintf("skipped: %s: record %d (line %d): %v\n", j.name, j.index, j.line, err)
	case err != nil:
		j.report = fmt.Sprintf("error: %s: record %d (line %d): %v\n", j.name, j.index, j.line, err)
		j.failed = true
	default:
		j.ev = append(ev.AppendJSON(j.ev), '\n')
	}
}

// forEachRecord reads each named file, or standard input when names is
// empty, as a stream, and calls record for every record in it
// (records.Reader: an array's elements, a stream of JSON values or JSON
// lines). The record's data is valid during the call only. An input that
// cannot be opened or read (an I/O error, or a record over
// records.DefaultMaxSize) is handed to fail, after the records read before
// the failure, and the rest go on.
func forEachRecord(names []string, stdin io.Reader, record func(name string, rec inputRecord), fail func(name string, err error)) {
	read := func(name string, rd io.Reader) {
		r := records.NewReader(rd)
		for {
			rec, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				fail(name, fmt.Errorf("reading %s: %w", name, err))
				return
			}
			record(name, inputRecord{data: rec.Data, index: rec.Index, line: rec.Line})
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
