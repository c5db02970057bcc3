package main

import (
	"strings"
	"testing"
)

// The demo's work is tested in internal/demo; these tests check what the
// command adds: flags, exit status and where errors go.

func TestDemoFlags(t *testing.T) {
	missing := t.TempDir() + "/none"
	tests := []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		{"help", []string{"demo", "--help"}, exitOK, "--templates"},
		{"stray argument", []string{"demo", "extra"}, exitUsage, "unexpected arguments"},
		{"bad --sync", []string{"demo", "--sync", "sometimes"}, exitUsage, `"sometimes": want auto or off`},
		{"bad --triggers", []string{"demo", "--triggers", "on"}, exitUsage, `"on": want auto or off`},
		{"no templates", []string{"demo", "--templates", missing}, exitFailures, "run make synth"},
		{"no bootstrap", []string{"demo", "--templates", "../../internal/demo/testdata/demo", "--fixtures", "../../testdata/envelopes", "--bootstrap", missing}, exitFailures, "make demo"},
		{"demo-triggers help", []string{"demo-triggers", "--help"}, exitOK, "--trigger-bootstrap"},
		{"demo-triggers without bootstraps", []string{"demo-triggers", "--trigger-bootstrap", missing, "--bootstrap", missing}, exitFailures, "make demo builds it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Fatalf("exit %d, stderr:\n%s\nwant %d and %q", code, errOut, tt.code, tt.want)
			}
		})
	}
}
