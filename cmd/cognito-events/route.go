package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"

	lambdaevents "github.com/aws/aws-lambda-go/events"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/cognito-events/cognito-events/events"
	infracfg "github.com/cognito-events/cognito-events/internal/config"
	"github.com/cognito-events/cognito-events/internal/forwarder/app"
	fwconfig "github.com/cognito-events/cognito-events/internal/forwarder/config"
	"github.com/cognito-events/cognito-events/internal/forwarder/handler"
	"github.com/cognito-events/cognito-events/internal/lambdafn"
	"github.com/cognito-events/cognito-events/internal/routes"
	"github.com/cognito-events/cognito-events/internal/sink"
)

// defaultConfigFile is where replay and backfill read the configuration.
const defaultConfigFile = "cdk.json"

// errUsage marks errors in how a command was called (exit status 2).
var errUsage = errors.New("usage error")

// routeTarget is one route of the CDK configuration in one region: what its
// rule matches and the environment its forwarder function gets.
type routeTarget struct {
	Name   string
	Region string
	// Rule is the route's rule: its pattern and state, as the CDK app
	// writes them into the template.
	Rule routes.Route
	// Route is the route's configuration.
	Route *infracfg.Route
}

// loadRoute reads the configuration file and returns the route named name
// in region (the configuration's first region when region is empty). An
// unknown route or region is a usage error that lists the known ones.
func loadRoute(path, name, region string) (*routeTarget, error) {
	r, err := routes.Load(path, name, region)
	var nf *routes.NotFoundError
	if errors.As(err, &nf) {
		return nil, fmt.Errorf("%w: %w", errUsage, err)
	}
	if err != nil {
		return nil, err
	}
	return &routeTarget{Name: r.Name, Region: r.Region, Rule: r, Route: r.Config}, nil
}

// envelopeProbe is the part of an EventBridge envelope a report names.
type envelopeProbe struct {
	Detail *struct {
		EventID   string `json:"eventID"`
		EventName string `json:"eventName"`
	} `json:"detail"`
}

// recordInfo is what the reports say about one input.
type recordInfo struct {
	EventID   string
	EventName string
}

// toEnvelope returns input as the EventBridge event the rule would see:
// envelopes as they are, bare CloudTrail records wrapped as EventBridge
// wraps them.
func toEnvelope(input []byte) ([]byte, recordInfo, error) {
	env, err := events.Wrap(input)
	if err != nil {
		return nil, recordInfo{}, err
	}
	var p envelopeProbe
	if err := json.Unmarshal(env, &p); err != nil {
		return nil, recordInfo{}, fmt.Errorf("reading record: %w: %w", events.ErrMissingField, err)
	}
	if p.Detail == nil {
		return nil, recordInfo{}, fmt.Errorf("reading record: detail: %w: the envelope has no detail object", events.ErrMissingField)
	}
	return env, recordInfo{EventID: p.Detail.EventID, EventName: p.Detail.EventName}, nil
}

// match reports whether the route's rule receives the envelope, and why
// not: as EventBridge decides, by the rule's pattern and its state (a rule
// in state ENABLED never receives read-only management events).
func (t *routeTarget) match(env []byte) (bool, string, error) {
	res, err := t.Rule.Match(env)
	if err != nil {
		return false, "", fmt.Errorf("matching the route's rule: %w", err)
	}
	return res.Matched, res.Reason, nil
}

// sinkOptions change where the forwarder delivers, for local testing.
type sinkOptions struct {
	// Override replaces an HTTP route's sink URL (--sink-url, --keep-auth).
	Override sinkOverride
	// Log receives the forwarder's own JSON log lines; nil discards them.
	Log io.Writer
	// Notice receives what the override dropped (applySinkOverride's
	// note); nil discards it.
	Notice io.Writer
}

// sinkOverride is --sink-url and --keep-auth: a test endpoint that
// replaces a route's HTTP sink URL.
type sinkOverride struct {
	// URL is the endpoint; https, or http on a loopback host.
	URL string
	// KeepAuth sends the route's authentication and static headers to URL
	// too; allowed only for https.
	KeepAuth bool
}

// sinkAuthVars are the sink variables that carry a route's credentials or
// its static headers (which may carry credentials too): a test URL gets
// none of them unless --keep-auth.
var sinkAuthVars = []string{
	sink.EnvAuth, sink.EnvAuthSecret, sink.EnvAuthHeader, sink.EnvOAuth2TokenURL, sink.EnvOAuth2Scopes,
	sink.EnvSigV4Service, sink.EnvSigV4Region, sink.EnvHeaders,
}

// applySinkOverride points env, a route's sink environment (SINK_*), at
// o.URL, for every command that sends a route's events to a test endpoint
// (replay, backfill, sync --route). A test endpoint gets no production
// credentials: unless o.KeepAuth, the route's authentication and static
// headers are removed and note says so, for standard error (empty when the
// route had none). --keep-auth needs https: a credential never crosses
// plain http. An empty o.URL changes nothing.
func applySinkOverride(env map[string]string, route string, o sinkOverride) (note string, err error) {
	if o.URL == "" {
		if o.KeepAuth {
			return "", fmt.Errorf("%w: --keep-auth needs --sink-url", errUsage)
		}
		return "", nil
	}
	u, err := url.Parse(o.URL)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("%w: --sink-url: not an absolute URL", errUsage)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && o.KeepAuth:
		return "", fmt.Errorf("%w: --keep-auth needs an https:// --sink-url: the route's credentials never cross plain http", errUsage)
	case u.Scheme == "http" && isLoopback(u.Hostname()):
		env[sink.EnvAllowInsecure] = "true"
	case u.Scheme == "http":
		return "", fmt.Errorf("%w: --sink-url: http:// is allowed only on a loopback host (127.0.0.1, ::1, localhost); use https://", errUsage)
	default:
		return "", fmt.Errorf("%w: --sink-url: scheme %q: want https (or http on loopback)", errUsage, u.Scheme)
	}
	if u.User != nil {
		return "", fmt.Errorf("%w: --sink-url: must not carry credentials", errUsage)
	}
	env[sink.EnvURL] = o.URL
	delete(env, sink.EnvKSink)
	delete(env, sink.EnvURLSecret)
	if o.KeepAuth {
		return "", nil
	}
	var dropped []string
	if a := env[sink.EnvAuth]; a != "" && a != string(sink.AuthNone) {
		dropped = append(dropped, a+" authentication")
	}
	if h := env[sink.EnvHeaders]; h != "" && h != "{}" {
		dropped = append(dropped, "its static headers ("+sink.EnvHeaders+")")
	}
	for _, k := range sinkAuthVars {
		delete(env, k)
	}
	if len(dropped) == 0 {
		return "", nil
	}
	return fmt.Sprintf("--sink-url: not sending route %q's %s to the test URL %s; pass --keep-auth (https only) to send them",
		route, strings.Join(dropped, " or "), sink.RedactURL(o.URL)), nil
}

// forwarderEnv returns the environment the route's forwarder function gets
// in the target region, with the sink URL replaced when opts ask.
func (t *routeTarget) forwarderEnv(opts sinkOptions) (map[string]string, error) {
	env := t.Route.Environment()
	env[fwconfig.EnvAWSRegion] = t.Region
	if o := opts.Override; o.URL != "" {
		switch env[fwconfig.EnvSinkKind] {
		case string(sink.KindHTTP):
		case string(sink.KindLog):
			// A log route has no endpoint to replace: for the run, the
			// test URL is its HTTP sink.
			env[fwconfig.EnvSinkKind] = string(sink.KindHTTP)
		default:
			return nil, fmt.Errorf("%w: --sink-url: route %q delivers to a %s sink, not an HTTP endpoint", errUsage, t.Name, env[fwconfig.EnvSinkKind])
		}
	}
	note, err := applySinkOverride(env, t.Name, opts.Override)
	if err != nil {
		return nil, err
	}
	if note != "" && opts.Notice != nil {
		fmt.Fprintf(opts.Notice, "%s\n", note)
	}
	return env, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// forwarderConfig parses the route's forwarder environment with the
// forwarder's own config.Load, as the deployed function does at cold start.
// getenv serves that environment, and the AWS_* variables of this process
// (credentials, endpoint overrides) that it does not set.
func (t *routeTarget) forwarderConfig(opts sinkOptions) (fwconfig.Config, func(string) string, error) {
	env, err := t.forwarderEnv(opts)
	if err != nil {
		return fwconfig.Config{}, nil, err
	}
	getenv := func(name string) string {
		if v, ok := env[name]; ok {
			return v
		}
		if strings.HasPrefix(name, "AWS_") {
			return os.Getenv(name)
		}
		return ""
	}
	cfg, err := fwconfig.Load(getenv)
	if err != nil {
		return fwconfig.Config{}, nil, fmt.Errorf("route %q: forwarder environment: %w", t.Name, err)
	}
	return cfg, getenv, nil
}

// newForwarder builds the route's forwarder with the forwarder's own code:
// its environment parsed by config.Load and wired by app.New, so events are
// normalised, retried and delivered exactly as the deployed function does.
// AWS credentials come from the environment, or, when it has none and the
// sink needs AWS, from the SDK's default chain (profiles, SSO), resolved
// once.
func (t *routeTarget) newForwarder(ctx context.Context, opts sinkOptions) (*handler.Handler, error) {
	cfg, getenv, err := t.forwarderConfig(opts)
	if err != nil {
		return nil, err
	}
	if needsAWS(cfg) && (getenv(lambdafn.EnvAccessKeyID) == "" || getenv(lambdafn.EnvSecretAccessKey) == "") {
		creds, err := defaultCredentials(ctx, t.Region)
		if err != nil {
			return nil, err
		}
		base := getenv
		getenv = func(name string) string {
			if v, ok := creds[name]; ok {
				return v
			}
			return base(name)
		}
	}
	logw := opts.Log
	if logw == nil {
		logw = io.Discard
	}
	h, err := app.New(ctx, cfg, app.Deps{Log: lambdafn.Logger(cfg.LogFormat, cfg.LogLevel, logw), Metrics: io.Discard, Getenv: getenv})
	if err != nil {
		return nil, fmt.Errorf("route %q: building the forwarder: %w", t.Name, err)
	}
	return h, nil
}

// needsAWS reports whether the forwarder configuration calls AWS: the
// sink kind's registry entry says whether the sink does.
func needsAWS(cfg fwconfig.Config) bool { return cfg.NeedsAWS() }

// defaultCredentials resolves credentials with the SDK's default chain, as
// the variables the forwarder reads them from (Lambda sets them so).
func defaultCredentials(ctx context.Context, region string) (map[string]string, error) {
	ac, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(region))
	if err != nil {
		return nil, fmt.Errorf("loading AWS configuration: %w", err)
	}
	creds, err := ac.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("retrieving AWS credentials: %w", err)
	}
	return map[string]string{
		lambdafn.EnvAccessKeyID:     creds.AccessKeyID,
		lambdafn.EnvSecretAccessKey: creds.SecretAccessKey,
		lambdafn.EnvSessionToken:    creds.SessionToken,
	}, nil
}

// outcome is what became of one input in replay or backfill.
type outcome string

// The outcomes a report names.
const (
	outDelivered outcome = "delivered"
	outSkipped   outcome = "skipped"
	outUnmatched outcome = "unmatched"
	outFailed    outcome = "failed"
	outDryRun    outcome = "would-send"
)

// pipeline takes records through the route as EventBridge and the
// deployed function would: wrap, match, normalise and deliver.
type pipeline struct {
	target *routeTarget
	// h is the route's forwarder; nil in a dry run, which sends nothing.
	h *handler.Handler
	// all sends records the rule would not match too.
	all   bool
	tally tally
}

// result is what became of one record.
type result struct {
	Info    recordInfo
	Outcome outcome
	// Matched: the route's rule matches the record.
	Matched bool
	// Note says why a record was not matched, skipped or failed.
	Note string
}

// process takes one record (an envelope or a bare CloudTrail record).
func (p *pipeline) process(ctx context.Context, input []byte) result {
	r := p.run(ctx, input)
	p.tally.add(r.Outcome)
	return r
}

func (p *pipeline) run(ctx context.Context, input []byte) result {
	env, info, err := toEnvelope(input)
	if err != nil {
		return result{Outcome: outFailed, Note: err.Error()}
	}
	r := result{Info: info}
	matched, reason, err := p.target.match(env)
	if err != nil {
		r.Outcome, r.Note = outFailed, err.Error()
		return r
	}
	r.Matched = matched
	if !matched {
		if !p.all {
			r.Outcome, r.Note = outUnmatched, reason
			return r
		}
		r.Note = "sent with --all; the rule would not match: " + reason
	}
	if p.h == nil {
		r.Outcome = outDryRun
		return r
	}
	// Decoded as Lambda's runtime decodes the invocation of a direct route.
	var ev lambdaevents.EventBridgeEvent
	if err := json.Unmarshal(env, &ev); err != nil {
		r.Outcome, r.Note = outFailed, fmt.Sprintf("decoding the envelope as an EventBridge event: %v", err)
		return r
	}
	hr, err := p.h.HandleEventBridge(ctx, ev)
	if err != nil {
		r.Outcome, r.Note = outFailed, err.Error()
		return r
	}
	switch hr.Outcome {
	case handler.OutcomeDelivered:
		r.Outcome = outDelivered
	case handler.OutcomeSkipped:
		r.Outcome, r.Note = outSkipped, "not a Cognito user-pool record"
	default:
		r.Outcome, r.Note = outFailed, "handler outcome "+string(hr.Outcome)
	}
	return r
}

// line formats a result for the report: outcome, event id, eventName,
// where the record came from and the note.
func (r result) line(where string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-10s %s", r.Outcome, orDash(r.Info.EventID))
	fmt.Fprintf(&b, " %s", orDash(r.Info.EventName))
	if where != "" {
		fmt.Fprintf(&b, " (%s)", where)
	}
	if r.Note != "" {
		fmt.Fprintf(&b, ": %s", r.Note)
	}
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// tally counts outcomes.
type tally struct {
	Delivered, Skipped, Unmatched, Failed, DryRun int
}

func (t *tally) add(o outcome) {
	switch o {
	case outDelivered:
		t.Delivered++
	case outSkipped:
		t.Skipped++
	case outUnmatched:
		t.Unmatched++
	case outFailed:
		t.Failed++
	case outDryRun:
		t.DryRun++
	}
}

func (t *tally) total() int { return t.Delivered + t.Skipped + t.Unmatched + t.Failed + t.DryRun }

// String is the summary line.
func (t *tally) String() string {
	var b bytes.Buffer
	if n := t.total(); n == 1 {
		b.WriteString("1 record: ")
	} else {
		fmt.Fprintf(&b, "%d records: ", n)
	}
	if t.DryRun > 0 {
		fmt.Fprintf(&b, "%d would be sent, ", t.DryRun)
	}
	fmt.Fprintf(&b, "%d delivered, %d skipped, %d unmatched, %d failed", t.Delivered, t.Skipped, t.Unmatched, t.Failed)
	return b.String()
}
