package insights

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cognito-events/cognito-events/internal/emulator/moto"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime/lambdatest"
	"github.com/cognito-events/cognito-events/internal/logs/logstest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	moto.StopShared()
	lambdatest.Cleanup()
	os.Exit(code)
}

// The log groups of the three functions, as Logs Insights names them in
// @log (account:group).
const (
	groupForwarder = "123456789012:/aws/lambda/cognito-events-us-east-1-appclientsFunction"
	groupTrigger   = "123456789012:/aws/lambda/cognito-events-us-east-1-signupTriggerFunction"
	groupSync      = "123456789012:/aws/lambda/cognito-events-us-east-1-usersSyncFunction"
)

var (
	realOnce sync.Once
	real     []Record
)

// realRecords are the lines the real forwarder, trigger and sync
// bootstraps write, each in its function's log group, a millisecond apart.
func realRecords(tb testing.TB) []Record {
	tb.Helper()
	if testing.Short() {
		tb.Skip("runs the forwarder, trigger and sync bootstraps and moto")
	}
	srv := moto.Shared(tb)
	realOnce.Do(func() {
		at := time.Now().Add(-30 * time.Minute)
		for _, set := range []struct {
			group string
			lines []string
		}{
			{groupForwarder, logstest.ForwarderLines(tb)},
			{groupTrigger, logstest.TriggerLines(tb)},
			{groupSync, logstest.SyncLines(tb, srv)},
		} {
			for _, l := range set.lines {
				at = at.Add(time.Millisecond)
				real = append(real, FromLine(l, at, set.group, "2026/12/07/[$LATEST]0123456789abcdef"))
			}
		}
	})
	if len(real) == 0 {
		tb.Fatal("no log lines")
	}
	return real
}

func field(r Row, name string) string {
	switch v := r[name].(type) {
	case string:
		return v
	case float64:
		return strings.TrimSuffix(strings.TrimRight(strings.TrimRight(formatFloat(v), "0"), "."), ".")
	}
	return ""
}

// groupsOf returns the distinct @log values of rows, which the query must
// show.
func groupsOf(rows []Row) []string {
	var out []string
	for _, r := range rows {
		if g := field(r, "@log"); g != "" && !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	slices.Sort(out)
	return out
}

func runQuery(t *testing.T, text string, records []Record) []Row {
	t.Helper()
	q, err := Parse(text)
	if err != nil {
		t.Fatalf("Parse:\n%s\n%v", text, err)
	}
	return q.Run(records)
}

// firstValue returns the first value of field among the records that have
// it and pass keep.
func firstValue(records []Record, name string, keep func(Record) bool) string {
	for _, r := range records {
		if v, ok := r.Field(name); ok && keep(r) {
			return v
		}
	}
	return ""
}

func inGroup(g string) func(Record) bool {
	return func(r Record) bool { v, _ := r.Field("@log"); return v == g }
}

// TestSavedQueriesOnRealLines runs each saved query on the real lines of
// all three functions.
func TestSavedQueriesOnRealLines(t *testing.T) {
	records := realRecords(t)
	saved := SavedQueries()
	if len(saved) != 3 {
		t.Fatalf("%d saved queries, want 3", len(saved))
	}

	t.Run("failures", func(t *testing.T) {
		rows := runQuery(t, saved[0].Query, records)
		want := []string{groupForwarder, groupSync, groupTrigger}
		slices.Sort(want)
		if got := groupsOf(rows); !slices.Equal(got, want) {
			t.Fatalf("failures found in %v, want every function's group:\n%v", got, rows)
		}
		for _, r := range rows {
			if o := field(r, "outcome"); o == "delivered" || o == "skipped" {
				t.Errorf("a %s line among the failures: %v", o, r)
			}
		}
		for _, g := range []string{groupForwarder, groupTrigger} {
			n := 0
			for _, r := range rows {
				if field(r, "@log") == g && field(r, "outcome") == "failed" && field(r, "error") != "" {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%s: %d failed lines with their error, want 1", g, n)
			}
		}
	})

	t.Run("one subject", func(t *testing.T) {
		for _, g := range []string{groupForwarder, groupTrigger} {
			subject := firstValue(records, "subject", inGroup(g))
			if subject == "" {
				t.Fatalf("%s: no line has a subject", g)
			}
			rows := runQuery(t, strings.ReplaceAll(saved[1].Query, PlaceholderSubject, subject), records)
			var msgs []string
			for _, r := range rows {
				if field(r, "@log") != g {
					t.Errorf("subject %s: a line of %s: %v", subject, field(r, "@log"), r)
				}
				msgs = append(msgs, field(r, "msg"))
			}
			// The event's line and the log sink's line carrying it, at
			// least once each.
			if !slices.Contains(msgs, "event") || !slices.Contains(msgs, "cloudevent") {
				t.Errorf("subject %s: messages %v, want the event and cloudevent lines", subject, msgs)
			}
		}
		sub := firstValue(records, "cloudevent.subject", inGroup(groupSync))
		if rows := runQuery(t, strings.ReplaceAll(saved[1].Query, PlaceholderSubject, sub), records); sub == "" || len(rows) == 0 {
			t.Errorf("the sync's subject %q: %d rows", sub, len(rows))
		}
	})

	t.Run("one app client", func(t *testing.T) {
		for _, c := range []struct{ id, why string }{
			{"3n4b5urk1ft4fl3mg5e62d9ado", "UpdateUserPoolClient: the subject and requestParameters.clientId"},
			{"7exampleclientid0000000000", "Token_POST: additionalEventData.clientId"},
		} {
			rows := runQuery(t, strings.ReplaceAll(saved[2].Query, PlaceholderClientID, c.id), records)
			if len(rows) == 0 {
				t.Errorf("client %s (%s): no rows", c.id, c.why)
			}
			for _, r := range rows {
				if field(r, "@log") != groupForwarder {
					t.Errorf("client %s: a line of %s", c.id, field(r, "@log"))
				}
			}
		}
		if rows := runQuery(t, strings.ReplaceAll(saved[2].Query, PlaceholderClientID, "nosuchclient"), records); len(rows) != 0 {
			t.Errorf("an unknown client matched %d rows", len(rows))
		}
	})
}

// docQueries returns every Logs Insights query in README.md and docs/*.md:
// the fenced blocks whose first line starts with a command of the
// language.
func docQueries(t *testing.T) map[string]string {
	t.Helper()
	root := logstest.RepoDir()
	files, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, filepath.Join(root, "README.md"))
	out := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var block []string
		in, start := false, 0
		for i, line := range strings.Split(string(data), "\n") {
			trimmed := strings.TrimSpace(line)
			if strings.HasPrefix(trimmed, "```") {
				if in && len(block) > 0 && isQuery(block[0]) {
					rel, _ := filepath.Rel(root, f)
					out[rel+":"+itoa(start)] = strings.Join(block, "\n")
				}
				in, block, start = !in, nil, i+2
				continue
			}
			if in {
				block = append(block, trimmed)
			}
		}
	}
	return out
}

func isQuery(first string) bool {
	for _, c := range []string{"fields ", "filter ", "stats ", "parse ", "display "} {
		if strings.HasPrefix(first, c) {
			return true
		}
	}
	return false
}

// TestDocQueriesOnRealLines runs every Logs Insights query the docs show on
// the real lines: each parses, and each finds something.
func TestDocQueriesOnRealLines(t *testing.T) {
	queries := docQueries(t)
	if len(queries) < 4 {
		t.Fatalf("found %d Logs Insights queries in the docs, want at least the four of docs/deploy.md and README.md", len(queries))
	}
	records := realRecords(t)
	for where, text := range queries {
		t.Run(where, func(t *testing.T) {
			q, err := Parse(text)
			if errors.Is(err, ErrUnsupported) {
				t.Fatalf("the query uses what the evaluator does not implement, so it is untested: %v\n%s", err, text)
			}
			if err != nil {
				t.Fatalf("%v\n%s", err, text)
			}
			rows := q.Run(records)
			if len(rows) == 0 {
				t.Fatalf("no rows on the real lines:\n%s", text)
			}
			if strings.Contains(text, `outcome in ["failed", "malformed"]`) {
				// Counted here without the evaluator: every failed or
				// malformed event line, the forwarder's and the trigger
				// function's alike.
				want, groups := 0, map[string]bool{}
				for _, r := range records {
					msg, _ := r.Field("msg")
					o, _ := r.Field("outcome")
					if msg == "event" && (o == "failed" || o == "malformed") {
						want++
						g, _ := r.Field("@log")
						groups[g] = true
					}
				}
				if !groups[groupForwarder] || !groups[groupTrigger] {
					t.Fatalf("the real lines lack a failure of the forwarder or the trigger function: %v", groups)
				}
				if len(rows) != want {
					t.Errorf("%d rows, want the %d failed or malformed event lines of every function", len(rows), want)
				}
			}
		})
	}
}
