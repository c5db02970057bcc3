package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	lambdaevents "github.com/aws/aws-lambda-go/events"

	"github.com/cognito-events/cognito-events/internal/emulator/moto"
	"github.com/cognito-events/cognito-events/internal/forwarder/fwtest"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime/lambdatest"
)

// The bootstrap tests build the real binary and run it against a local
// Lambda Runtime API, as Lambda's provided.al2023 runtime would.

// bootstrap builds the function once per test binary, for the host, as
// make build does.
func bootstrap(tb testing.TB) string {
	tb.Helper()
	return lambdatest.Build(tb, ".")
}

func TestMain(m *testing.M) {
	code := m.Run()
	moto.StopShared()
	lambdatest.Cleanup()
	os.Exit(code)
}

// startBootstrap runs the bootstrap under a local Runtime API with env
// only (no inherited environment) and stops it at cleanup.
func startBootstrap(tb testing.TB, path string, stderr io.Writer, env ...string) *lambdaruntime.Function {
	tb.Helper()
	f, err := lambdaruntime.Start(context.Background(), lambdaruntime.FunctionOptions{
		Server:  lambdaruntime.Options{FunctionARN: "arn:aws:lambda:eu-west-1:111122223333:function:forwarder", Timeout: 20 * time.Second},
		Process: lambdaruntime.ProcessOptions{Path: path, Env: env, Stderr: stderr},
	})
	if err != nil {
		tb.Fatalf("starting bootstrap: %v", err)
	}
	tb.Cleanup(func() { f.Close() })
	return f
}

func TestBootstrap(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the bootstrap binary")
	}
	path := bootstrap(t)
	ctx := context.Background()

	t.Run("forwards events end to end", func(t *testing.T) {
		var mu sync.Mutex
		var received []http.Header
		sinkSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			received = append(received, r.Header.Clone())
			mu.Unlock()
			w.WriteHeader(http.StatusAccepted)
		}))
		defer sinkSrv.Close()
		var stderr lambdatest.Output
		start := time.Now()
		f := startBootstrap(t, path, &stderr, "AWS_REGION=eu-west-1",
			"SINK_KIND=http", "SINK_URL="+sinkSrv.URL, "SINK_ALLOW_INSECURE=true", "SINK_HTTP_MODE=binary")

		body, err := f.Invoke(ctx, fwtest.Fixture(t, "update-client.json"))
		var res struct{ EventID, Outcome string }
		if err != nil || json.Unmarshal(body, &res) != nil ||
			res.EventID != "a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d" || res.Outcome != "delivered" {
			t.Fatalf("first invocation: %s %v\nstderr:\n%s", body, err, stderr.String())
		}
		body, err = f.Invoke(ctx, fwtest.Fixture(t, "identity-pool.json"))
		if err != nil || !strings.Contains(string(body), `"outcome":"skipped"`) {
			t.Fatalf("second invocation: %s %v", body, err)
		}
		_, err = f.Invoke(ctx, fwtest.Fixture(t, "not-cloudtrail.json"))
		var fe *lambdaruntime.FunctionError
		if !errors.As(err, &fe) || fe.RequestID == "" || !strings.Contains(fe.Message, "malformed input") {
			t.Fatalf("third invocation: %v, want a function error", err)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(received) != 1 || received[0].Get("Ce-Id") != "a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d" {
			t.Fatalf("sink received %d requests: %v", len(received), received)
		}
		t.Logf("process start to first /next: %v", f.ReadyAt().Sub(start))
	})

	t.Run("buffered: answers an SQS batch with its failed messages", func(t *testing.T) {
		var mu sync.Mutex
		var ids []string
		sinkSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			ids = append(ids, r.Header.Get("Ce-Id"))
			mu.Unlock()
			w.WriteHeader(http.StatusAccepted)
		}))
		defer sinkSrv.Close()
		var stderr lambdatest.Output
		f := startBootstrap(t, path, &stderr, "AWS_REGION=eu-west-1", "FORWARDER_INPUT=sqs",
			"SINK_KIND=http", "SINK_URL="+sinkSrv.URL, "SINK_ALLOW_INSECURE=true")
		batch, err := json.Marshal(lambdaevents.SQSEvent{Records: []lambdaevents.SQSMessage{
			{MessageId: "m-good", EventSource: "aws:sqs", Body: string(fwtest.Fixture(t, "update-client.json"))},
			{MessageId: "m-skip", EventSource: "aws:sqs", Body: string(fwtest.Fixture(t, "identity-pool.json"))},
			{MessageId: "m-bad", EventSource: "aws:sqs", Body: string(fwtest.Fixture(t, "not-cloudtrail.json"))},
		}})
		if err != nil {
			t.Fatalf("encoding the batch: %v", err)
		}
		body, err := f.Invoke(ctx, batch)
		if err != nil || string(body) != `{"batchItemFailures":[{"itemIdentifier":"m-bad"}]}` {
			t.Fatalf("invocation: %s %v, want m-bad listed\nstderr:\n%s", body, err, stderr.String())
		}
		mu.Lock()
		defer mu.Unlock()
		if len(ids) != 1 || ids[0] != "a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d" {
			t.Fatalf("sink received %v", ids)
		}
	})

	t.Run("direct: an SQS batch is no EventBridge event", func(t *testing.T) {
		f := startBootstrap(t, path, io.Discard, "AWS_REGION=eu-west-1",
			"SINK_KIND=http", "SINK_URL=http://127.0.0.1:9", "SINK_ALLOW_INSECURE=true")
		batch := `{"Records":[{"messageId":"m1","eventSource":"aws:sqs","body":"{}"}]}`
		_, err := f.Invoke(ctx, []byte(batch))
		var fe *lambdaruntime.FunctionError
		if !errors.As(err, &fe) || !strings.Contains(fe.Message, "malformed input") {
			t.Fatalf("invocation: %v, want a malformed-input function error", err)
		}
	})

	t.Run("bad configuration is an init error naming the variable", func(t *testing.T) {
		f := startBootstrap(t, path, io.Discard, "SINK_KIND=http", "SINK_URL=http://insecure.example", "SINK_TIMEOUT=soon")
		select {
		case <-f.InitFailed():
		case <-time.After(20 * time.Second):
			t.Fatal("the function reported no init error within 20s")
		}
		ie := f.InitError()
		for _, name := range []string{"SINK_URL", "SINK_TIMEOUT"} {
			if !strings.Contains(ie.Message, name) {
				t.Errorf("init error %q does not name %s", ie.Message, name)
			}
		}
		if ie.Type != "Runtime.ConfigError" || ie.HeaderType != "Runtime.ConfigError" {
			t.Errorf("error type %q / header %q", ie.Type, ie.HeaderType)
		}
		select {
		case <-f.Process.Done():
			if code := f.Process.ExitCode(); code != 1 {
				t.Fatalf("exit %v (code %d), want 1", f.Process.Err(), code)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the process did not exit after the init error")
		}
		if f.Nexts() != 0 {
			t.Fatal("the process asked for an invocation despite its bad configuration")
		}
	})
}

// BenchmarkColdStart measures the time from starting the bootstrap process
// to its first /next request, the part of a cold start the function
// controls. Target: under 20 ms.
//
//	go test -run '^$' -bench ColdStart -benchtime 20x ./functions/forwarder
func BenchmarkColdStart(b *testing.B) {
	path := bootstrap(b)
	sinkSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer sinkSrv.Close()
	b.ReportAllocs()
	var total time.Duration
	for b.Loop() {
		start := time.Now()
		f, err := lambdaruntime.Start(context.Background(), lambdaruntime.FunctionOptions{
			Process: lambdaruntime.ProcessOptions{Path: path, Env: []string{"AWS_REGION=eu-west-1",
				"SINK_KIND=http", "SINK_URL=" + sinkSrv.URL, "SINK_ALLOW_INSECURE=true"}},
		})
		if err != nil {
			b.Fatalf("starting: %v", err)
		}
		select {
		case <-f.Ready():
			total += f.ReadyAt().Sub(start)
		case <-time.After(10 * time.Second):
			f.Close()
			b.Fatal("no /next within 10s")
		}
		f.Close()
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms-to-first-next")
}
