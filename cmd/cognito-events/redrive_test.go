package main

import (
	"strings"
	"testing"

	"github.com/cognito-events/cognito-events/internal/emulator/moto"
)

// The redrive itself is tested in internal/redrive against moto and the
// real forwarder; these tests check the flags and the exit status.
func TestRedriveCommand(t *testing.T) {
	cdk := repoFile("cdk.json")
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no route", []string{"redrive"}, exitUsage, "--route is required"},
		{"stack without region", []string{"redrive", "--route", "r", "--stack", "s"}, exitUsage, "--stack needs --region"},
		{"stray argument", []string{"redrive", "--route", "r", "x"}, exitUsage, "unexpected arguments"},
		{"region not configured", []string{"redrive", "--route", "r", "--config", cdk, "--region", "eu-west-1"}, exitFailures, "not to eu-west-1"},
	} {
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
		code, _, errOut := runCLI(t, "", "redrive", "--route", "app-clients", "--config", cdk, "--dry-run")
		if code != exitFailures || !strings.Contains(errOut, "describing stack cognito-events-us-east-1 in us-east-1") {
			t.Fatalf("exit %d, stderr %q", code, errOut)
		}
	})
}
