package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	lambdaevents "github.com/aws/aws-lambda-go/events"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/cesink"
	fwconfig "github.com/cognito-events/cognito-events/internal/forwarder/config"
	"github.com/cognito-events/cognito-events/internal/forwarder/handler"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime"
	"github.com/cognito-events/cognito-events/internal/pattern"
)

const demoUsage = `Usage: cognito-events demo [--templates DIR] [--bootstrap FILE] [--fixtures DIR] [--logs FILE]

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

"make demo" builds the bootstrap for this machine, synthesizes the app and
runs this command. Exit status: 0 every matched event delivered or skipped
and the sink received exactly the delivered ones, 1 anything else,
2 usage error.

Flags:
`

// Defaults of the demo's flags, as "make demo" runs it.
const (
	defaultDemoTemplates = "cdk.out"
	defaultDemoBootstrap = "build/demo/forwarder/bootstrap"
	defaultDemoFixtures  = "testdata/envelopes"
)

// Resource types and template keys the demo reads.
const (
	cfnTypeFunction     = "AWS::Lambda::Function"
	cfnTypeEventMapping = "AWS::Lambda::EventSourceMapping"
	cfnTypeQueue        = "AWS::SQS::Queue"
	cfnTypeRule         = "AWS::Events::Rule"
	templateSuffix      = ".template.json"
)

// demoKeptSinkVars are the SINK_* variables the demo keeps, because they
// mean the same for its local HTTP sink.
var demoKeptSinkVars = []string{fwconfig.EnvHTTPMode, fwconfig.EnvTimeout}

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
	return exitOK
}

// demoRoute is one route's rule and the function its target invokes, as
// the synthesized template has them.
type demoRoute struct {
	Rule     pattern.Route
	Template string // file name
	Function string // logical id
	Env      map[string]string
	// Buffered routes go through an SQS queue: the function gets SQS
	// batches of up to BatchSize messages.
	Buffered  bool
	BatchSize int
	Timeout   time.Duration
	LogFormat string
	LogLevel  string
	Memory    int
}

// key names the route in messages and orders the routes.
func (r *demoRoute) key() string { return r.Rule.Name + "/" + r.Rule.Region }

// sinkPath is the route's path on the local sink: /ROUTE/REGION.
func (r *demoRoute) sinkPath() string {
	return "/" + url.PathEscape(r.Rule.Name) + "/" + url.PathEscape(r.Rule.Region)
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

// demoRunRoute runs the route's forwarder and replays the fixtures
// through its rule. The error is set only when the demo was interrupted.
func demoRunRoute(ctx context.Context, r *demoRoute, fixtures []demoFixture, sinkURL string, opts demoOptions, out io.Writer) (demoCount, error) {
	c := demoCount{Route: r}
	mode := "invoked with each matched event"
	if r.Buffered {
		mode = fmt.Sprintf("buffered: invoked with SQS batches of up to %d", r.BatchSize)
	}
	fmt.Fprintf(out, "\n== route %s (region %s, rule %s, state %s; function %s, %s; configured sink %s)\n",
		r.Rule.Name, r.Rule.Region, r.Rule.Rule, r.Rule.State, r.Function, mode, orNone(r.Env[fwconfig.EnvSinkKind]))

	var matched []demoFixture
	otherRegion := 0
	for _, f := range fixtures {
		if r.Rule.Region != "" && f.Region != r.Rule.Region {
			otherRegion++
			continue
		}
		res, err := r.Rule.Match(f.Envelope)
		if err != nil {
			c.Problems = append(c.Problems, fmt.Sprintf("%s: %v", f.Name, err))
			continue
		}
		if res.Matched {
			matched = append(matched, f)
		}
	}
	c.Matched = len(matched)
	if otherRegion > 0 {
		fmt.Fprintf(out, "   %d of the %d events are from other regions than %s: CloudTrail delivers an event only to its own region's default bus, so this rule never sees them\n", otherRegion, len(fixtures), r.Rule.Region)
	}
	if len(matched) == 0 {
		fmt.Fprintln(out, "   no event matches the rule; the forwarder is not started")
		return c, nil
	}

	logs := opts.Logs
	var tail *tailBuffer
	if logs == nil {
		tail = &tailBuffer{max: 8 << 10}
		logs = tail
	}
	fn, err := lambdaruntime.Start(ctx, lambdaruntime.FunctionOptions{
		Server:  lambdaruntime.Options{FunctionARN: r.functionARN(), Timeout: r.Timeout},
		Process: lambdaruntime.ProcessOptions{Path: opts.Bootstrap, Env: r.processEnv(sinkURL), Stdout: logs, Stderr: logs},
	})
	if err != nil {
		c.Failed = c.Matched
		c.Problems = append(c.Problems, err.Error())
		return c, nil
	}
	defer fn.Close()

	if r.Buffered {
		for batch := range slices.Chunk(matched, r.BatchSize) {
			if err := c.invokeBatch(ctx, fn, batch, out); err != nil {
				return c, err
			}
		}
	} else {
		for _, f := range matched {
			if err := c.invokeOne(ctx, fn, f, out); err != nil {
				return c, err
			}
		}
	}
	if ie := fn.InitError(); ie != nil {
		c.Problems = append(c.Problems, "the forwarder failed to start: "+ie.Message)
	}
	if err := fn.Close(); err != nil {
		c.Problems = append(c.Problems, fmt.Sprintf("the forwarder exited: %v", err))
	}
	if tail != nil && (c.Failed > 0 || len(c.Problems) > 0) {
		fmt.Fprintf(out, "   the forwarder's last log lines:\n%s", indent(tail.String(), "   | "))
	}
	return c, nil
}

// invokeOne invokes the function with one EventBridge event, as a rule
// whose target is the function does.
func (c *demoCount) invokeOne(ctx context.Context, fn *lambdaruntime.Function, f demoFixture, out io.Writer) error {
	resp, err := fn.Invoke(ctx, f.Envelope)
	if ctx.Err() != nil {
		return fmt.Errorf("demo interrupted: %w", ctx.Err())
	}
	if err != nil {
		c.Failed++
		fmt.Fprintf(out, "   %-44s failed: %v\n", f.Name, err)
		return nil
	}
	var res handler.Result
	if err := json.Unmarshal(resp, &res); err != nil {
		c.Failed++
		fmt.Fprintf(out, "   %-44s failed: the forwarder answered %q: %v\n", f.Name, resp, err)
		return nil
	}
	c.count(f.Name, res.Outcome, res.EventID, out)
	return nil
}

// invokeBatch invokes the function with an SQS batch, as the event source
// mapping of a buffered route does; the answer lists the failed messages.
// Whether a message that did not fail was delivered or skipped comes from
// normalising it here with the same package the forwarder uses.
func (c *demoCount) invokeBatch(ctx context.Context, fn *lambdaruntime.Function, batch []demoFixture, out io.Writer) error {
	ev := lambdaevents.SQSEvent{Records: make([]lambdaevents.SQSMessage, len(batch))}
	for i, f := range batch {
		ev.Records[i] = lambdaevents.SQSMessage{
			MessageId:      fmt.Sprintf("demo-%04d-%s", c.sent+i, strings.TrimSuffix(f.Name, ".json")),
			Body:           string(f.Envelope),
			EventSource:    "aws:sqs",
			EventSourceARN: "arn:aws:sqs:" + c.Route.Rule.Region + ":123456789012:" + c.Route.Rule.Name + "-buffer",
			AWSRegion:      c.Route.Rule.Region,
			Attributes:     map[string]string{"ApproximateReceiveCount": "1"},
		}
	}
	c.sent += len(batch)
	payload, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("encoding an SQS batch: %w", err)
	}
	resp, err := fn.Invoke(ctx, payload)
	if ctx.Err() != nil {
		return fmt.Errorf("demo interrupted: %w", ctx.Err())
	}
	if err != nil {
		c.Failed += len(batch)
		for _, f := range batch {
			fmt.Fprintf(out, "   %-44s failed: %v\n", f.Name, err)
		}
		return nil
	}
	var res lambdaevents.SQSEventResponse
	if err := json.Unmarshal(resp, &res); err != nil {
		c.Failed += len(batch)
		fmt.Fprintf(out, "   batch of %d failed: the forwarder answered %q: %v\n", len(batch), resp, err)
		return nil
	}
	failed := map[string]bool{}
	for _, f := range res.BatchItemFailures {
		failed[f.ItemIdentifier] = true
	}
	for i, f := range batch {
		if failed[ev.Records[i].MessageId] {
			c.count(f.Name, handler.OutcomeFailed, "", out)
			continue
		}
		e, err := events.Normalize(f.Envelope)
		switch {
		case events.IsSkip(err):
			c.count(f.Name, handler.OutcomeSkipped, "", out)
		case err != nil:
			// The forwarder reports malformed input as a failure.
			c.count(f.Name, handler.OutcomeFailed, "", out)
		default:
			c.count(f.Name, handler.OutcomeDelivered, e.ID, out)
		}
	}
	return nil
}

// count adds one outcome and prints its line.
func (c *demoCount) count(name string, o handler.Outcome, id string, out io.Writer) {
	switch o {
	case handler.OutcomeDelivered:
		c.Delivered++
		c.DeliveredIDs = append(c.DeliveredIDs, id)
		fmt.Fprintf(out, "   %-44s delivered %s\n", name, id)
	case handler.OutcomeSkipped:
		c.Skipped++
		fmt.Fprintf(out, "   %-44s skipped (not a user-pool record)\n", name)
	default:
		c.Failed++
		fmt.Fprintf(out, "   %-44s %s\n", name, o)
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

// functionARN is the ARN the Runtime API reports for the route's function.
func (r *demoRoute) functionARN() string {
	region := r.Rule.Region
	if region == "" {
		region = "us-east-1"
	}
	return "arn:aws:lambda:" + region + ":123456789012:function:" + r.Function
}

// processEnv is the bootstrap's environment: the template's variables with
// the sink replaced by the local one, and what Lambda itself sets.
func (r *demoRoute) processEnv(sinkURL string) []string {
	env := map[string]string{}
	for k, v := range r.Env {
		if (strings.HasPrefix(k, "SINK_") || k == fwconfig.EnvKSink) && !slices.Contains(demoKeptSinkVars, k) {
			continue
		}
		env[k] = v
	}
	env[fwconfig.EnvSinkKind] = "http"
	env[fwconfig.EnvSinkURL] = sinkURL
	env[fwconfig.EnvAllowInsecure] = "true"
	env[fwconfig.EnvAuth] = "none"
	// What Lambda sets for every function.
	if r.Rule.Region != "" {
		env[fwconfig.EnvAWSRegion] = r.Rule.Region
		env["AWS_DEFAULT_REGION"] = r.Rule.Region
	}
	env["AWS_LAMBDA_FUNCTION_NAME"] = r.Function
	env["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST"
	env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = strconv.Itoa(r.Memory)
	env["TZ"] = ":UTC"
	if r.LogFormat != "" {
		env[fwconfig.EnvLogFormat] = r.LogFormat
	}
	if r.LogLevel != "" {
		env[fwconfig.EnvLogLevel] = r.LogLevel
	}
	list := make([]string, 0, len(env))
	for k, v := range env {
		list = append(list, k+"="+v)
	}
	sort.Strings(list)
	return list
}

// CloudFormation template shapes the demo reads.
type (
	cfnTemplate struct {
		Resources map[string]cfnResource `json:"Resources"`
	}
	cfnResource struct {
		Type       string          `json:"Type"`
		Properties json.RawMessage `json:"Properties"`
	}
	// cfnRef is an intrinsic naming another resource: {"Ref": id} or
	// {"Fn::GetAtt": [id, attribute]}.
	cfnRef struct {
		Ref    string   `json:"Ref"`
		GetAtt []string `json:"Fn::GetAtt"`
	}
	cfnRuleProps struct {
		Targets []struct {
			ID  string          `json:"Id"`
			Arn json.RawMessage `json:"Arn"`
		} `json:"Targets"`
	}
	cfnFunctionProps struct {
		Environment struct {
			Variables map[string]json.RawMessage `json:"Variables"`
		} `json:"Environment"`
		Timeout       int `json:"Timeout"`
		MemorySize    int `json:"MemorySize"`
		LoggingConfig struct {
			LogFormat           string `json:"LogFormat"`
			ApplicationLogLevel string `json:"ApplicationLogLevel"`
		} `json:"LoggingConfig"`
	}
	cfnMappingProps struct {
		EventSourceArn json.RawMessage `json:"EventSourceArn"`
		FunctionName   json.RawMessage `json:"FunctionName"`
		BatchSize      int             `json:"BatchSize"`
	}
)

// refID returns the logical id an intrinsic names, or "".
func refID(raw json.RawMessage) string {
	var r cfnRef
	if json.Unmarshal(raw, &r) != nil {
		return ""
	}
	if r.Ref != "" {
		return r.Ref
	}
	if len(r.GetAtt) > 0 {
		return r.GetAtt[0]
	}
	return ""
}

// demoRoutes reads every template of dir: each rule (via package pattern)
// and the function its target runs, directly or through an SQS queue.
func demoRoutes(dir string) ([]demoRoute, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*"+templateSuffix))
	if err != nil || len(paths) == 0 {
		return nil, fmt.Errorf("reading templates: no %s in %s (run make synth)", "*"+templateSuffix, dir)
	}
	var routes []demoRoute
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("reading template: %w", err)
		}
		rules, err := pattern.FromTemplate(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		var t cfnTemplate
		if err := json.Unmarshal(data, &t); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		stack := strings.TrimSuffix(filepath.Base(path), templateSuffix)
		for _, rule := range rules {
			if region, ok := strings.CutPrefix(stack, "cognito-events-"); ok && rule.Region == "" {
				rule.Region = region
			}
			r, err := demoRouteOf(t, rule)
			if err != nil {
				return nil, fmt.Errorf("%s: rule %s (route %s): %w", path, rule.Rule, rule.Name, err)
			}
			r.Template = filepath.Base(path)
			routes = append(routes, r)
		}
	}
	sort.SliceStable(routes, func(i, j int) bool { return routes[i].key() < routes[j].key() })
	return routes, nil
}

// demoRouteOf finds the function behind rule's target in t.
func demoRouteOf(t cfnTemplate, rule pattern.Route) (demoRoute, error) {
	r := demoRoute{Rule: rule}
	var rp cfnRuleProps
	if err := json.Unmarshal(t.Resources[rule.Rule].Properties, &rp); err != nil {
		return r, fmt.Errorf("reading Properties: %w", err)
	}
targets:
	for _, target := range rp.Targets {
		id := refID(target.Arn)
		switch t.Resources[id].Type {
		case cfnTypeFunction:
			r.Function = id
			break targets
		case cfnTypeQueue:
			fn, batch, err := demoQueueFunction(t, id)
			if err != nil {
				return r, err
			}
			r.Function, r.Buffered, r.BatchSize = fn, true, batch
			break targets
		}
	}
	if r.Function == "" {
		return r, fmt.Errorf("no target is a Lambda function of this template, directly or through an SQS queue")
	}
	var fp cfnFunctionProps
	if err := json.Unmarshal(t.Resources[r.Function].Properties, &fp); err != nil {
		return r, fmt.Errorf("function %s: reading Properties: %w", r.Function, err)
	}
	r.Env = map[string]string{}
	for k, raw := range fp.Environment.Variables {
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			if strings.HasPrefix(k, "SINK_") && !slices.Contains(demoKeptSinkVars, k) {
				continue // replaced by the local sink anyway
			}
			return r, fmt.Errorf("function %s: Environment.Variables.%s is %s, not a string the demo can use without AWS", r.Function, k, raw)
		}
		r.Env[k] = v
	}
	r.Timeout = time.Duration(fp.Timeout) * time.Second
	if r.Timeout <= 0 {
		r.Timeout = 3 * time.Second // Lambda's default
	}
	r.Memory = fp.MemorySize
	if r.Memory == 0 {
		r.Memory = 128
	}
	r.LogFormat = fp.LoggingConfig.LogFormat
	r.LogLevel = fp.LoggingConfig.ApplicationLogLevel
	return r, nil
}

// demoQueueFunction finds the event source mapping that feeds queue to a
// function.
func demoQueueFunction(t cfnTemplate, queue string) (string, int, error) {
	ids := make([]string, 0, len(t.Resources))
	for id := range t.Resources {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		res := t.Resources[id]
		if res.Type != cfnTypeEventMapping {
			continue
		}
		var mp cfnMappingProps
		if err := json.Unmarshal(res.Properties, &mp); err != nil {
			return "", 0, fmt.Errorf("event source mapping %s: reading Properties: %w", id, err)
		}
		if refID(mp.EventSourceArn) != queue {
			continue
		}
		fn := refID(mp.FunctionName)
		if t.Resources[fn].Type != cfnTypeFunction {
			return "", 0, fmt.Errorf("event source mapping %s: FunctionName names no function of this template", id)
		}
		batch := mp.BatchSize
		if batch <= 0 {
			batch = 10 // the SQS event source's default
		}
		return fn, batch, nil
	}
	return "", 0, fmt.Errorf("the rule's target is queue %s, and no event source mapping reads it", queue)
}

// demoFixtures reads every *.json of dir, sorted by name: each holds one
// event, a JSON array of them or JSON lines (as "normalize" reads them).
// Bare CloudTrail records are wrapped in an envelope as EventBridge does.
// A file with more than one record names each FILE#N.
func demoFixtures(dir string) ([]demoFixture, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(paths) == 0 {
		return nil, fmt.Errorf("reading fixtures: no *.json in %s", dir)
	}
	sort.Strings(paths)
	fixtures := make([]demoFixture, 0, len(paths))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("reading fixture: %w", err)
		}
		var recs []inputRecord
		for rec := range splitRecords(data) {
			recs = append(recs, rec)
		}
		if len(recs) == 0 {
			return nil, fmt.Errorf("%s: no record", p)
		}
		for _, rec := range recs {
			name := filepath.Base(p)
			if len(recs) > 1 {
				name += "#" + strconv.Itoa(rec.index)
			}
			where := fmt.Sprintf("%s: record %d (line %d)", p, rec.index, rec.line)
			env, err := events.Wrap(rec.data)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			var head struct {
				Region string `json:"region"`
			}
			if err := json.Unmarshal(env, &head); err != nil {
				return nil, fmt.Errorf("%s: region: %w", where, err)
			}
			fixtures = append(fixtures, demoFixture{Name: name, Envelope: env, Region: head.Region})
		}
	}
	return fixtures, nil
}

// lockedWriter serialises writes from the sink's handlers and the demo.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = t.buf[over:]
		if i := bytes.IndexByte(t.buf, '\n'); i >= 0 {
			t.buf = t.buf[i+1:]
		}
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

func indent(s, prefix string) string {
	if s == "" {
		return prefix + "(nothing)\n"
	}
	lines := strings.SplitAfter(strings.TrimRight(s, "\n")+"\n", "\n")
	var b strings.Builder
	for _, l := range lines {
		if l != "" {
			b.WriteString(prefix + l)
		}
	}
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
