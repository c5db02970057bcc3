package moto

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Binary is the program started.
const Binary = "moto_server"

// Account is the account id moto answers with.
const Account = "123456789012"

// Region is the region the helpers' configuration uses.
const Region = "us-east-1"

// Install says how to get moto_server.
const Install = `pip install "moto[server]"`

// Server is a running moto_server.
type Server struct {
	// URL is the endpoint, http://127.0.0.1:PORT.
	URL string
	cmd *exec.Cmd
}

var (
	once   sync.Once
	shared *Server
	errRun error
)

// Shared returns the test binary's moto server, starting it on first use.
// It skips tb when moto_server is not on PATH, or fails it under CI=true.
func Shared(tb testing.TB) *Server {
	tb.Helper()
	if _, err := exec.LookPath(Binary); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%s is not on PATH (CI=true, so this fails instead of skipping): install it with %s", Binary, Install)
		}
		tb.Skipf("%s is not on PATH: install it with %s to run this test", Binary, Install)
	}
	once.Do(func() { shared, errRun = start() })
	if errRun != nil {
		tb.Fatalf("starting %s: %v", Binary, errRun)
	}
	return shared
}

// Main runs the tests and stops the shared server: call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	StopShared()
	os.Exit(code)
}

// StopShared stops the shared server if one was started; a TestMain that
// has other cleanup to do calls it after m.Run instead of Main.
func StopShared() {
	if shared != nil {
		shared.Stop()
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func start() (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("finding a free port: %w", err)
	}
	cmd := exec.Command(Binary, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{URL: "http://127.0.0.1:" + strconv.Itoa(port), cmd: cmd}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(s.URL + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return s, nil
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("waiting for %s: not answering after 30s: %w", s.URL, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Stop ends the server.
func (s *Server) Stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
	}
}

// Reset clears every service's state.
func (s *Server) Reset(tb testing.TB) {
	tb.Helper()
	resp, err := http.Post(s.URL+"/moto-api/reset", "application/json", nil)
	if err != nil {
		tb.Fatalf("resetting moto: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("resetting moto: HTTP %d", resp.StatusCode)
	}
}

// Config is an AWS SDK configuration for the server: static credentials,
// Region, the endpoint as BaseEndpoint of every client.
func (s *Server) Config() aws.Config {
	return aws.Config{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(s.URL),
	}
}

// Retry calls f until it succeeds, up to 5 times, for the client-side
// connection failures moto causes now and then; ok tells an error that
// means the call worked (such as "already exists" after a retried
// create).
func Retry(tb testing.TB, what string, f func(context.Context) error, ok func(error) bool) {
	tb.Helper()
	var err error
	for range 5 {
		if err = f(context.Background()); err == nil || (ok != nil && ok(err)) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatalf("%s: %v", what, err)
}

// IsExists reports an error whose code says the thing already exists.
func IsExists(err error) bool {
	var ae interface{ ErrorCode() string }
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "UsernameExistsException", "ResourceInUseException", "AliasExistsException":
			return true
		}
	}
	return false
}
