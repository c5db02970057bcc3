package logs

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Writer prints entries: one line each (time, route, eventname, subject,
// outcome, attempts, latency, error), followed by the event itself,
// indented, when a log sink wrote it; or, with JSON, one JSON object per
// line.
type Writer struct {
	W    io.Writer
	JSON bool
}

// Write prints one entry.
func (w *Writer) Write(e Entry) error {
	if w.JSON {
		b, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("encoding entry: %w", err)
		}
		_, err = fmt.Fprintf(w.W, "%s\n", b)
		return err
	}
	_, err := io.WriteString(w.W, Line(&e))
	return err
}

// Line is e's text form, newline-terminated.
func Line(e *Entry) string {
	var b strings.Builder
	route := e.Route
	if route == "" {
		route = e.LogGroup
	}
	outcome := e.Outcome
	if outcome == "" {
		outcome = "logged"
	}
	fields := []string{
		e.Time.UTC().Format(timeLayout), field(route), field(dash(e.EventName)), field(dash(e.Subject)), field(outcome),
		"attempts=" + strconv.Itoa(e.Attempts), strconv.FormatFloat(e.LatencyMs, 'f', 1, 64) + "ms",
	}
	b.WriteString(strings.Join(fields, "  "))
	if e.Error != "" {
		b.WriteString("  error=" + strconv.Quote(e.Error))
	}
	if e.Reason != "" {
		b.WriteString("  reason=" + strconv.Quote(e.Reason))
	}
	b.WriteByte('\n')
	if len(e.CloudEvent) > 0 {
		b.WriteString("  ")
		b.Write(e.CloudEvent)
		b.WriteByte('\n')
	}
	return b.String()
}

// timeLayout is RFC 3339 in milliseconds, as CloudWatch keeps them.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

// field is s as a column of the text form: quoted (Go syntax) when it
// holds a space or a character that is not printable, since the values come
// from log lines (a subject may be a group or client name from a failed
// call's request): a newline would forge an output line, an escape drive
// the reader's terminal.
func field(s string) string {
	for _, r := range s {
		if r == ' ' || r == '"' || !strconv.IsPrint(r) {
			return strconv.Quote(s)
		}
	}
	return s
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
