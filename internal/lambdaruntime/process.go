package lambdaruntime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// EnvRuntimeAPI is the variable that tells a bootstrap where the Runtime
// API listens (host:port).
const EnvRuntimeAPI = "AWS_LAMBDA_RUNTIME_API"

// DefaultStopGrace is how long Stop waits after SIGTERM before SIGKILL.
// Lambda gives extensions 500 ms at shutdown; a bootstrap with no
// extension is usually gone within a few milliseconds.
const DefaultStopGrace = 2 * time.Second

// ErrExited wraps the close cause of a Start's server when the process
// exits; it wraps ErrClosed.
var ErrExited = fmt.Errorf("%w: the function's process exited", ErrClosed)

// ProcessOptions describe a bootstrap process.
type ProcessOptions struct {
	// Path is the bootstrap executable.
	Path string
	// RuntimeAPI is the Runtime API's host:port, given to the process as
	// AWS_LAMBDA_RUNTIME_API.
	RuntimeAPI string
	// Env is the process's whole environment besides
	// AWS_LAMBDA_RUNTIME_API: nothing is inherited from this process, as
	// in Lambda, where a function sees only its configuration.
	Env []string
	// Stdout and Stderr receive the process's output; nil discards it.
	Stdout, Stderr io.Writer
	// StopGrace is the wait between SIGTERM and SIGKILL; default
	// DefaultStopGrace.
	StopGrace time.Duration
}

// Process is a running bootstrap.
type Process struct {
	cmd      *exec.Cmd
	grace    time.Duration
	done     chan struct{}
	err      error // set before done is closed
	stopOnce sync.Once
}

// StartProcess starts the bootstrap. The caller must call Stop, on every
// path, so that no process outlives it.
func StartProcess(opts ProcessOptions) (*Process, error) {
	if opts.Path == "" {
		return nil, errors.New("starting bootstrap: no path")
	}
	if opts.RuntimeAPI == "" {
		return nil, fmt.Errorf("starting bootstrap %s: no runtime API address", opts.Path)
	}
	cmd := exec.Command(opts.Path)
	cmd.Env = append(append([]string{}, opts.Env...), EnvRuntimeAPI+"="+opts.RuntimeAPI)
	cmd.Stdout, cmd.Stderr = opts.Stdout, opts.Stderr
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting bootstrap %s: %w", opts.Path, err)
	}
	p := &Process{cmd: cmd, grace: opts.StopGrace, done: make(chan struct{})}
	if p.grace <= 0 {
		p.grace = DefaultStopGrace
	}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// Pid is the process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Done is closed when the process has exited and been reaped.
func (p *Process) Done() <-chan struct{} { return p.done }

// Err is the process's exit error (nil for exit status 0); valid once
// Done is closed.
func (p *Process) Err() error {
	<-p.done
	return p.err
}

// ExitCode is the exit status, or -1 when a signal ended the process;
// it waits for the exit.
func (p *Process) ExitCode() int {
	<-p.done
	return p.cmd.ProcessState.ExitCode()
}

// State is the process's state after exit (resource usage and so on); it
// waits for the exit.
func (p *Process) State() *os.ProcessState {
	<-p.done
	return p.cmd.ProcessState
}

// Stop ends the process: SIGTERM to its process group, then SIGKILL after
// the grace period, and waits until it is reaped. It returns the exit
// error unless the process ended because Stop signalled it. It is safe to
// call more than once and after the process exited by itself.
func (p *Process) Stop() error {
	signalled := false
	p.stopOnce.Do(func() {
		select {
		case <-p.done:
			return
		default:
		}
		signalled = true
		signalGroup(p.cmd.Process, syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(p.grace):
			signalGroup(p.cmd.Process, syscall.SIGKILL)
			<-p.done
		}
	})
	<-p.done
	var exit *exec.ExitError
	if signalled && errors.As(p.err, &exit) {
		return nil
	}
	return p.err
}

// FunctionOptions are the options of Start.
type FunctionOptions struct {
	Server  Options
	Process ProcessOptions // RuntimeAPI is filled in by Start
}

// Function is a bootstrap process running under its own Runtime API on a
// loopback port: Invoke it, then Close it.
type Function struct {
	*Server
	Process *Process
	httpSrv *http.Server
	ln      net.Listener
	closed  sync.Once
}

// Start listens on 127.0.0.1:0, serves a Runtime API there and starts
// the bootstrap against it. When the process exits, waiting and later
// invocations fail with an error wrapping ErrExited and the exit status.
// ctx bounds only the start.
func Start(ctx context.Context, opts FunctionOptions) (*Function, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening for the runtime API: %w", err)
	}
	f := &Function{Server: NewServer(opts.Server), ln: ln}
	f.httpSrv = &http.Server{Handler: f.Server, ReadHeaderTimeout: 10 * time.Second}
	go f.httpSrv.Serve(ln)

	popts := opts.Process
	popts.RuntimeAPI = ln.Addr().String()
	f.Process, err = StartProcess(popts)
	if err != nil {
		f.httpSrv.Close()
		return nil, err
	}
	go func() {
		<-f.Process.Done()
		f.Server.Close(fmt.Errorf("%w (%v)", ErrExited, f.Process.cmd.ProcessState))
	}()
	return f, nil
}

// Addr is the Runtime API's host:port.
func (f *Function) Addr() string { return f.ln.Addr().String() }

// Close stops the process (see Process.Stop) and then the Runtime API.
// It returns the process's exit error, if it exited by itself with one.
func (f *Function) Close() error {
	var err error
	f.closed.Do(func() {
		err = f.Process.Stop()
		f.Server.Close(nil)
		f.httpSrv.Close()
	})
	return err
}
