package demo

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/cognito-events/cognito-events/internal/cesink"
)

// Defaults of the demo's flags, as "make demo" runs it.

const (
	DefaultTemplates = "cdk.out"
	DefaultBootstrap = "build/demo/forwarder/bootstrap"
	DefaultFixtures  = "testdata/envelopes"
)

// Options are the demo's flags.
type Options struct {
	Templates string
	Bootstrap string
	Fixtures  string
	// Logs receives the functions' (and cognito-local's) own output; nil
	// keeps it, and shows a failed part's last lines.
	Logs io.Writer
	// Sync and Triggers say whether Run runs the user-sync and the
	// triggers steps after the routes ("" is Off).
	Sync, Triggers Mode
	// TriggerBootstrap and CognitoLocal are what the triggers step runs.
	TriggerBootstrap, CognitoLocal string
}

// RouteCount is one route's line of the summary.
type RouteCount struct {
	Route     *Route
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

// Summary is the demo's result.
type Summary struct {
	Routes []RouteCount
	Events int // fixtures replayed
}

func (s Summary) OK() bool {
	for _, c := range s.Routes {
		if c.Failed > 0 || len(c.Problems) > 0 || c.Delivered != c.Received {
			return false
		}
	}
	return true
}

// Fixture is one event to replay.
type Fixture struct {
	Name     string
	Envelope []byte
	// Region is the envelope's region: only the rules of that region's
	// default bus see the event.
	Region string
}

// Routes runs the routes part of the demo (the fixtures through each
// route's rule and forwarder) and prints each event to stdout, not the
// summary. An error means it could not run at all; the summary says how the
// events fared.
func Routes(ctx context.Context, opts Options, stdout io.Writer) (Summary, error) {
	routes, err := demoRoutes(opts.Templates)
	if err != nil {
		return Summary{}, err
	}
	fixtures, err := demoFixtures(opts.Fixtures)
	if err != nil {
		return Summary{}, err
	}
	if _, err := os.Stat(opts.Bootstrap); err != nil {
		return Summary{}, fmt.Errorf("finding the forwarder bootstrap: %w (build it for this machine: make demo)", err)
	}

	out := &lockedWriter{w: stdout}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return Summary{}, fmt.Errorf("listening for the local sink: %w", err)
	}
	sinkURL := "http://" + ln.Addr().String()
	// One receiver per route, at its own path, so that each route's count
	// is its own.
	sinks := make([]*cesink.Receiver, len(routes))
	byPath := map[string]*cesink.Receiver{}
	for i := range routes {
		if _, dup := byPath[routes[i].sinkPath()]; dup {
			return Summary{}, fmt.Errorf("reading templates: two rules of route %q in region %q", routes[i].Rule.Name, routes[i].Rule.Region)
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

	summary := Summary{Events: len(fixtures)}
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
	return summary, nil
}

// demoCheckSink records a problem unless the sink received exactly the
// events the forwarder reported delivered.
func demoCheckSink(c *RouteCount, sink *cesink.Receiver) {
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

// writeRouteTable writes one line per route and each route's problems.
func writeRouteTable(w io.Writer, s Summary) {
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
