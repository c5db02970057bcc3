package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cognito-events/cognito-events/internal/forwarder/fwtest"
)

// The bootstrap tests build the real binary and run it against a local
// Lambda Runtime API, as Lambda's provided.al2023 runtime would.

const runtimePrefix = "/2018-06-01/runtime"

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
	buildOut  []byte
)

// bootstrap builds the function once per test binary, for the host, with
// the build tag and linker flags make build uses. It leaves out -trimpath
// and the cross-compilation, so the build reuses the test build's cache.
func bootstrap(tb testing.TB) string {
	tb.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "forwarder-bootstrap")
		if err != nil {
			buildErr = err
			return
		}
		buildPath = filepath.Join(dir, "bootstrap")
		cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-ldflags", "-s -w", "-o", buildPath, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		tb.Fatalf("building bootstrap: %v\n%s", buildErr, buildOut)
	}
	return buildPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildPath != "" {
		os.RemoveAll(filepath.Dir(buildPath))
	}
	os.Exit(code)
}

// result is what the function posted for one invocation, or for init.
type result struct {
	id   string
	kind string // response, error, init/error
	body []byte
	hdr  http.Header
}

// runtimeAPI is a local Lambda Runtime API: /next hands out the queued
// payloads, /response, /error and /init/error are recorded.
type runtimeAPI struct {
	srv       *httptest.Server
	queue     chan []byte
	results   chan result
	nexts     atomic.Int64
	firstNext chan time.Time
	seq       atomic.Int64
}

func newRuntimeAPI(tb testing.TB, buffer int) *runtimeAPI {
	tb.Helper()
	rt := &runtimeAPI{queue: make(chan []byte, buffer), results: make(chan result, buffer+1), firstNext: make(chan time.Time, 1)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+runtimePrefix+"/invocation/next", func(w http.ResponseWriter, r *http.Request) {
		if rt.nexts.Add(1) == 1 {
			rt.firstNext <- time.Now()
		}
		select {
		case payload := <-rt.queue:
			id := fmt.Sprintf("req-%d", rt.seq.Add(1))
			h := w.Header()
			h.Set("Lambda-Runtime-Aws-Request-Id", id)
			h.Set("Lambda-Runtime-Deadline-Ms", fmt.Sprint(time.Now().Add(30*time.Second).UnixMilli()))
			h.Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-1:111122223333:function:forwarder")
			h.Set("Lambda-Runtime-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")
			w.Write(payload)
		case <-r.Context().Done():
		}
	})
	record := func(kind string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			rt.results <- result{id: r.PathValue("id"), kind: kind, body: body, hdr: r.Header.Clone()}
			w.WriteHeader(http.StatusAccepted)
		}
	}
	mux.HandleFunc("POST "+runtimePrefix+"/invocation/{id}/response", record("response"))
	mux.HandleFunc("POST "+runtimePrefix+"/invocation/{id}/error", record("error"))
	mux.HandleFunc("POST "+runtimePrefix+"/init/error", record("init/error"))
	rt.srv = httptest.NewServer(mux)
	tb.Cleanup(rt.srv.Close)
	return rt
}

func (rt *runtimeAPI) addr() string { return strings.TrimPrefix(rt.srv.URL, "http://") }

func (rt *runtimeAPI) next(tb testing.TB) result {
	tb.Helper()
	select {
	case r := <-rt.results:
		return r
	case <-time.After(20 * time.Second):
		tb.Fatal("the function posted no result within 20s")
		return result{}
	}
}

// process runs the bootstrap with env only (no inherited environment).
type process struct {
	cmd    *exec.Cmd
	stderr *bytes.Buffer
	start  time.Time
	exited chan error
}

func startBootstrap(tb testing.TB, path string, env ...string) *process {
	tb.Helper()
	p := &process{cmd: exec.Command(path), stderr: &bytes.Buffer{}, exited: make(chan error, 1)}
	p.cmd.Env = env
	p.cmd.Stderr = p.stderr
	p.cmd.Stdout = io.Discard
	p.start = time.Now()
	if err := p.cmd.Start(); err != nil {
		tb.Fatalf("starting bootstrap: %v", err)
	}
	go func() { p.exited <- p.cmd.Wait() }()
	tb.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.exited
	})
	return p
}

func TestBootstrap(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the bootstrap binary")
	}
	path := bootstrap(t)

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
		rt := newRuntimeAPI(t, 4)
		rt.queue <- fwtest.Fixture(t, "update-client.json")
		rt.queue <- fwtest.Fixture(t, "identity-pool.json")
		rt.queue <- fwtest.Fixture(t, "not-cloudtrail.json")
		p := startBootstrap(t, path,
			"AWS_LAMBDA_RUNTIME_API="+rt.addr(), "AWS_REGION=eu-west-1",
			"SINK_KIND=http", "SINK_URL="+sinkSrv.URL, "SINK_ALLOW_INSECURE=true", "SINK_HTTP_MODE=binary")

		r := rt.next(t)
		var res struct{ EventID, Outcome string }
		if r.kind != "response" || r.id != "req-1" || json.Unmarshal(r.body, &res) != nil ||
			res.EventID != "a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d" || res.Outcome != "delivered" {
			t.Fatalf("first invocation: %s %s %s\nstderr:\n%s", r.kind, r.id, r.body, p.stderr)
		}
		r = rt.next(t)
		if r.kind != "response" || !strings.Contains(string(r.body), `"outcome":"skipped"`) {
			t.Fatalf("second invocation: %s %s", r.kind, r.body)
		}
		r = rt.next(t)
		if r.kind != "error" || r.id != "req-3" || !strings.Contains(string(r.body), "malformed input") {
			t.Fatalf("third invocation: %s %s", r.kind, r.body)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(received) != 1 || received[0].Get("Ce-Id") != "a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d" {
			t.Fatalf("sink received %d requests: %v", len(received), received)
		}
		t.Logf("process start to first /next: %v", (<-rt.firstNext).Sub(p.start))
	})

	t.Run("bad configuration is an init error naming the variable", func(t *testing.T) {
		rt := newRuntimeAPI(t, 1)
		p := startBootstrap(t, path, "AWS_LAMBDA_RUNTIME_API="+rt.addr(), "SINK_KIND=http", "SINK_URL=http://insecure.example", "SINK_TIMEOUT=soon")
		r := rt.next(t)
		var body struct{ ErrorMessage, ErrorType string }
		if r.kind != "init/error" || json.Unmarshal(r.body, &body) != nil {
			t.Fatalf("got %s %s, want init/error", r.kind, r.body)
		}
		for _, name := range []string{"SINK_URL", "SINK_TIMEOUT"} {
			if !strings.Contains(body.ErrorMessage, name) {
				t.Errorf("init error %q does not name %s", body.ErrorMessage, name)
			}
		}
		if body.ErrorType != "Runtime.ConfigError" || r.hdr.Get("Lambda-Runtime-Function-Error-Type") != "Runtime.ConfigError" {
			t.Errorf("error type %q / header %q", body.ErrorType, r.hdr.Get("Lambda-Runtime-Function-Error-Type"))
		}
		select {
		case err := <-p.exited:
			if code := p.cmd.ProcessState.ExitCode(); code != 1 {
				t.Fatalf("exit %v (code %d), want 1", err, code)
			}
			p.exited <- err // for the cleanup
		case <-time.After(10 * time.Second):
			t.Fatal("the process did not exit after the init error")
		}
		if rt.nexts.Load() != 0 {
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
		rt := newRuntimeAPI(b, 1)
		p := exec.Command(path)
		p.Env = []string{"AWS_LAMBDA_RUNTIME_API=" + rt.addr(), "AWS_REGION=eu-west-1",
			"SINK_KIND=http", "SINK_URL=" + sinkSrv.URL, "SINK_ALLOW_INSECURE=true"}
		start := time.Now()
		if err := p.Start(); err != nil {
			b.Fatalf("starting: %v", err)
		}
		select {
		case first := <-rt.firstNext:
			total += first.Sub(start)
		case <-time.After(10 * time.Second):
			b.Fatal("no /next within 10s")
		}
		p.Process.Kill()
		p.Wait()
		rt.srv.Close()
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms-to-first-next")
}
