package doccheck

import (
	"fmt"
	"regexp"
	"strings"
)

// What a doc's output may show differently from a rerun: ids, times,
// durations, loopback ports and temporary paths. Normalize replaces each
// with a placeholder, in this order.
var volatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`), "<id>"},
	{regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})`), "<time>"},
	{regexp.MustCompile(`\b\d+(\.\d+)?\s?(ns|µs|us|ms|s|m|h)\b`), "<dur>"},
	{regexp.MustCompile(`\b(127\.0\.0\.1|localhost|\[::1\]):\d+`), "$1:<port>"},
	{regexp.MustCompile(`(/private)?/tmp/[^\s"':]+`), "<tmp>"},
}

// Normalize trims a line, collapses its runs of spaces and replaces its
// volatile parts.
func Normalize(line string) string {
	line = strings.Join(strings.Fields(line), " ")
	for _, v := range volatile {
		line = v.re.ReplaceAllString(line, v.with)
	}
	return line
}

// elided reports whether a doc's output line stands for lines left out.
func elided(line string) bool {
	switch strings.TrimSpace(line) {
	case "...", "…", "^C", "":
		return true
	}
	return false
}

// CheckOutput reports the first line the doc shows that the run did not
// print. Each shown line must appear, normalised, in standard output or in
// standard error, in the doc's order within each stream; a shown line
// ending in "..." or "…" is a prefix; lines "...", "…" and "^C" stand for
// what the doc leaves out.
func CheckOutput(want []string, stdout, stderr string) error {
	streams := [2][]string{strings.Split(stdout, "\n"), strings.Split(stderr, "\n")}
	var next [2]int
	for _, w := range want {
		if elided(w) {
			continue
		}
		nw := Normalize(w)
		prefix := false
		for _, dots := range []string{"...", "…"} {
			if s, ok := strings.CutSuffix(nw, dots); ok {
				nw, prefix = strings.TrimSpace(s), true
			}
		}
		found := false
		for s := range streams {
			for i := next[s]; i < len(streams[s]); i++ {
				got := Normalize(streams[s][i])
				if got == nw || (prefix && strings.HasPrefix(got, nw)) {
					next[s], found = i+1, true
					break
				}
			}
			if found {
				break
			}
		}
		if !found {
			return fmt.Errorf("the doc shows %q, which the run did not print (normalised: %q)", strings.TrimSpace(w), nw)
		}
	}
	return nil
}

// goRunCLI is how the docs run the CLI from a checkout.
var goRunCLI = regexp.MustCompile(`\bgo run \./cmd/cognito-events\b`)

// Rewrite turns a documented command into the one the test runs: the CLI
// from its fresh build (on PATH as cognito-events) instead of go run.
func Rewrite(cmd string) string { return goRunCLI.ReplaceAllString(cmd, "cognito-events") }
