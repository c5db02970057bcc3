package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/cognito-events/cognito-events/internal/cesink"
)

// Defaults and limits of the sink command.
const (
	defaultSinkListen = "127.0.0.1:8080"
	// sinkShutdownTimeout bounds how long requests in flight may finish
	// after an interrupt.
	sinkShutdownTimeout = 5 * time.Second
)

func runSink(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return sinkMain(ctx, args, stdout, stderr)
}

// sinkMain runs the sink until ctx is done. It prints "listening on
// http://ADDR" first, so a caller that asked for port 0 learns the port.
func sinkMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sink", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", defaultSinkListen, "listen on `ADDR` (host:port; port 0 picks a free one)")
	outFile := fs.String("out", "", "append each event to `FILE` as a JSON line (structured mode)")
	status := fs.Int("status", cesink.DefaultStatus, "answer every well-formed event with HTTP status `CODE` (200-599; a 5xx makes senders retry)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: cognito-events sink [--listen ADDR] [--out FILE] [--status CODE]

Runs a local CloudEvents receiver (HTTP binding, binary and structured modes)
until interrupted (Ctrl-C, SIGTERM), and prints each event it receives: id,
type, source, subject, time, eventname, errorcode and the data, indented.
Requests that are not CloudEvents get 400 with the reason. Point a route's
forwarder or "cognito-events replay --sink-url" at it.
Exit status: 0 stopped by a signal, 1 could not listen or write, 2 usage error.

Flags:
`)
		fs.PrintDefaults()
	}
	if code, stop := parseFlags(fs, args); stop {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "sink: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if *status < 200 || *status > 599 {
		fmt.Fprintf(stderr, "sink: --status %d: want an HTTP status from 200 to 599\n", *status)
		return exitUsage
	}

	opts := cesink.Options{Out: stdout, Status: *status}
	if *outFile != "" {
		f, err := os.OpenFile(*outFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			fmt.Fprintf(stderr, "sink: opening --out file: %v\n", err)
			return exitFailures
		}
		defer f.Close()
		opts.Record = f
	}
	recv := cesink.New(opts)

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(stderr, "sink: listening on %s: %v\n", *listen, err)
		return exitFailures
	}
	srv := &http.Server{Handler: recv, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	code := exitOK
	select {
	case <-ctx.Done():
		shutdownCtx, cancel := context.WithTimeout(context.Background(), sinkShutdownTimeout)
		defer cancel()
		if err := srv.Shutdown(shutdownCtx); err != nil {
			fmt.Fprintf(stderr, "sink: shutting down: %v\n", err)
			code = exitFailures
		}
		<-served
	case err := <-served: // Serve stops on its own only on error
		fmt.Fprintf(stderr, "sink: serving: %v\n", err)
		code = exitFailures
	}
	n, noun := recv.Count(), "events"
	if n == 1 {
		noun = "event"
	}
	fmt.Fprintf(stdout, "sink stopped: %d %s received\n", n, noun)
	return code
}
