package doccheck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// blockTimeout bounds one documented block: the CLI's commands on the
// fixtures take well under a second each.
const blockTimeout = 60 * time.Second

// TestDocumentedCommands runs every fenced block marked
// <!-- doc-test: run --> in README.md and docs/*.md, in order, with a
// fresh build of the CLI first on PATH (go run ./cmd/cognito-events is
// rewritten to it), in a temporary directory that links the repository's
// files (so commands see cdk.json and testdata/ and what they write stays
// there), without AWS credentials. It checks the exit status (0, or the
// marker's exit=N) and, in the "$ command" form, that the output the doc
// shows is printed, ids, times, durations and ports aside.
func TestDocumentedCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the documented commands: not in -short")
	}
	_, blocks, _ := parsedDocs(t)
	var run []Block
	for _, b := range blocks {
		if b.Marker != nil && b.Marker.Kind == Run {
			run = append(run, b)
		}
	}
	if len(run) == 0 {
		t.Fatal("no block is marked <!-- doc-test: run -->: the parser is broken or the markers are gone")
	}
	bin := filepath.Dir(cliBinary(t))
	work := linkedCheckout(t)
	env := cleanEnv(bin)
	for _, b := range run {
		for i, s := range b.Steps() {
			name := strings.ReplaceAll(b.Where(), "/", "_")
			if len(b.Steps()) > 1 {
				name += "_" + string(rune('a'+i))
			}
			t.Run(name, func(t *testing.T) {
				stdout, stderr, code, err := runShell(t, work, env, Rewrite(s.Command))
				if err != nil {
					t.Fatalf("%s: running %q: %v", b.Where(), s.Command, err)
				}
				if code != b.Marker.Exit {
					t.Errorf("%s: %q exited %d, the doc expects %d\nstdout:\n%s\nstderr:\n%s", b.Where(), s.Command, code, b.Marker.Exit, clip(stdout), clip(stderr))
				}
				if err := CheckOutput(s.Want, stdout, stderr); err != nil {
					t.Errorf("%s: %q: %v\nstdout:\n%s\nstderr:\n%s", b.Where(), s.Command, err, clip(stdout), clip(stderr))
				}
			})
		}
	}
}

var (
	buildOnce sync.Once
	builtCLI  string
	buildErr  error
	buildDir  string
)

// TestMain removes the CLI the tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// cliBinary builds the CLI once per test binary, fresh from the checkout,
// and returns its path (its folder holds nothing else).
func cliBinary(tb testing.TB) string {
	tb.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "doccheck-cli-")
		if buildErr != nil {
			return
		}
		builtCLI = filepath.Join(buildDir, "cognito-events")
		build := exec.Command("go", "build", "-o", builtCLI, "./cmd/cognito-events")
		build.Dir = root
		if out, err := build.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("%w\n%s", err, out)
		}
	})
	if buildErr != nil {
		tb.Fatalf("building the CLI: %v", buildErr)
	}
	return builtCLI
}

// linkedCheckout makes a temporary directory holding a symbolic link to
// each top-level entry of the repository, build outputs aside.
func linkedCheckout(t *testing.T) string {
	t.Helper()
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatalf("resolving the repository: %v", err)
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		t.Fatalf("listing the repository: %v", err)
	}
	work := t.TempDir()
	for _, e := range entries {
		switch e.Name() {
		case ".git", "build", "cdk.out", "node_modules":
			continue
		}
		if err := os.Symlink(filepath.Join(abs, e.Name()), filepath.Join(work, e.Name())); err != nil {
			t.Fatalf("linking %s: %v", e.Name(), err)
		}
	}
	return work
}

// cleanEnv is the test's environment without AWS settings, with bin first
// on PATH.
func cleanEnv(bin string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "AWS_") || strings.HasPrefix(kv, "PATH=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "AWS_EC2_METADATA_DISABLED=true", "NO_COLOR=1")
}

// runShell runs a script with bash in its own process group, output to
// files (so a background job cannot hold the run open), and kills the
// group when the script ends or the timeout passes.
func runShell(t *testing.T, dir string, env []string, script string) (stdout, stderr string, code int, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), blockTimeout)
	defer cancel()
	outF, err := os.CreateTemp(t.TempDir(), "stdout")
	if err != nil {
		return "", "", 0, err
	}
	defer outF.Close()
	errF, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		return "", "", 0, err
	}
	defer errF.Close()
	cmd := exec.Command("bash", "-o", "pipefail", "-c", script)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, outF, errF
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return "", "", 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var waitErr error
	select {
	case waitErr = <-done:
	case <-ctx.Done():
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		return "", "", 0, errors.New("timed out after " + blockTimeout.String())
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	var exit *exec.ExitError
	switch {
	case waitErr == nil:
	case errors.As(waitErr, &exit):
		code = exit.ExitCode()
	default:
		return "", "", 0, waitErr
	}
	o, err := os.ReadFile(outF.Name())
	if err != nil {
		return "", "", 0, err
	}
	e, err := os.ReadFile(errF.Name())
	if err != nil {
		return "", "", 0, err
	}
	return string(o), string(e), code, nil
}

// clip shortens output for a failure message.
func clip(s string) string {
	const max = 4000
	if len(s) > max {
		return s[:max] + fmt.Sprintf("\n[... %d more bytes]", len(s)-max)
	}
	return string(bytes.TrimRight([]byte(s), "\n"))
}
