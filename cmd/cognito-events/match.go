package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/pattern"
	"github.com/cognito-events/cognito-events/internal/routes"
)

func runMatch(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("match", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var rf ruleFlags
	rf.register(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: cognito-events match [--config cdk.json | --template FILE | --templates DIR] [FILE...]

Says, for each event, which routes' rules EventBridge would deliver it to,
and for the others which field failed. Reads EventBridge envelopes or bare
CloudTrail records (a JSON object, a JSON array of them, or JSON lines) from
each FILE, or standard input; a bare record is first wrapped in the envelope
EventBridge builds for it. A rule in state ENABLED never receives read-only
management events, whatever its pattern, as in EventBridge; nor does a rule
see an event of another region than its stack's (the envelope's region).

Prints one block per record:
  FILE: record N (line L): EVENTNAME EVENTID
    ROUTE (REGION): MATCH
    ROUTE (REGION): no match: FIELD: want ..., found ...
and a summary line. A route of several rules (its pattern split to fit
EventBridge's size limit) matches when one of them does; its reason is that
of the rule that lists the event's operation.
Exit status: 0 every input was read, 1 some input was unreadable or
malformed, 2 usage error.

Flags:
`)
		fs.PrintDefaults()
	}
	if code, stop := parseFlags(fs, args); stop {
		return code
	}
	routes, _, err := rf.load(fs)
	if err != nil {
		return ruleExit("match", err, stderr)
	}
	// The report and the per-record errors are buffered; both are flushed
	// when an input fails and at the end.
	out := bufio.NewWriterSize(stdout, 64<<10)
	errOut := bufio.NewWriter(stderr)
	defer out.Flush()
	defer errOut.Flush()
	m := &matchReport{routes: routes, out: out, stderr: errOut}
	forEachRecord(fs.Args(), stdin, func(name string, rec inputRecord) {
		m.record(fmt.Sprintf("%s: record %d (line %d)", name, rec.index, rec.line), rec.data)
	}, func(_ string, err error) {
		out.Flush()
		fmt.Fprintf(errOut, "error: %v\n", err)
		errOut.Flush()
		m.failed++
	})
	fmt.Fprintf(out, "%s: %d matched a route, %d matched none, %d unreadable\n", plural(m.records, "record"), m.matched, m.records-m.matched, m.failed)
	errOut.Flush()
	if err := out.Flush(); err != nil {
		fmt.Fprintf(stderr, "error: writing output: %v\n", err)
		return exitFailures
	}
	if m.failed > 0 {
		return exitFailures
	}
	return exitOK
}

// matchReport matches records against the routes and counts the outcomes.
type matchReport struct {
	routes  []routes.Route
	out     *bufio.Writer
	stderr  io.Writer
	records int // records matched against the routes
	matched int // of which matched at least one route
	failed  int // inputs or records that could not be read
}

// matchProbe is what a report says about an envelope's record.
type matchProbe struct {
	Detail json.RawMessage `json:"detail"`
}

type matchDetail struct {
	EventName string `json:"eventName"`
	EventID   string `json:"eventID"`
}

func (m *matchReport) record(where string, data []byte) {
	env, err := events.Wrap(data)
	if err != nil {
		fmt.Fprintf(m.stderr, "error: %s: %v\n", where, err)
		m.failed++
		return
	}
	results := make([]pattern.Result, len(m.routes))
	for i, r := range m.routes {
		if reason := r.OtherRegion(env); reason != "" {
			results[i] = pattern.Result{Reason: reason}
			continue
		}
		if results[i], err = r.Match(env); err != nil {
			fmt.Fprintf(m.stderr, "error: %s: %v\n", where, err)
			m.failed++
			return
		}
	}
	// Name the record by its eventName and eventID when it has them; a
	// detail of another shape leaves them out.
	var probe matchProbe
	var d matchDetail
	if json.Unmarshal(env, &probe) == nil && len(probe.Detail) > 0 {
		_ = json.Unmarshal(probe.Detail, &d)
	}
	fmt.Fprintf(m.out, "%s: %s %s\n", where, matchOrDash(d.EventName), matchOrDash(d.EventID))
	m.records++
	hit := false
	for i, r := range m.routes {
		if results[i].Matched {
			hit = true
			fmt.Fprintf(m.out, "  %s: MATCH\n", ruleLabel(r))
		} else {
			fmt.Fprintf(m.out, "  %s: no match: %s\n", ruleLabel(r), results[i].Reason)
		}
	}
	if hit {
		m.matched++
	}
}

func matchOrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// plural is "1 record" or "N records".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
