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
		e.Time.UTC().Format(timeLayout), route, dash(e.EventName), dash(e.Subject), outcome,
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

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
