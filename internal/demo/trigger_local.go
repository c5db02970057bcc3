package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/cognito-events/cognito-events/internal/lambdaruntime"
)

// The local stand-ins of demo-triggers: cognito-local (the user pool, a
// Node.js emulator that calls triggers through Lambda's Invoke API, served
// by lambdaruntime.InvokeAPI in front of the trigger bootstrap) and the
// trigger queue. internal/emulator/cognitolocal starts cognito-local for
// tests (it takes a testing.TB); the command starts its own.

// demoConfirmationCode is the code cognito-local sends for every
// confirmation (its CODE variable).
const demoConfirmationCode = "123456"

// cognitoLocal is a running cognito-local server.
type cognitoLocal struct {
	URL string
	cmd *exec.Cmd
}

// startCognitoLocal starts cognito-local from pkgDir (tools/emulators/
// node_modules/cognito-local) in a fresh directory under work, its triggers calling
// function through the Invoke API at invokeURL, and waits for /health.
func startCognitoLocal(ctx context.Context, pkgDir, work, invokeURL, function string, triggers []string, logs io.Writer) (*cognitoLocal, error) {
	start, err := filepath.Abs(filepath.Join(pkgDir, "lib", "bin", "start.js"))
	if err != nil {
		return nil, fmt.Errorf("finding cognito-local: %w", err)
	}
	if _, err := os.Stat(start); err != nil {
		return nil, fmt.Errorf("finding cognito-local: %w (run npm ci)", err)
	}
	fns := map[string]string{}
	for _, t := range triggers {
		fns[t] = function
	}
	cfg := map[string]any{
		"LambdaClient": map[string]any{
			"endpoint":    invokeURL,
			"region":      "local",
			"credentials": map[string]string{"accessKeyId": "local", "secretAccessKey": "local"},
		},
		"TriggerFunctions": fns,
		"UserPoolDefaults": map[string]any{"UsernameAttributes": []string{}},
	}
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding cognito-local's configuration: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(work, ".cognito"), 0o755); err != nil {
		return nil, fmt.Errorf("creating cognito-local's directory: %w", err)
	}
	if err := os.WriteFile(filepath.Join(work, ".cognito", "config.json"), b, 0o644); err != nil {
		return nil, fmt.Errorf("writing cognito-local's configuration: %w", err)
	}
	port, err := demoFreePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("node", start)
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "PORT="+strconv.Itoa(port), "HOST=127.0.0.1", "CODE="+demoConfirmationCode)
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting cognito-local: %w", err)
	}
	c := &cognitoLocal{URL: "http://127.0.0.1:" + strconv.Itoa(port), cmd: cmd}
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.URL+"/health", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			return c, nil
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			c.Stop()
			return nil, fmt.Errorf("waiting for cognito-local at %s: %w", c.URL, errors.Join(ctx.Err(), err))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Stop ends cognito-local and its children.
func (c *cognitoLocal) Stop() {
	if c.cmd.Process != nil {
		_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
		_ = c.cmd.Wait()
	}
}

func demoFreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// countingInvoker is the trigger function as the Invoke API front
// (lambdaruntime.InvokeAPI) runs it, counting the invocations by trigger
// source.
type countingInvoker struct {
	fn lambdaruntime.Invoker

	mu      sync.Mutex
	sources []string // triggerSource of each invocation, in order
	errors  int
}

var _ lambdaruntime.Invoker = (*countingInvoker)(nil)

// Invoke runs the function and counts the invocation.
func (c *countingInvoker) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	var p struct {
		TriggerSource string `json:"triggerSource"`
	}
	_ = json.Unmarshal(payload, &p) // only for the count; the function reads the payload itself
	out, err := c.fn.Invoke(ctx, payload)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sources = append(c.sources, p.TriggerSource)
	if err != nil {
		c.errors++
	}
	return out, err
}

// invoked returns the trigger sources invoked and the failed count.
func (c *countingInvoker) invoked() ([]string, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.sources...), c.errors
}

// demoQueue stands in for the trigger queue: the trigger function's HTTP
// sink in structured mode posts each event's JSON here, which is the body
// the SQS sink would send.
type demoQueue struct {
	mu     sync.Mutex
	bodies [][]byte
}

func (q *demoQueue) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 256<<10))
	if err != nil || r.Method != http.MethodPost {
		http.Error(w, "want a POSTed event", http.StatusBadRequest)
		return
	}
	q.mu.Lock()
	q.bodies = append(q.bodies, body)
	q.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

func (q *demoQueue) drain() [][]byte {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.bodies
	q.bodies = nil
	return out
}

// demoServe serves h on a loopback port until ctx ends; it returns the
// base URL.
func demoServe(ctx context.Context, h http.Handler) (string, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("listening on loopback: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	return "http://" + ln.Addr().String(), nil
}
