package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cloudevent "github.com/cloudevents/sdk-go/v2/event"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/sink"
)

// syncBuffer is a bytes.Buffer safe to read while the sink writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startSink runs the sink command on a free loopback port until the test
// stops it, and returns its URL, its output and a stop function that
// cancels it and returns its exit code.
func startSink(tb testing.TB, args ...string) (string, *syncBuffer, *syncBuffer, func() int) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- sinkMain(ctx, append([]string{"--listen", "127.0.0.1:0"}, args...), stdout, stderr)
	}()
	stop := func() int {
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(10 * time.Second):
			tb.Fatalf("sink did not stop; stdout:\n%s", stdout)
			return -1
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		first, _, ok := strings.Cut(stdout.String(), "\n")
		if ok {
			url, found := strings.CutPrefix(first, "listening on ")
			if !found {
				stop()
				tb.Fatalf("first line %q, want listening on URL", first)
			}
			return url, stdout, stderr, stop
		}
		select {
		case code := <-done:
			tb.Fatalf("sink exited %d before listening: %s", code, stderr)
		case <-time.After(10 * time.Millisecond):
		}
	}
	stop()
	tb.Fatalf("sink did not start listening; stderr %s", stderr)
	return "", nil, nil, nil
}

func normalizeFixture(tb testing.TB, name string) *events.Event {
	tb.Helper()
	data, err := os.ReadFile(repoFile("testdata", "envelopes", name))
	if err != nil {
		tb.Fatal(err)
	}
	ev, err := events.Normalize(data)
	if err != nil {
		tb.Fatalf("normalising %s: %v", name, err)
	}
	return ev
}

func TestSinkCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "events.jsonl")
	if err := os.WriteFile(out, []byte("{\"earlier\":true}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	url, stdout, _, stop := startSink(t, "--out", out)
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("url %q", url)
	}
	first := normalizeFixture(t, "UpdateUserPoolClient.json")
	second := normalizeFixture(t, "CreateUserPoolClient-failed.json")
	ctx := context.Background()
	if err := (&sink.HTTP{URL: url, Mode: sink.Binary}).Send(ctx, first); err != nil {
		t.Fatalf("binary Send: %v", err)
	}
	if err := (&sink.HTTP{URL: url, Mode: sink.Structured}).Send(ctx, second); err != nil {
		t.Fatalf("structured Send: %v", err)
	}
	resp, err := http.Post(url, "application/json", strings.NewReader(`{"not":"an event"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("plain JSON answered %d, want 400", resp.StatusCode)
	}
	if code := stop(); code != exitOK {
		t.Errorf("exit %d", code)
	}

	text := stdout.String()
	for _, want := range []string{
		"--- event 1 (binary) -> 202\nid:          " + first.ID + "\ntype:        " + events.EventType + "\nsource:      " + first.Source + "\n",
		"eventname:   UpdateUserPoolClient\n",
		"--- event 2 (structured) -> 202\n",
		"errorcode:   LimitExceededException\n",
		"data:\n  {\n",
		"rejected (400): not a CloudEvent",
		"sink stopped: 2 events received\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	// --out appended one structured event per line.
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != 3 || lines[0] != `{"earlier":true}` {
		t.Fatalf("--out file:\n%s", data)
	}
	for i, want := range []*events.Event{first, second} {
		var ev cloudevent.Event
		if err := json.Unmarshal([]byte(lines[i+1]), &ev); err != nil {
			t.Fatalf("line %d: %v", i+2, err)
		}
		if ev.ID() != want.ID || ev.Source() != want.Source || ev.Extensions()[events.ExtEventName] != want.EventName {
			t.Errorf("line %d: %s", i+2, ev)
		}
	}
}

// TestSinkStatus: --status makes the sink refuse deliveries, and the
// forwarder's HTTP sink sees a transient failure.
func TestSinkStatus(t *testing.T) {
	url, stdout, _, stop := startSink(t, "--status", "503")
	err := (&sink.HTTP{URL: url, Mode: sink.Binary}).Send(context.Background(), normalizeFixture(t, "AdminCreateUser.json"))
	var se *sink.StatusError
	if !errors.As(err, &se) || se.Code != http.StatusServiceUnavailable || sink.IsPermanent(err) {
		t.Errorf("Send error = %v, want a transient 503", err)
	}
	if code := stop(); code != exitOK {
		t.Errorf("exit %d", code)
	}
	if !strings.Contains(stdout.String(), "--- event 1 (binary) -> 503\n") {
		t.Errorf("output:\n%s", stdout)
	}
}

func TestSinkErrors(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"help", []string{"--help"}, exitOK, "Usage: cognito-events sink"},
		{"status too low", []string{"--status", "99"}, exitUsage, "--status 99: want an HTTP status from 200 to 599"},
		{"status too high", []string{"--status", "1000"}, exitUsage, "--status 1000"},
		{"status not a number", []string{"--status", "ok"}, exitUsage, "invalid value"},
		{"argument", []string{"extra"}, exitUsage, `unexpected argument "extra"`},
		{"bad address", []string{"--listen", "127.0.0.1:notaport"}, exitFailures, "sink: listening on 127.0.0.1:notaport"},
		{"out in a missing directory", []string{"--listen", "127.0.0.1:0", "--out", filepath.Join("no-such-dir", "x.jsonl")}, exitFailures, "sink: opening --out file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // a sink that did start stops at once
			var stdout, stderr bytes.Buffer
			code := sinkMain(ctx, tt.args, &stdout, &stderr)
			if code != tt.wantCode || !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr.String(), tt.wantCode, tt.wantErr)
			}
		})
	}
	// The port in use: a second sink on the first one's address fails.
	url, _, _, stop := startSink(t)
	defer stop()
	var stderr bytes.Buffer
	if code := sinkMain(context.Background(), []string{"--listen", strings.TrimPrefix(url, "http://")}, &bytes.Buffer{}, &stderr); code != exitFailures {
		t.Errorf("second sink on %s: exit %d, stderr %s", url, code, stderr.String())
	}
	// Dispatch from run.
	if code, _, errOut := runCLI(t, "", "sink", "--status", "42"); code != exitUsage || !strings.Contains(errOut, "--status 42") {
		t.Errorf("run sink: exit %d, stderr %s", code, errOut)
	}
}
