package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// exit codes shared by every command.
const (
	exitOK       = 0
	exitFailures = 1
	exitUsage    = 2
)

const usage = `cognito-events turns changes to Amazon Cognito user pools into CloudEvents.

Usage:
  cognito-events <command> [flags] [arguments]

Commands:
  normalize        turn CloudTrail records (envelopes or bare records) into CloudEvents
  patterns         print each route's EventBridge rule pattern
  match            say which routes' rules match each event, and why not the others
  sink             run a local CloudEvents receiver that prints what arrives
  demo             run the synthesized rules and the real forwarder locally on the fixtures
  replay           send records through a route's rule pattern and forwarder
  backfill         recover a route's events from CloudTrail LookupEvents and deliver them
  sync             send one CloudEvent per change to a user pool's users since the last run
  logs             print what the deployed functions logged, one line per event
  attach-triggers  point an existing user pool's triggers at a triggers route's function, every other setting kept
  detach-triggers  remove the triggers that call a triggers route's function from a user pool, every other setting kept
  demo-triggers    run a sign-up on cognito-local through the real trigger function and forwarder
  status           how each deployed route is doing: rules, deliveries, dead letters, alarms, sync, triggers
  redrive          put a deployed route's dead letters back to be delivered again (--dry-run to see them)

Run "cognito-events <command> --help" for a command's flags.
`

// parseFlags parses a command's flags. stop is true when the command must
// return code at once: exitOK after --help, exitUsage after a bad flag (the
// flag package has already said why).
func parseFlags(fs *flag.FlagSet, args []string) (code int, stop bool) {
	err := fs.Parse(args)
	switch {
	case err == nil:
		return exitOK, false
	case errors.Is(err, flag.ErrHelp):
		return exitOK, true
	default:
		return exitUsage, true
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run dispatches to a command and returns the process's exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "normalize":
		return runNormalize(args[1:], stdin, stdout, stderr)
	case "patterns":
		return runPatterns(args[1:], stdout, stderr)
	case "match":
		return runMatch(args[1:], stdin, stdout, stderr)
	case "sink":
		return runSink(args[1:], stdout, stderr)
	case "demo":
		return runDemo(args[1:], stdout, stderr)
	case "replay":
		return runReplay(args[1:], stdin, stdout, stderr)
	case "backfill":
		return runBackfill(args[1:], stdout, stderr)
	case "sync":
		return runSync(args[1:], stdout, stderr)
	case "logs":
		return runLogs(args[1:], stdout, stderr)
	case "attach-triggers":
		return runAttach(args[1:], stdout, stderr)
	case "detach-triggers":
		return runDetach(args[1:], stdout, stderr)
	case "demo-triggers":
		return runDemoTriggers(args[1:], stdout, stderr)
	case "redrive":
		return runRedrive(args[1:], stdout, stderr)
	case "status":
		return runStatus(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "cognito-events: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
}
