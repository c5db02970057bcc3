package main

import (
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cognito-events/cognito-events/internal/sink"
)

// TestReplaySinkURLDropsAuth: replay --sink-url to a loopback receiver on a
// route with bearer authentication (from SSM) and a static header sends
// neither, and standard error says why. The route's secret is never read:
// no AWS endpoint is configured, so a read would fail the replay.
func TestReplaySinkURLDropsAuth(t *testing.T) {
	var (
		mu      sync.Mutex
		calls   int
		leaked  []string
		headers = []string{"Authorization", "X-Tenant"}
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		for _, h := range headers {
			if v := r.Header.Get(h); v != "" {
				leaked = append(leaked, h+": "+v)
			}
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(srv.Close)

	cfg := filepath.Join(t.TempDir(), "cdk.json")
	doc := `{"context": {"cognito-events": {"regions": ["us-east-1"], "routes": [
	  {"name": "prod", "selection": {"operations": ["users"]}, "retry": {"maxAttempts": 1},
	   "sink": {"kind": "http", "url": "https://sink.example.com/events", "headers": {"X-Tenant": "prod-tenant"},
	            "auth": {"type": "bearer", "secret": "/prod/sink-token"}}}]}}}`
	if err := os.WriteFile(cfg, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1") // a secret read would fail, not reach AWS

	code, stdout, stderr := runCLI(t, "", "replay", "--config", cfg, "--route", "prod", "--sink-url", srv.URL+"/test?k=v",
		envelopeFile("AdminCreateUser"))
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	if calls != 1 {
		t.Fatalf("receiver got %d requests, want 1\n%s", calls, stdout)
	}
	if len(leaked) > 0 {
		t.Fatalf("the test URL received the route's credentials: %v", leaked)
	}
	for _, want := range []string{`not sending route "prod"'s bearer authentication or its static headers`, "--keep-auth", srv.URL + "/test"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "k=v") || strings.Contains(stderr, "prod-tenant") || strings.Contains(stderr, "/prod/sink-token") {
		t.Errorf("stderr shows a query, a header value or the secret's name:\n%s", stderr)
	}
}

// TestApplySinkOverride: the one rule for every command that sends a
// route's events to a test URL.
func TestApplySinkOverride(t *testing.T) {
	route := map[string]string{
		sink.EnvKind: "http", sink.EnvURL: "https://prod.example.com/", sink.EnvKSink: "https://prod.example.com/",
		sink.EnvAuth: "oauth2", sink.EnvAuthSecret: "arn:aws:secretsmanager:us-east-1:111122223333:secret:x",
		sink.EnvAuthHeader: "x-api-key", sink.EnvOAuth2TokenURL: "https://idp.example.com/token", sink.EnvOAuth2Scopes: "a b",
		sink.EnvSigV4Service: "execute-api", sink.EnvSigV4Region: "us-east-1", sink.EnvHeaders: `{"X-Key":"v"}`,
	}
	tests := []struct {
		name     string
		o        sinkOverride
		wantErr  string
		wantNote string
		keeps    bool // the auth variables stay
		insecure bool
	}{
		{name: "no override changes nothing", o: sinkOverride{}, keeps: true},
		{name: "loopback http drops auth", o: sinkOverride{URL: "http://127.0.0.1:9/x"}, wantNote: "oauth2 authentication or its static headers (SINK_HEADERS)", insecure: true},
		{name: "https drops auth", o: sinkOverride{URL: "https://bin.example.net/x"}, wantNote: "--keep-auth (https only)"},
		{name: "https keeps auth with --keep-auth", o: sinkOverride{URL: "https://staging.example.com/", KeepAuth: true}, keeps: true},
		{name: "--keep-auth refuses http", o: sinkOverride{URL: "http://127.0.0.1:9/", KeepAuth: true}, wantErr: "needs an https://"},
		{name: "--keep-auth needs --sink-url", o: sinkOverride{KeepAuth: true}, wantErr: "needs --sink-url"},
		{name: "http off loopback", o: sinkOverride{URL: "http://bin.example.net/"}, wantErr: "loopback"},
		{name: "credentials in the URL", o: sinkOverride{URL: "https://u:p@bin.example.net/"}, wantErr: "must not carry credentials"},
		{name: "not absolute", o: sinkOverride{URL: "/relative"}, wantErr: "not an absolute URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := maps.Clone(route)
			note, err := applySinkOverride(env, "prod", tt.o)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, errUsage) {
					t.Fatalf("err = %v, want a usage error with %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "u:p") {
					t.Fatalf("error shows the URL's credentials: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(note, tt.wantNote) || (tt.wantNote == "") != (note == "") {
				t.Errorf("note %q, want %q", note, tt.wantNote)
			}
			for _, k := range sinkAuthVars {
				if _, ok := env[k]; ok != tt.keeps {
					t.Errorf("%s present = %v, want %v", k, ok, tt.keeps)
				}
			}
			if tt.o.URL != "" && (env[sink.EnvURL] != tt.o.URL || env[sink.EnvKSink] != "") {
				t.Errorf("sink URL %q (K_SINK %q), want %q", env[sink.EnvURL], env[sink.EnvKSink], tt.o.URL)
			}
			if (env[sink.EnvAllowInsecure] == "true") != tt.insecure {
				t.Errorf("%s = %q", sink.EnvAllowInsecure, env[sink.EnvAllowInsecure])
			}
		})
	}
}

// TestSyncRouteSinkURLDropsAuth: sync --route --sink-url, against a moto
// pool, sends the route's users to a loopback receiver without the route's
// bearer authentication or static header, and standard error says why, as
// replay and backfill do (applySinkOverride serves all three).
func TestSyncRouteSinkURLDropsAuth(t *testing.T) {
	e := newSyncEnv(t, "ada", "grace")
	var (
		mu     sync.Mutex
		calls  int
		leaked []string
	)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		for _, h := range []string{"Authorization", "X-Tenant"} {
			if v := r.Header.Get(h); v != "" {
				leaked = append(leaked, h+": "+v)
			}
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(recv.Close)
	cfg := filepath.Join(t.TempDir(), "cdk.json")
	doc := `{"context": {"cognito-events": {"regions": ["us-east-1"], "routes": [
	  {"name": "prod", "selection": {"userPoolIds": ["` + e.pool + `"]},
	   "sink": {"kind": "http", "url": "https://sink.example.com/events", "headers": {"X-Tenant": "prod-tenant"},
	            "auth": {"type": "bearer", "secret": "/prod/sink-token"}},
	   "sync": {"schedule": "rate(30 minutes)", "timeoutSeconds": 600}}]}}}`
	if err := os.WriteFile(cfg, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(t.TempDir(), "state.db")
	code, stdout, stderr := runCLI(t, "", "sync", "--user-pool-id", e.pool, "--state", state, "--rate", "1000",
		"--config", cfg, "--route", "prod", "--sink-url", recv.URL+"/test")
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	if calls != 2 {
		t.Fatalf("receiver got %d requests, want 2 (one UserCreated a user)\n%s", calls, stdout)
	}
	if len(leaked) > 0 {
		t.Fatalf("the test URL received the route's credentials: %v", leaked)
	}
	if want := `not sending route "prod"'s bearer authentication or its static headers`; !strings.Contains(stderr, want) {
		t.Errorf("stderr does not say %q:\n%s", want, stderr)
	}
	if strings.Contains(stderr, "prod-tenant") || strings.Contains(stderr, "/prod/sink-token") {
		t.Errorf("stderr shows a header value or the secret's name:\n%s", stderr)
	}

	code, _, stderr = runCLI(t, "", "sync", "--user-pool-id", e.pool, "--state", state, "--config", cfg, "--route", "prod",
		"--sink-url", recv.URL+"/test", "--keep-auth")
	if code != exitUsage || !strings.Contains(stderr, "needs an https://") {
		t.Errorf("--keep-auth with an http URL: exit %d, want %d with the https rule\n%s", code, exitUsage, stderr)
	}
}
