package cognitolocal

import (
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
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// Fixed values of the emulator.
const (
	// Code is every confirmation and reset code it sends (CODE).
	Code = "123456"
	// Region is the region of its pools and of its trigger payloads.
	Region = "local"
	// startScript is its entry point below the repository root.
	startScript  = "tools/emulators/node_modules/cognito-local/lib/bin/start.js"
	readyTimeout = 30 * time.Second
	stopGrace    = 3 * time.Second
)

// Options configure Start.
type Options struct {
	// LambdaEndpoint is the Invoke API the triggers are called through
	// (lambdaruntime.InvokeFront.URL); empty calls no trigger.
	LambdaEndpoint string
	// TriggerFunctions maps a trigger (PreSignUp, PostConfirmation,
	// PostAuthentication, PreTokenGeneration, CustomMessage,
	// UserMigration) to the function name invoked.
	TriggerFunctions map[string]string
	// Output receives the emulator's stdout and stderr; nil discards.
	Output io.Writer
}

// Server is a running cognito-local.
type Server struct {
	// URL is its endpoint, http://127.0.0.1:<port>.
	URL string
	// Dir is its working folder, holding .cognito/.
	Dir  string
	cmd  *exec.Cmd
	done chan struct{}
}

// config is cognito-local's .cognito/config.json.
type config struct {
	LambdaClient struct {
		Endpoint    string            `json:"endpoint,omitempty"`
		Region      string            `json:"region"`
		Credentials map[string]string `json:"credentials"`
	} `json:"LambdaClient"`
	TriggerFunctions map[string]string `json:"TriggerFunctions"`
	UserPoolDefaults struct {
		UsernameAttributes []string `json:"UsernameAttributes"`
	} `json:"UserPoolDefaults"`
}

// Script returns the path of cognito-local's start script and node's, or
// the reason they cannot be used.
func Script(tb testing.TB) (script, node string, err error) {
	tb.Helper()
	root, err := repoRoot()
	if err != nil {
		return "", "", err
	}
	script = filepath.Join(root, filepath.FromSlash(startScript))
	if _, err := os.Stat(script); err != nil {
		return "", "", fmt.Errorf("cognito-local is not installed (%s missing): run make emulators (npm ci --ignore-scripts in tools/emulators)", startScript)
	}
	node, err = exec.LookPath("node")
	if err != nil {
		return "", "", fmt.Errorf("node is not on PATH: %w", err)
	}
	return script, node, nil
}

// Start runs cognito-local for the test and stops it at cleanup. It skips
// the test when cognito-local cannot run here, and fails it instead under
// CI=true.
func Start(tb testing.TB, opts Options) *Server {
	tb.Helper()
	script, node, err := Script(tb)
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("starting cognito-local: %v", err)
		}
		tb.Skipf("skipping: %v", err)
	}
	dir := tb.TempDir()
	var c config
	c.LambdaClient.Endpoint = opts.LambdaEndpoint
	c.LambdaClient.Region = Region
	c.LambdaClient.Credentials = map[string]string{"accessKeyId": "local", "secretAccessKey": "local"}
	c.TriggerFunctions = opts.TriggerFunctions
	if c.TriggerFunctions == nil {
		c.TriggerFunctions = map[string]string{}
	}
	c.UserPoolDefaults.UsernameAttributes = []string{}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		tb.Fatalf("writing cognito-local's configuration: %v", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, ".cognito"), 0o755); err != nil {
		tb.Fatalf("creating .cognito: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".cognito", "config.json"), b, 0o644); err != nil {
		tb.Fatalf("writing .cognito/config.json: %v", err)
	}
	port, err := freePort()
	if err != nil {
		tb.Fatalf("finding a port for cognito-local: %v", err)
	}
	cmd := exec.Command(node, script)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "PORT=" + strconv.Itoa(port), "HOST=127.0.0.1", "CODE=" + Code, "NODE_NO_WARNINGS=1"}
	out := opts.Output
	if out == nil {
		out = io.Discard
	}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("starting cognito-local: %v", err)
	}
	s := &Server{URL: "http://127.0.0.1:" + strconv.Itoa(port), Dir: dir, cmd: cmd, done: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(s.done)
	}()
	tb.Cleanup(s.stop)
	if err := s.waitReady(); err != nil {
		tb.Fatalf("starting cognito-local: %v", err)
	}
	return s
}

// waitReady polls /health until it answers 200.
func (s *Server) waitReady() error {
	deadline := time.Now().Add(readyTimeout)
	client := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return errors.New("the process exited before it was ready")
		default:
		}
		resp, err := client.Get(s.URL + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("not ready after %v", readyTimeout)
}

// stop ends the process group: SIGTERM, then SIGKILL after a grace.
func (s *Server) stop() {
	pid := s.cmd.Process.Pid
	syscall.Kill(-pid, syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(stopGrace):
		syscall.Kill(-pid, syscall.SIGKILL)
		<-s.done
	}
}

// Client returns a Cognito client of the AWS SDK pointed at the emulator,
// with static test credentials.
func (s *Server) Client() *cip.Client {
	return cip.New(cip.Options{
		Region:       Region,
		BaseEndpoint: aws.String(s.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
		Retryer:      aws.NopRetryer{},
	})
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// repoRoot is the nearest folder above the working directory holding
// go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("locating the repository: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("locating the repository: no go.mod above the working directory")
		}
		dir = parent
	}
}
