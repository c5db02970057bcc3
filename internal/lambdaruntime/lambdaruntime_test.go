package lambdaruntime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cognito-events/cognito-events/internal/lambdaruntime/lambdatest"
)

// testBootstrap builds testdata/bootstrap (aws-lambda-go) once per test
// binary.
func testBootstrap(tb testing.TB) string {
	tb.Helper()
	if testing.Short() {
		tb.Skip("builds and runs a bootstrap binary")
	}
	return lambdatest.Build(tb, "testdata/bootstrap")
}

func TestMain(m *testing.M) { lambdatest.Main(m) }

// start runs the test bootstrap under Start and closes it at cleanup.
func start(tb testing.TB, sopts Options, env ...string) (*Function, *bytes.Buffer) {
	tb.Helper()
	var stderr syncBuffer
	f, err := Start(context.Background(), FunctionOptions{
		Server:  sopts,
		Process: ProcessOptions{Path: testBootstrap(tb), Env: env, Stderr: &stderr, StopGrace: 300 * time.Millisecond},
	})
	if err != nil {
		tb.Fatalf("Start: %v", err)
	}
	tb.Cleanup(func() { f.Close() })
	return f, &stderr.buf
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// gone reports whether no process has pid (reaped, or never existed).
func gone(pid int) bool {
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

type echoResponse struct {
	Echo        json.RawMessage
	RequestID   string
	ARN         string
	DeadlineSet bool
	Env         string
	Inherited   string
}

func TestInvoke(t *testing.T) {
	t.Setenv("LAMBDARUNTIME_PARENT", "must-not-leak")
	const arn = "arn:aws:lambda:eu-west-1:111122223333:function:demo"
	f, stderr := start(t, Options{FunctionARN: arn}, "DEMO_VALUE=from-env")
	ctx := context.Background()

	t.Run("response", func(t *testing.T) {
		out, err := f.Invoke(ctx, []byte(`{"echo": {"n": 1}}`))
		if err != nil {
			t.Fatalf("Invoke: %v\nstderr:\n%s", err, stderr)
		}
		var r echoResponse
		if err := json.Unmarshal(out, &r); err != nil {
			t.Fatalf("decoding %s: %v", out, err)
		}
		if string(r.Echo) != `{"n":1}` || r.ARN != arn || !r.DeadlineSet || r.Env != "from-env" || len(r.RequestID) != 36 {
			t.Fatalf("got %+v", r)
		}
		if r.Inherited != "" {
			t.Fatalf("the process inherited the parent's environment: %q", r.Inherited)
		}
	})

	t.Run("function error", func(t *testing.T) {
		_, err := f.Invoke(ctx, []byte(`{"fail": "boom"}`))
		var fe *FunctionError
		if !errors.As(err, &fe) {
			t.Fatalf("got %v, want a *FunctionError", err)
		}
		if fe.Type != "errorString" || fe.Message != "boom" || fe.RequestID == "" || !strings.Contains(err.Error(), "boom") {
			t.Fatalf("got %+v", fe)
		}
	})

	t.Run("concurrent invocations each get their own answer", func(t *testing.T) {
		const n = 8
		var wg sync.WaitGroup
		ids := make([]string, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				out, err := f.Invoke(ctx, fmt.Appendf(nil, `{"echo": %d}`, i))
				var r echoResponse
				if err == nil {
					err = json.Unmarshal(out, &r)
				}
				if err == nil && string(r.Echo) != strconv.Itoa(i) {
					err = fmt.Errorf("invocation %d answered %s", i, r.Echo)
				}
				ids[i], errs[i] = r.RequestID, err
			})
		}
		wg.Wait()
		seen := map[string]bool{}
		for i := range n {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if seen[ids[i]] {
				t.Fatalf("request id %s used twice", ids[i])
			}
			seen[ids[i]] = true
		}
	})

	t.Run("context cancelled while waiting; the late answer is dropped", func(t *testing.T) {
		cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		_, err := f.Invoke(cctx, []byte(`{"sleep": "300ms", "echo": "late"}`))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v, want context.DeadlineExceeded", err)
		}
		out, err := f.Invoke(ctx, []byte(`{"echo": "next"}`))
		if err != nil || !strings.Contains(string(out), `"echo":"next"`) {
			t.Fatalf("the invocation after an abandoned one: %s %v\nstderr:\n%s", out, err, stderr)
		}
	})

	t.Run("process exit fails the invocation and every later one", func(t *testing.T) {
		_, err := f.Invoke(ctx, []byte(`{"exit": 3}`))
		if !errors.Is(err, ErrExited) || !errors.Is(err, ErrClosed) || !strings.Contains(err.Error(), "exit status 3") {
			t.Fatalf("got %v, want ErrExited with exit status 3", err)
		}
		if _, err := f.Invoke(ctx, []byte(`{"echo": 1}`)); !errors.Is(err, ErrExited) {
			t.Fatalf("after exit: got %v", err)
		}
		if code := f.Process.ExitCode(); code != 3 {
			t.Fatalf("exit code %d", code)
		}
		if err := f.Close(); err == nil {
			t.Fatal("Close after a failed exit returned no error")
		}
	})
}

func TestInvokeTimeout(t *testing.T) {
	f, _ := start(t, Options{Timeout: 100 * time.Millisecond})
	_, err := f.Invoke(context.Background(), []byte(`{"sleep": "2s"}`))
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("got %v, want ErrTimeout", err)
	}
}

func TestInitError(t *testing.T) {
	f, _ := start(t, Options{}, "INIT_ERROR=SINK_URL is required")
	select {
	case <-f.InitFailed():
	case <-time.After(10 * time.Second):
		t.Fatal("no init error within 10s")
	}
	ie := f.InitError()
	if ie == nil || ie.Type != "Runtime.ConfigError" || ie.HeaderType != "Runtime.ConfigError" || ie.Message != "SINK_URL is required" || ie.RequestID != "" {
		t.Fatalf("InitError = %+v", ie)
	}
	_, err := f.Invoke(context.Background(), []byte(`{}`))
	var fe *FunctionError
	if !errors.Is(err, ErrInitFailed) || !errors.As(err, &fe) || fe.Message != "SINK_URL is required" {
		t.Fatalf("Invoke after init error: %v", err)
	}
	if code := f.Process.ExitCode(); code != 1 {
		t.Fatalf("exit code %d, want 1", code)
	}
	if f.Nexts() != 0 {
		t.Fatalf("%d /next requests after an init error", f.Nexts())
	}
}

func TestStopLeavesNoProcess(t *testing.T) {
	tests := []struct {
		name  string
		env   []string
		child bool
	}{
		{"idle bootstrap, SIGTERM", nil, false},
		{"bootstrap ignoring SIGTERM, SIGKILL after the grace", []string{"IGNORE_SIGTERM=1"}, false},
		{"bootstrap with a child process", []string{"SPAWN_CHILD=1"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout syncBuffer
			f, err := Start(context.Background(), FunctionOptions{
				Process: ProcessOptions{Path: testBootstrap(t), Env: tt.env, Stdout: &stdout, StopGrace: 300 * time.Millisecond},
			})
			if err != nil {
				t.Fatalf("Start: %v", err)
			}
			defer f.Close()
			select {
			case <-f.Ready():
			case <-time.After(10 * time.Second):
				t.Fatal("the bootstrap never asked for an invocation")
			}
			pid := f.Process.Pid()
			var child int
			if tt.child {
				for end := time.Now().Add(5 * time.Second); child == 0 && time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
					fmt.Sscanf(stdout.String(), "child %d", &child)
				}
				if child == 0 {
					t.Fatalf("the bootstrap printed no child pid: %q", stdout.String())
				}
			}

			begin := time.Now()
			if err := f.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			took := time.Since(begin)
			if !gone(pid) {
				t.Fatalf("process %d still exists after Close", pid)
			}
			if child != 0 {
				deadline := time.Now().Add(5 * time.Second)
				for !childGone(child) {
					if time.Now().After(deadline) {
						t.Fatalf("child %d still running after Close", child)
					}
					time.Sleep(10 * time.Millisecond)
				}
			}
			if _, err := f.Invoke(context.Background(), []byte(`{}`)); !errors.Is(err, ErrClosed) {
				t.Fatalf("Invoke after Close: %v", err)
			}
			t.Logf("stopped in %v", took)
		})
	}
}

// childGone reports whether pid is gone or a zombie (its parent, the
// killed bootstrap, no longer reaps it; init will).
func childGone(pid int) bool {
	if gone(pid) {
		return true
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	_, after, _ := strings.Cut(string(stat), ") ")
	return strings.HasPrefix(after, "Z")
}

// TestServerProtocol drives the Runtime API over HTTP as a runtime would,
// without a process.
func TestServerProtocol(t *testing.T) {
	s := NewServer(Options{FunctionARN: "arn:aws:lambda:us-east-1:111122223333:function:f", Timeout: 5 * time.Second})
	srv := httptest.NewServer(s)
	defer srv.Close()
	base := srv.URL + PathPrefix

	post := func(t *testing.T, path, body string, hdr ...string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("POST %s: %v", path, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	next := func(t *testing.T) (http.Header, string) {
		t.Helper()
		resp, err := http.Get(base + "/invocation/next")
		if err != nil {
			t.Fatalf("GET next: %v", err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("next: %d %s", resp.StatusCode, b)
		}
		return resp.Header, string(b)
	}

	type result struct {
		out []byte
		err error
	}
	invoke := func(payload string) chan result {
		ch := make(chan result, 1)
		go func() {
			out, err := s.Invoke(context.Background(), []byte(payload))
			ch <- result{out, err}
		}()
		return ch
	}

	t.Run("next hands out the payload with the documented headers", func(t *testing.T) {
		ch := invoke(`{"a":1}`)
		hdr, body := next(t)
		id := hdr.Get(HeaderRequestID)
		deadline, err := strconv.ParseInt(hdr.Get(HeaderDeadline), 10, 64)
		if body != `{"a":1}` || id == "" || err != nil || hdr.Get(HeaderFunctionARN) != "arn:aws:lambda:us-east-1:111122223333:function:f" || !strings.HasPrefix(hdr.Get(HeaderTraceID), "Root=1-") {
			t.Fatalf("next: %v %s", hdr, body)
		}
		if left := time.Until(time.UnixMilli(deadline)); left < 4*time.Second || left > 5*time.Second {
			t.Fatalf("deadline %v away, want about 5s", left)
		}
		if code := post(t, "/invocation/"+id+"/response", `{"ok":true}`); code != http.StatusAccepted {
			t.Fatalf("response: %d", code)
		}
		if r := <-ch; r.err != nil || string(r.out) != `{"ok":true}` {
			t.Fatalf("Invoke: %s %v", r.out, r.err)
		}
		if code := post(t, "/invocation/"+id+"/response", `{}`); code != http.StatusBadRequest {
			t.Fatalf("second response for %s: %d, want 400", id, code)
		}
	})

	t.Run("unknown request id", func(t *testing.T) {
		if code := post(t, "/invocation/nope/response", `{}`); code != http.StatusBadRequest {
			t.Fatalf("got %d, want 400", code)
		}
		if code := post(t, "/invocation/nope/error", `{}`); code != http.StatusBadRequest {
			t.Fatalf("got %d, want 400", code)
		}
	})

	t.Run("error body that is not JSON is typed by the header", func(t *testing.T) {
		ch := invoke(`{}`)
		hdr, _ := next(t)
		if code := post(t, "/invocation/"+hdr.Get(HeaderRequestID)+"/error", "segfault", HeaderErrorType, "Runtime.ExitError"); code != http.StatusAccepted {
			t.Fatalf("error: %d", code)
		}
		r := <-ch
		var fe *FunctionError
		if !errors.As(r.err, &fe) || fe.Type != "Runtime.ExitError" || fe.Message != "segfault" {
			t.Fatalf("got %v", r.err)
		}
	})

	t.Run("too large a response is refused", func(t *testing.T) {
		ch := invoke(`{}`)
		hdr, _ := next(t)
		id := hdr.Get(HeaderRequestID)
		if code := post(t, "/invocation/"+id+"/response", strings.Repeat("x", MaxResponseSize+1)); code != http.StatusRequestEntityTooLarge {
			t.Fatalf("got %d, want 413", code)
		}
		post(t, "/invocation/"+id+"/response", `1`)
		if r := <-ch; string(r.out) != "1" {
			t.Fatalf("got %s %v", r.out, r.err)
		}
	})

	t.Run("close fails waiting invocations and ends next", func(t *testing.T) {
		ch := invoke(`{}`)
		cause := fmt.Errorf("%w: test", ErrClosed)
		time.Sleep(20 * time.Millisecond)
		s.Close(cause)
		if r := <-ch; !errors.Is(r.err, ErrClosed) {
			t.Fatalf("got %v", r.err)
		}
		resp, err := http.Get(base + "/invocation/next")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusGone {
			t.Fatalf("next after close: %d", resp.StatusCode)
		}
	})
}
