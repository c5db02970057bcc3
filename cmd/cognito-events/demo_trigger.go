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

const demoTriggersUsage = `Usage: cognito-events demo-triggers [--trigger-bootstrap FILE] [--bootstrap FILE] [--cognito-local DIR] [--logs FILE]

Runs a triggers route locally, with no AWS account: cognito-local (the
npm package pinned in package.json) is the user pool, its triggers call the
real trigger bootstrap through a local Lambda Invoke API, the trigger
function sends each event to a local stand-in of the trigger queue, and the
real forwarder bootstrap (FORWARDER_INPUT=sqs-cloudevents) is invoked with
the queued events as an SQS batch and delivers them to a local CloudEvents
sink that prints them. The flow is a real sign-up: CreateUserPool,
CreateUserPoolClient, SignUp, ConfirmSignUp (cognito-local's fixed code) and
InitiateAuth with the user's password.

The trigger function gets TRIGGER_BUDGET=1s, TRIGGER_ATTRIBUTES_DENY=phone_number
and TRIGGER_CLIENT_METADATA_ALLOW=campaign; the sign-up sends client metadata
campaign=demo and secret=not-for-the-event, so the event shows one kept and
one redacted value.

Exit status: 0 when every trigger invocation was answered, queued one event,
and the sink received every queued event; 1 anything else; 2 usage error.

Flags:
`

func runDemoTriggers(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo-triggers", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o demo.TriggerOptions
	var logs string
	fs.StringVar(&o.TriggerBootstrap, "trigger-bootstrap", demo.DefaultTriggerBootstrap, "trigger function bootstrap `FILE` built for this machine")
	fs.StringVar(&o.Bootstrap, "bootstrap", demo.DefaultBootstrap, "forwarder bootstrap `FILE` built for this machine")
	fs.StringVar(&o.CognitoLocal, "cognito-local", demo.DefaultCognitoLocal, "the cognito-local package `DIR` (make emulators installs it)")
	fs.StringVar(&logs, "logs", "", "write the functions' and cognito-local's own output to `FILE` (default: shown only on failure)")
	fs.Usage = func() {
		fmt.Fprint(stderr, demoTriggersUsage)
		fs.PrintDefaults()
	}
	if code, stop := parseFlags(fs, args); stop {
		return code
	}
	tail := demo.NewTailBuffer(16 << 10)
	o.Logs = tail
	if logs != "" {
		f, err := os.Create(logs)
		if err != nil {
			fmt.Fprintf(stderr, "demo-triggers: creating --logs: %v\n", err)
			return exitUsage
		}
		defer f.Close()
		o.Logs = f
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := demo.Triggers(ctx, o, stdout); err != nil {
		fmt.Fprintf(stderr, "demo-triggers: %v\n", err)
		if logs == "" && tail.String() != "" {
			fmt.Fprintf(stderr, "last log lines:\n%s", demo.Indent(tail.String(), "   | "))
		}
		return exitFailures
	}
	return exitOK
}
