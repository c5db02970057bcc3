package doccheck

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// synopsisRe finds a command's synopsis in docs/cli.md: an indented or
// fenced line "cognito-events CMD ..." (or "go run ./cmd/cognito-events
// CMD ...") whose arguments start with a flag or a bracket, continued on
// the lines below that start with spaces and a bracket or a flag; a
// synopsis has brackets, an example has none.
var synopsisRe = regexp.MustCompile(`(?m)^\s*(?:go run \./cmd/)?(cognito-events ([a-z-]+) [\[-].*(?:\n\s+[\[-].*)*)$`)

// TestSynopsesMatchHelp: each command synopsis docs/cli.md shows is the
// usage line of the command's --help, so a flag added to one is added to
// the other.
func TestSynopsesMatchHelp(t *testing.T) {
	cli := cliBinary(t)
	doc := readDoc(t, "docs/cli.md")
	n := 0
	for _, m := range synopsisRe.FindAllStringSubmatch(doc, -1) {
		shown := strings.Join(strings.Fields(m[1]), " ")
		cmd := m[2]
		if !strings.Contains(shown, "[") {
			continue // an example, not a synopsis: synopses bracket what is optional
		}
		out, _ := exec.Command(cli, cmd, "--help").CombinedOutput()
		usage, _, _ := strings.Cut(string(out), "\n")
		want, ok := strings.CutPrefix(usage, "Usage: ")
		if !ok {
			t.Errorf("docs/cli.md shows %q, but %s --help starts with %q", shown, cmd, usage)
			continue
		}
		n++
		if shown != want {
			t.Errorf("docs/cli.md shows the synopsis\n  %s\nbut %s --help says\n  %s", shown, cmd, want)
		}
	}
	if n < 5 {
		t.Fatalf("found %d synopses in docs/cli.md, want one per command at least for normalize, patterns, match, sink, replay, backfill: the pattern is broken", n)
	}
}
