package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/records"
)

// demoFixtures reads every *.json of dir, sorted by name: each holds one
// event, a JSON array of them or JSON lines (as "normalize" reads them).
// Bare CloudTrail records are wrapped in an envelope as EventBridge does.
// A file with more than one record names each FILE#N.
func demoFixtures(dir string) ([]Fixture, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(paths) == 0 {
		return nil, fmt.Errorf("reading fixtures: no *.json in %s", dir)
	}
	sort.Strings(paths)
	fixtures := make([]Fixture, 0, len(paths))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("reading fixture: %w", err)
		}
		recs, err := readRecords(data)
		if err != nil {
			return nil, fmt.Errorf("reading fixture %s: %w", p, err)
		}
		if len(recs) == 0 {
			return nil, fmt.Errorf("%s: no record", p)
		}
		for _, rec := range recs {
			name := filepath.Base(p)
			if len(recs) > 1 {
				name += "#" + strconv.Itoa(rec.Index)
			}
			where := fmt.Sprintf("%s: record %d (line %d)", p, rec.Index, rec.Line)
			env, err := events.Wrap(rec.Data)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			var head struct {
				Region string `json:"region"`
			}
			if err := json.Unmarshal(env, &head); err != nil {
				return nil, fmt.Errorf("%s: region: %w", where, err)
			}
			fixtures = append(fixtures, Fixture{Name: name, Envelope: env, Region: head.Region})
		}
	}
	return fixtures, nil
}

// readRecords reads every record of data (records.Reader: an array's
// elements, a stream of JSON values or JSON lines), copying each.
func readRecords(data []byte) ([]records.Record, error) {
	r := records.NewReader(bytes.NewReader(data))
	var recs []records.Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		rec.Data = bytes.Clone(rec.Data)
		recs = append(recs, rec)
	}
}

// lockedWriter serialises writes from the sink's handlers and the demo.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TailBuffer keeps the last bytes written to it (NewTailBuffer).
type TailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *TailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = t.buf[over:]
		if i := bytes.IndexByte(t.buf, '\n'); i >= 0 {
			t.buf = t.buf[i+1:]
		}
	}
	return len(p), nil
}

func (t *TailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// Indent prefixes each line of s, or says "(nothing)" for an empty s.
func Indent(s, prefix string) string {
	if s == "" {
		return prefix + "(nothing)\n"
	}
	lines := strings.SplitAfter(strings.TrimRight(s, "\n")+"\n", "\n")
	var b strings.Builder
	for _, l := range lines {
		if l != "" {
			b.WriteString(prefix + l)
		}
	}
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// NewTailBuffer returns a writer that keeps the last max bytes written to
// it, cut at a line start.
func NewTailBuffer(max int) *TailBuffer { return &TailBuffer{max: max} }
