package main

import (
	"regexp"
	"strings"
	"testing"
)

// commands are the commands of main's table, for the help-text test.
var commands = []string{"normalize", "patterns", "match", "sink", "demo", "replay", "backfill", "sync", "attach-triggers", "detach-triggers", "demo-triggers", "status", "redrive", "logs"}

var flagLineRe = regexp.MustCompile(`(?m)^  -([a-z][a-z0-9-]*)`)

// TestHelpTexts: every command's --help starts with its usage line, has a
// "Flags:" heading before the flag list, and its usage line names every
// flag the list shows (docs/cli.md quotes these lines).
func TestHelpTexts(t *testing.T) {
	for _, c := range commands {
		t.Run(c, func(t *testing.T) {
			code, _, help := runCLI(t, "", c, "--help")
			if code != exitOK {
				t.Fatalf("%s --help exited %d, want %d", c, code, exitOK)
			}
			usage, _, _ := strings.Cut(help, "\n")
			if !strings.HasPrefix(usage, "Usage: cognito-events "+c+" ") && usage != "Usage: cognito-events "+c {
				t.Fatalf("first line %q, want the usage line of %s", usage, c)
			}
			flags := flagLineRe.FindAllStringSubmatch(help, -1)
			if len(flags) == 0 {
				t.Fatalf("no flags listed in:\n%s", help)
			}
			heading := strings.Index(help, "\nFlags:\n")
			if first := strings.Index(help, "\n  -"+flags[0][1]); heading < 0 || heading > first {
				t.Errorf("no \"Flags:\" heading before the flag list:\n%s", help)
			}
			for _, f := range flags {
				if !regexp.MustCompile(`--` + regexp.QuoteMeta(f[1]) + `\b`).MatchString(usage) {
					t.Errorf("the usage line %q does not show --%s, which the flag list has", usage, f[1])
				}
			}
		})
	}
}
