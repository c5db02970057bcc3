package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
)

// routeFlags are the flags replay and backfill share.
type routeFlags struct {
	route   string
	config  string
	region  string
	dryRun  bool
	sinkURL string
	// keepAuth sends the route's credentials to --sink-url too.
	keepAuth bool
	verbose  bool
}

func (f *routeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.route, "route", "", "the configuration's route `NAME` whose rule and forwarder to use (required)")
	fs.StringVar(&f.config, "config", defaultConfigFile, "the CDK app's configuration `FILE` (cdk.json, context key \"cognito-events\")")
	fs.StringVar(&f.region, "region", "", "one of the configuration's `REGION`s: the forwarder's AWS_REGION (default the first)")
	fs.BoolVar(&f.dryRun, "dry-run", false, "list the records that would be sent; send nothing")
	fs.StringVar(&f.sinkURL, "sink-url", "", "deliver to `URL` instead of an HTTP route's sink URL (or a log route's log), without the route's authentication and headers; http:// is allowed on a loopback host")
	fs.BoolVar(&f.keepAuth, "keep-auth", false, "send the route's authentication and headers to --sink-url too (https only)")
	fs.BoolVar(&f.verbose, "verbose", false, "write the forwarder's own JSON log lines to standard error")
}

// setup loads the route and, unless in a dry run, builds its forwarder.
// The exit code is non-zero when it failed, after saying why on stderr.
func (f *routeFlags) setup(ctx context.Context, cmd string, stderr io.Writer) (*pipeline, int) {
	if f.route == "" {
		fmt.Fprintf(stderr, "%s: --route is required\n", cmd)
		return nil, exitUsage
	}
	t, err := loadRoute(f.config, f.route, f.region)
	if err != nil {
		return nil, setupFailed(cmd, err, stderr)
	}
	p := &pipeline{target: t}
	opts := sinkOptions{Override: sinkOverride{URL: f.sinkURL, KeepAuth: f.keepAuth}, Notice: stderr}
	if f.verbose {
		opts.Log = stderr
	}
	if f.dryRun {
		// Check the forwarder's configuration, as a real run would, but
		// read no secret and build no client.
		if _, _, err := t.forwarderConfig(opts); err != nil {
			return nil, setupFailed(cmd, err, stderr)
		}
		return p, exitOK
	}
	if p.h, err = t.newForwarder(ctx, opts); err != nil {
		return nil, setupFailed(cmd, err, stderr)
	}
	return p, exitOK
}

func setupFailed(cmd string, err error, stderr io.Writer) int {
	fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
	if errors.Is(err, errUsage) {
		return exitUsage
	}
	return exitFailures
}

func runReplay(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f routeFlags
	f.register(fs)
	all := fs.Bool("all", false, "also send records the route's rule would not match")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: cognito-events replay --route NAME [--config cdk.json] [--region R] [--dry-run] [--all] [--sink-url URL [--keep-auth]] [--verbose] [FILE...]

Sends CloudTrail records through one route of the CDK app, as if they had
just happened: each record (an EventBridge envelope, or a bare CloudTrail
record, which is wrapped as EventBridge wraps it) is matched against the
route's rule pattern, and each matched one is handed to the route's
forwarder, built from the route's configuration with the forwarder's own
code (normaliser, sink, authentication, retries). Records the rule would not
match are reported and not sent, unless --all is given. FILE holds a JSON
object, an array of them, or JSON lines; standard input when no FILE is named.

The CloudEvent id is the record's eventID, as in the deployed function, so a
replay delivers the same ids again: sinks that de-duplicate by id see no
duplicates, and replaying is safe to repeat.

--sink-url sends to another endpoint than the route's (an HTTP or log route only),
for example a local "cognito-events sink"; http:// is allowed on loopback.
A test endpoint gets no production credentials: the route's authentication
and static headers are not sent there (standard error says so), unless
--keep-auth is given, which needs an https:// URL.

One line per record on standard output (delivered, skipped, unmatched,
failed, or would-send in a dry run, with the event id and eventName), then a
summary. Exit status: 0 when nothing failed, 1 when a record failed or was
malformed, 2 on a usage error (an unknown route lists the known ones).

Flags:
`)
		fs.PrintDefaults()
	}
	if code, stop := parseFlags(fs, args); stop {
		return code
	}
	ctx := context.Background()
	p, code := f.setup(ctx, "replay", stderr)
	if code != exitOK {
		return code
	}
	p.all = *all

	// One line per record, buffered; flushed when an input fails and at
	// the end.
	out := bufio.NewWriterSize(stdout, 64<<10)
	forEachRecord(fs.Args(), stdin, func(name string, rec inputRecord) {
		r := p.process(ctx, rec.data)
		fmt.Fprintln(out, r.line(fmt.Sprintf("%s: record %d, line %d", name, rec.index, rec.line)))
	}, func(name string, err error) {
		fmt.Fprintf(out, "%s\n", result{Outcome: outFailed, Note: err.Error()}.line(name))
		out.Flush()
		p.tally.add(outFailed)
	})
	fmt.Fprintf(out, "route %s (%s): %s\n", p.target.Name, p.target.Region, &p.tally)
	if err := out.Flush(); err != nil {
		fmt.Fprintf(stderr, "replay: writing output: %v\n", err)
		return exitFailures
	}
	if p.tally.Failed > 0 {
		return exitFailures
	}
	return exitOK
}
