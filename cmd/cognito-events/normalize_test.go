package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cloudevent "github.com/cloudevents/sdk-go/v2/event"

	"github.com/cognito-events/cognito-events/events"
)

// runCLI runs the command with args and stdin and returns its exit code,
// standard output and standard error.
func runCLI(tb testing.TB, stdin string, args ...string) (int, string, string) {
	tb.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(stdin), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// readEvents parses structured CloudEvents, one per line, with the SDK.
func readEvents(tb testing.TB, out string) []cloudevent.Event {
	tb.Helper()
	var evs []cloudevent.Event
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		var ev cloudevent.Event
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			tb.Fatalf("output line is not a CloudEvent: %v\n%s", err, line)
		}
		if err := ev.Validate(); err != nil {
			tb.Fatalf("output event is invalid: %v", err)
		}
		if ev.Type() != events.EventType {
			tb.Fatalf("type = %q", ev.Type())
		}
		evs = append(evs, ev)
	}
	return evs
}

func repoFile(parts ...string) string {
	return filepath.Join(append([]string{"..", ".."}, parts...)...)
}

func TestNormalizeCommand(t *testing.T) {
	envelope := repoFile("testdata", "envelopes", "UpdateUserPoolClient.json")
	page := repoFile("testdata", "records", "lookup-events-page.json")
	negative := repoFile("testdata", "envelopes", "negative-GetId.json")
	truncated := repoFile("testdata", "malformed", "truncated.json")
	compact := func(path string) string {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("reading fixture: %v", err)
		}
		var b bytes.Buffer
		if err := json.Compact(&b, data); err != nil {
			t.Fatalf("compacting fixture: %v", err)
		}
		return b.String()
	}
	jsonLines := compact(envelope) + "\n" + compact(negative) + "\n{not json}\n" + compact(repoFile("testdata", "envelopes", "CreateGroup.json")) + "\n"

	tests := []struct {
		name       string
		stdin      string
		args       []string
		wantCode   int
		wantEvents int
		wantStderr []string
	}{
		{"one envelope", "", []string{"normalize", envelope}, 0, 1, nil},
		{"array of bare records", "", []string{"normalize", page}, 0, 3, nil},
		{"skip is reported, exit 0", "", []string{"normalize", envelope, negative}, 0, 1, []string{"skipped:", "negative-GetId.json: record 1", "cognito-identity"}},
		{"malformed file, others still processed", "", []string{"normalize", truncated, envelope}, 1, 1, []string{"error:", "truncated.json: record 1", "end of input"}},
		{"missing file", "", []string{"normalize", "no-such-file.json", envelope}, 1, 1, []string{"no-such-file.json"}},
		{"JSON lines on stdin, one bad line", jsonLines, []string{"normalize"}, 1, 2, []string{"<stdin>: record 3 (line 3)", "skipped: <stdin>: record 2 (line 2)"}},
		{"pretty object on stdin", compact(envelope), []string{"normalize"}, 0, 1, nil},
		{"empty stdin", "", []string{"normalize"}, 0, 0, nil},
		{"unknown flag", "", []string{"normalize", "--bogus"}, 2, 0, []string{"flag provided but not defined"}},
		{"bad client-pool flag", "", []string{"normalize", "--client-pool", "nopool"}, 2, 0, []string{"CLIENT=POOL"}},
		{"unknown command", "", []string{"frobnicate"}, 2, 0, []string{`unknown command "frobnicate"`}},
		{"no command", "", nil, 2, 0, []string{"Usage:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.stdin, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d; stderr:\n%s", code, tt.wantCode, stderr)
			}
			if got := len(readEvents(t, stdout)); got != tt.wantEvents {
				t.Errorf("%d events written, want %d", got, tt.wantEvents)
			}
			for _, want := range tt.wantStderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
		})
	}
}

// TestNormalizeCommandMatchesLibrary checks that the command writes exactly
// what the library makes, for every envelope.
func TestNormalizeCommandMatchesLibrary(t *testing.T) {
	paths, err := filepath.Glob(repoFile("testdata", "envelopes", "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("listing envelopes: %v (%d found)", err, len(paths))
	}
	code, stdout, stderr := runCLI(t, "", append([]string{"normalize"}, paths...)...)
	if code != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", code, stderr)
	}
	var want strings.Builder
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("reading fixture: %v", err)
		}
		ev, err := events.Normalize(data)
		if err != nil {
			continue
		}
		want.Write(ev.AppendJSON(nil))
		want.WriteByte('\n')
	}
	if stdout != want.String() {
		t.Errorf("command output differs from the library's events")
	}
	if n := strings.Count(stderr, "skipped:"); n != strings.Count(strings.Join(paths, " "), "negative-") {
		t.Errorf("%d skips reported, want one per negative fixture:\n%s", n, stderr)
	}
}

func TestClientPoolFlag(t *testing.T) {
	login := repoFile("testdata", "aws-docs", "Login_GET-1.json")
	code, stdout, stderr := runCLI(t, "", "normalize", "--client-pool", "1example23456789=us-west-2_aaaaaaaaa", login)
	if code != 0 {
		t.Fatalf("exit code %d: %s", code, stderr)
	}
	evs := readEvents(t, stdout)
	if len(evs) != 1 || evs[0].Source() != "arn:aws:cognito-idp:us-west-2:123456789012:userpool/us-west-2_aaaaaaaaa" {
		t.Fatalf("events = %v, want one with the resolved pool", evs)
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"help"}, {"normalize", "--help"}} {
		code, stdout, stderr := runCLI(t, "", args...)
		if code != 0 || !strings.Contains(stdout+stderr, "normalize") {
			t.Errorf("%v: exit %d, output %q", args, code, stdout+stderr)
		}
	}
}

// BenchmarkNormalizeCommand runs the command on JSON lines of every
// envelope fixture, per record, as scripts/bench-cli.sh does on larger
// inputs.
func BenchmarkNormalizeCommand(b *testing.B) {
	paths, err := filepath.Glob(repoFile("testdata", "envelopes", "*.json"))
	if err != nil || len(paths) == 0 {
		b.Fatalf("listing envelopes: %v (%d found)", err, len(paths))
	}
	var lines bytes.Buffer
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatalf("reading fixture: %v", err)
		}
		if err := json.Compact(&lines, data); err != nil {
			b.Fatalf("compacting fixture: %v", err)
		}
		lines.WriteByte('\n')
	}
	b.ReportAllocs()
	b.SetBytes(int64(lines.Len()))
	for b.Loop() {
		run([]string{"normalize"}, bytes.NewReader(lines.Bytes()), io.Discard, io.Discard)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(paths))/1e3, "µs/record")
}
