package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/cognito-events/cognito-events/internal/emulator/moto"
)

// The status itself is tested in internal/status against moto; these
// tests check the flags, the stacks taken from the configuration and the
// exit status of a read that fails.
func TestStatusCommand(t *testing.T) {
	cdk := repoFile("cdk.json") // the shipped configuration: us-east-1
	usage := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"stack without region", []string{"status", "--stack", "s"}, exitUsage, "--stack needs --region"},
		{"stray argument", []string{"status", "x"}, exitUsage, "unexpected arguments"},
		{"region not configured", []string{"status", "--config", cdk, "--region", "eu-west-1"}, exitFailures, "deploys to [us-east-1], not to eu-west-1"},
		{"no config", []string{"status", "--config", filepath.Join(t.TempDir(), "none.json")}, exitFailures, "reading "},
	}
	for _, tt := range usage {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errOut, tt.code, tt.want)
			}
		})
	}
	t.Run("a stack that does not exist", func(t *testing.T) {
		if testing.Short() {
			t.Skip("uses moto_server")
		}
		srv := moto.Shared(t)
		t.Setenv("AWS_ENDPOINT_URL", srv.URL)
		t.Setenv("AWS_ACCESS_KEY_ID", "test")
		t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
		code, out, errOut := runCLI(t, "", "status", "--config", cdk, "--json")
		if code != exitFailures || !strings.Contains(errOut, "describing stack cognito-events-us-east-1 in us-east-1") || strings.TrimSpace(out) != "[]" {
			t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
		}
	})
}
