package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPatternsRefusesCron: `patterns --config F` validates the whole
// configuration, so a cron expression EventBridge would refuse at deploy
// fails here, naming the route and the key; a documented one passes.
func TestPatternsRefusesCron(t *testing.T) {
	write := func(schedule string) string {
		cfg := `{"app": "x", "context": {"cognito-events": {"regions": ["us-east-1"], "routes": [
		  {"name": "users", "selection": {"operations": ["users"]}, "sink": {"kind": "http", "url": "https://example.com/hook"}},
		  {"name": "nightly", "selection": {"userPoolIds": ["us-east-1_AAAAAAAAA"]}, "sink": {"kind": "http", "url": "https://example.com/hook"},
		   "sync": {"schedule": "` + schedule + `", "timeoutSeconds": 60}}]}}}`
		f := filepath.Join(t.TempDir(), "cdk.json")
		if err := os.WriteFile(f, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		return f
	}
	code, _, errOut := runCLI(t, "", "patterns", "--config", write("cron(0 3 * * * *)"))
	if code == exitOK {
		t.Fatalf("cron(0 3 * * * *) accepted")
	}
	for _, want := range []string{`route "nightly"`, "sync.schedule", "both set", "exactly one of them must be ?"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr %q lacks %q", errOut, want)
		}
	}
	for _, ok := range []string{"cron(0/5 8-17 ? * MON-FRI *)", "cron(0 9 ? * 2#1 *)", "cron(0 8 1 * ? *)", "rate(5 minutes)"} {
		if code, _, errOut := runCLI(t, "", "patterns", "--config", write(ok)); code != exitOK {
			t.Errorf("%s refused: exit %d, %s", ok, code, errOut)
		}
	}
}
