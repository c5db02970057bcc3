package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/cognito-events/cognito-events/internal/demo"
)

// The demo's work (moto_server, cognito-local, the Runtime API, the
// fixtures, the user sync) is in internal/demo; this file parses the flags,
// calls it and turns its result into the exit status.

const demoUsage = `Usage: cognito-events demo [--templates DIR] [--bootstrap FILE] [--fixtures DIR] [--logs FILE] [--sync auto|off] [--triggers auto|off] [--trigger-bootstrap FILE] [--cognito-local DIR]

Runs the whole pipeline locally, with no AWS account: for each route's rule
in the synthesized CloudFormation templates (DIR/*.template.json, written by
"make synth"), it starts the real forwarder bootstrap under a local Lambda
Runtime API with the environment the template gives the route's function,
replays every event in the fixtures directory through the rule as
EventBridge would (events of the rule's region only; the rule's event
pattern; read-only calls only in state
ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS), invokes the forwarder with the
matched ones (an SQS batch for a buffered route) and prints what a local
CloudEvents sink receives.

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

Then, with --triggers auto (the default), when cognito-local is installed
(make emulators), node is on PATH and the trigger bootstrap is built, the triggers:
the sign-up of "cognito-events demo-triggers" on cognito-local through the
real trigger and forwarder bootstraps. Otherwise it says what is missing
and leaves the step out.

The output ends with one summary of every part: a line per route, a line
per user-sync pass, the triggers' counts and the result.

"make demo" builds the bootstraps for this machine, synthesizes the app and
runs this command. Exit status: 0 every matched event delivered or skipped
and the sink received exactly the delivered ones, and each step that ran
sent what it should; 1 anything else; 2 usage error.

Flags:
`

func runDemo(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	opts := demo.Options{Sync: demo.Auto, Triggers: demo.Auto}
	var logs string
	fs.StringVar(&opts.Templates, "templates", demo.DefaultTemplates, "`DIR` of the synthesized templates (cdk.out)")
	fs.StringVar(&opts.Bootstrap, "bootstrap", demo.DefaultBootstrap, "forwarder bootstrap `FILE` built for this machine")
	fs.StringVar(&opts.Fixtures, "fixtures", demo.DefaultFixtures, "`DIR` of EventBridge envelopes (or bare CloudTrail records) to replay, *.json")
	fs.StringVar(&logs, "logs", "", "write the functions' (and cognito-local's) log lines and metrics to `FILE` (default: show only a failed part's)")
	fs.Var(&opts.Sync, "sync", "`MODE` auto: then run the user sync against moto_server when it is on PATH (else say how to get it); off: leave it out")
	fs.Var(&opts.Triggers, "triggers", "`MODE` auto: then run a sign-up on cognito-local through the trigger bootstrap when both are there (else say what is missing); off: leave it out")
	fs.StringVar(&opts.TriggerBootstrap, "trigger-bootstrap", demo.DefaultTriggerBootstrap, "trigger function bootstrap `FILE` built for this machine")
	fs.StringVar(&opts.CognitoLocal, "cognito-local", demo.DefaultCognitoLocal, "the cognito-local package `DIR` (make emulators installs it)")
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
	report, err := demo.Run(ctx, opts, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitFailures
	}
	if !report.OK() {
		fmt.Fprintln(stderr, "demo: some parts did not deliver what they should (see the summary)")
		return exitFailures
	}
	return exitOK
}
