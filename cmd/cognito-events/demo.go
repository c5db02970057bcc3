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
	"slices"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/cognito-events/cognito-events/internal/cesink"
)

// The demo command is four files: demo.go (flags, the run over the routes,
// the summary), demo_route.go (the routes and their functions, read from
// the templates by internal/routes, and each forwarder's environment),
// demo_run.go (starting a forwarder and invoking it, once per event or with
// SQS batches) and demo_fixtures.go (the events replayed, output helpers);
// demo_sync.go and demo_sync_pool.go are its user-sync step (--sync).
// It stays in package main rather than an internal/demo package: only this
// command runs it, and its tests drive it through the CLI as make demo does;
// what other code needs (reading templates, matching, the Runtime API, the
// sink) is already in shared packages.

const demoUsage = `Usage: cognito-events demo [--templates DIR] [--bootstrap FILE] [--fixtures DIR] [--logs FILE] [--sync auto|off]

Runs the whole pipeline locally, with no AWS account: for each route's rule
in the synthesized CloudFormation templates (DIR/*.template.json, written by
"make synth"), it starts the real forwarder bootstrap under a local Lambda
Runtime API with the environment the template gives the route's function,
replays every event in the fixtures directory through the rule as
EventBridge would (events of the rule's region only; the rule's event
pattern; read-only calls only in state
ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS), invokes the forwarder with the
matched ones (an SQS batch for a buffered route) and prints what a local
CloudEvents sink receives, then a summary per route.

The demo sends every route to the local sink: it replaces the function's
SINK_* variables (except SINK_HTTP_MODE and SINK_TIMEOUT) with SINK_KIND=http,
SINK_URL=http://127.0.0.1:PORT/ROUTE/REGION, SINK_ALLOW_INSECURE=true and
SINK_AUTH=none, and keeps every other variable as synthesized.

Then, with --sync auto (the default) and moto_server on PATH, the user
sync: it starts moto_server (an AWS emulator) on a loopback port, seeds a
pool of 5 users, runs the sync into a local CloudEvents sink (UserCreated),
disables, updates and deletes users, runs it again (UserUpdated,
UserDeleted) and once more (nothing), and stops moto. Without moto_server
it says how to install it and leaves the step out.

"make demo" builds the bootstrap for this machine, synthesizes the app and
runs this command. Exit status: 0 every matched event delivered or skipped
and the sink received exactly the delivered ones (and the user sync, when
it ran, sent what it should), 1 anything else,
2 usage error.

Flags:
`

// Defaults of the demo's flags, as "make demo" runs it.

const (
	defaultDemoTemplates = "cdk.out"
	defaultDemoBootstrap = "build/demo/forwarder/bootstrap"
	defaultDemoFixtures  = "testdata/envelopes"
)

// demoOptions are the demo's flags.
type demoOptions struct {
	Templates string
	Bootstrap string
	Fixtures  string
	// Logs receives the forwarders' own log lines and metrics; nil keeps
	// them, and shows a failed route's last lines.
	Logs io.Writer
}

func runDemo(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts demoOptions
	var logs string
	fs.StringVar(&opts.Templates, "templates", defaultDemoTemplates, "`DIR` of the synthesized templates (cdk.out)")
	fs.StringVar(&opts.Bootstrap, "bootstrap", defaultDemoBootstrap, "forwarder bootstrap `FILE` built for this machine")
	fs.StringVar(&opts.Fixtures, "fixtures", defaultDemoFixtures, "`DIR` of EventBridge envelopes (or bare CloudTrail records) to replay, *.json")
	fs.StringVar(&logs, "logs", "", "write the forwarders' log lines and metrics to `FILE` (default: show only a failed route's)")
	syncMode := demoSyncAuto
	fs.Var(&syncMode, "sync", "`MODE` auto: then run the user sync against moto_server when it is on PATH (else say how to get it); off: leave it out")
	fs.Usage = func() {
		fmt.Fprint(stderr, demoUsage)
		fs.PrintDefaults()
	}
	if code, stop := parseFlags(fs, args); stop {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "demo: unexpected arguments %q\n", fs.Args())
		fs.Usage()
		return exitUsage
	}
	if logs != "" {
		f, err := os.Create(logs)
		if err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return exitFailures
		}
		defer f.Close()
		opts.Logs = f
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	summary, err := demo(ctx, opts, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitFailures
	}
	if !summary.ok() {
		fmt.Fprintln(stderr, "demo: some events were not delivered as expected (see above)")
		return exitFailures
	}
	return runDemoSyncStep(ctx, syncMode, stdout, stderr)
}

// demoCount is one route's line of the summary.
type demoCount struct {
	Route     *demoRoute
	Matched   int
	Delivered int
	Skipped   int
	Failed    int
	Received  int // by the local sink
	// DeliveredIDs are the ids of the events the forwarder delivered.
	DeliveredIDs []string
	// ReceivedIDs are the ids of the events the local sink received.
	ReceivedIDs []string
	sent        int // SQS messages sent, for their ids
	// Problems are what went wrong beyond counted failures: an init
	// error, a mismatch between deliveries and the sink.
	Problems []string
}

// demoSummary is the demo's result.
type demoSummary struct {
	Routes []demoCount
	Events int // fixtures replayed
}

func (s demoSummary) ok() bool {
	for _, c := range s.Routes {
		if c.Failed > 0 || len(c.Problems) > 0 || c.Delivered != c.Received {
			return false
		}
	}
	return true
}

// demoFixture is one event to replay.
type demoFixture struct {
	Name     string
	Envelope []byte
	// Region is the envelope's region: only the rules of that region's
	// default bus see the event.
	Region string
}

// demo runs the demo and prints to stdout. An error means it could not
// run at all; the summary says how the events fared.
func demo(ctx context.Context, opts demoOptions, stdout io.Writer) (demoSummary, error) {
	routes, err := demoRoutes(opts.Templates)
	if err != nil {
		return demoSummary{}, err
	}
	fixtures, err := demoFixtures(opts.Fixtures)
	if err != nil {
		return demoSummary{}, err
	}
	if _, err := os.Stat(opts.Bootstrap); err != nil {
		return demoSummary{}, fmt.Errorf("finding the forwarder bootstrap: %w (build it for this machine: make demo)", err)
	}

	out := &lockedWriter{w: stdout}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return demoSummary{}, fmt.Errorf("listening for the local sink: %w", err)
	}
	sinkURL := "http://" + ln.Addr().String()
	// One receiver per route, at its own path, so that each route's count
	// is its own.
	sinks := make([]*cesink.Receiver, len(routes))
	byPath := map[string]*cesink.Receiver{}
	for i := range routes {
		if _, dup := byPath[routes[i].sinkPath()]; dup {
			return demoSummary{}, fmt.Errorf("reading templates: two rules of route %q in region %q", routes[i].Rule.Name, routes[i].Rule.Region)
		}
		sinks[i] = cesink.New(cesink.Options{Out: out})
		byPath[routes[i].sinkPath()] = sinks[i]
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rcv, ok := byPath[r.URL.EscapedPath()]; ok {
			rcv.ServeHTTP(w, r)
			return
		}
		http.NotFound(w, r)
	}), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	fmt.Fprintf(out, "cognito-events demo: %d events from %s through the %d route(s) of %s\n", len(fixtures), opts.Fixtures, len(routes), opts.Templates)
	fmt.Fprintf(out, "Local CloudEvents sink: %s. The demo sends every route to it: each forwarder runs with SINK_KIND=http, SINK_URL=%s/ROUTE/REGION, SINK_ALLOW_INSECURE=true, SINK_AUTH=none instead of its configured sink.\n", sinkURL, sinkURL)

	summary := demoSummary{Events: len(fixtures)}
	for i := range routes {
		if err := ctx.Err(); err != nil {
			return summary, fmt.Errorf("demo interrupted: %w", err)
		}
		r := &routes[i]
		c, err := demoRunRoute(ctx, r, fixtures, sinkURL+r.sinkPath(), opts, out)
		c.Received = sinks[i].Count()
		demoCheckSink(&c, sinks[i])
		summary.Routes = append(summary.Routes, c)
		if err != nil {
			return summary, err
		}
	}
	demoPrintSummary(out, summary)
	return summary, nil
}

// demoCheckSink records a problem unless the sink received exactly the
// events the forwarder reported delivered.
func demoCheckSink(c *demoCount, sink *cesink.Receiver) {
	var got []string
	for _, ev := range sink.Events() {
		got = append(got, ev.Event.ID())
	}
	slices.Sort(got)
	c.ReceivedIDs = got
	want := slices.Clone(c.DeliveredIDs)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		c.Problems = append(c.Problems, fmt.Sprintf("the forwarder reported %d deliveries %v; the sink received %d events %v", len(want), want, len(got), got))
	}
}

func demoPrintSummary(w io.Writer, s demoSummary) {
	fmt.Fprintf(w, "\nSummary (%d events replayed):\n", s.Events)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "route\tregion\trule state\tmatched\tdelivered\tskipped\tfailed\tsink received")
	for _, c := range s.Routes {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\n", c.Route.Rule.Name, c.Route.Rule.Region, c.Route.Rule.State, c.Matched, c.Delivered, c.Skipped, c.Failed, c.Received)
	}
	tw.Flush()
	for _, c := range s.Routes {
		for _, p := range c.Problems {
			fmt.Fprintf(w, "route %s: %s\n", c.Route.key(), p)
		}
	}
}
