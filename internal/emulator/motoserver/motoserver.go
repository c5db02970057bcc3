package motoserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Binary is the program started, looked up on PATH.
const Binary = "moto_server"

// Install says how to get moto_server.
const Install = `pip install "moto[server]"`

// Account is the account id moto answers with; Region is the region of
// Config.
const (
	Account = "123456789012"
	Region  = "us-east-1"
)

// Defaults of Options.
const (
	DefaultStartTimeout = 30 * time.Second
	DefaultStopGrace    = 2 * time.Second
)

// ErrNotInstalled is returned by Start when moto_server is not on PATH.
var ErrNotInstalled = errors.New(Binary + " is not on PATH (install it with " + Install + ")")

// Options configure Start.
type Options struct {
	// Output receives moto's own log lines; nil discards them (the last
	// ones are still quoted in a start error).
	Output io.Writer
	// StartTimeout bounds the wait for the server to answer; default
	// DefaultStartTimeout.
	StartTimeout time.Duration
	// StopGrace is the wait between SIGTERM and SIGKILL; default
	// DefaultStopGrace.
	StopGrace time.Duration
}

// Server is a running moto_server. Stop it on every path.
type Server struct {
	// URL is the endpoint, http://127.0.0.1:PORT.
	URL string

	cmd      *exec.Cmd
	grace    time.Duration
	done     chan struct{}
	stopOnce sync.Once
	tail     *tailWriter
}

// Installed reports whether moto_server is on PATH.
func Installed() bool {
	_, err := exec.LookPath(Binary)
	return err == nil
}

// Start starts moto_server on a free loopback port and waits until it
// answers. ctx bounds only the start.
func Start(ctx context.Context, opts Options) (*Server, error) {
	bin, err := exec.LookPath(Binary)
	if err != nil {
		return nil, ErrNotInstalled
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = DefaultStartTimeout
	}
	if opts.StopGrace <= 0 {
		opts.StopGrace = DefaultStopGrace
	}
	tail := &tailWriter{max: 2048}
	out := io.Writer(tail)
	if opts.Output != nil {
		out = io.MultiWriter(tail, opts.Output)
	}
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", Binary, err)
	}
	s := &Server{URL: "http://127.0.0.1:" + strconv.Itoa(port), cmd: cmd, grace: opts.StopGrace, done: make(chan struct{}), tail: tail}
	go func() {
		_ = cmd.Wait()
		close(s.done)
	}()
	if err := s.wait(ctx, opts.StartTimeout); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// wait polls GET /moto-api/ until it answers, the process exits, ctx ends
// or the timeout passes.
func (s *Server) wait(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/moto-api/", nil)
		if err != nil {
			return fmt.Errorf("waiting for %s: %w", Binary, err)
		}
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-s.done:
			return fmt.Errorf("waiting for %s at %s: it exited: %s", Binary, s.URL, s.tail.String())
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s at %s: %w", Binary, s.URL, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Pid is the server's process id.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Stop ends the server and its process group (SIGTERM, then SIGKILL after
// the grace period) and waits until it is reaped. It is safe to call more
// than once.
func (s *Server) Stop() {
	s.stopOnce.Do(func() {
		select {
		case <-s.done:
			return
		default:
		}
		signalGroup(s.cmd.Process, syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(s.grace):
			signalGroup(s.cmd.Process, syscall.SIGKILL)
		}
	})
	<-s.done
}

// Reset clears every emulated service's state.
func (s *Server) Reset(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/moto-api/reset", nil)
	if err != nil {
		return fmt.Errorf("resetting %s: %w", Binary, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("resetting %s: %w", Binary, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("resetting %s: HTTP %d", Binary, resp.StatusCode)
	}
	return nil
}

// Config is an AWS SDK configuration for the server: fixed test
// credentials (moto accepts any), Region, and the server as the
// BaseEndpoint of every client. Nothing is read from the environment, so
// no real credential is ever sent to the emulator.
func (s *Server) Config() aws.Config {
	return aws.Config{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(s.URL),
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tailWriter keeps the last max bytes written, for error messages.
type tailWriter struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailWriter) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailWriter) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := strings.TrimSpace(string(t.b))
	if s == "" {
		return "no output"
	}
	return s
}
