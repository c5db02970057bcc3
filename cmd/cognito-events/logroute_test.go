package main

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestReplayLogRouteToTestURL: the shipped cdk.json's app-clients route
// writes to its log group; --sink-url sends its events to a test
// endpoint instead, as docs/cli.md shows with a local receiver.
func TestReplayLogRouteToTestURL(t *testing.T) {
	rc, srv := newCEReceiver(t, http.StatusAccepted)
	file := envelopeFile("UpdateUserPoolClient")
	code, stdout, stderr := runCLI(t, "", "replay", "--config", repoFile("cdk.json"), "--route", "app-clients", "--sink-url", srv.URL, file)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if got, want := rc.received(t), []string{eventIDOf(t, file)}; !slices.Equal(got, want) {
		t.Fatalf("the test URL received %v, want %v", got, want)
	}
	if !strings.Contains(stdout, "1 delivered") {
		t.Errorf("summary: %s", stdout)
	}
}
