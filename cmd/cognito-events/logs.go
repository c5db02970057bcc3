package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	cfn "github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	infracfg "github.com/cognito-events/cognito-events/internal/config"
	"github.com/cognito-events/cognito-events/internal/logs"
)

// listFlag is a repeatable flag whose values may also be comma-separated.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// logsRouteRegion checks that the configuration at path has route name
// (of any kind: with a rule, a sync or triggers) and region, and returns
// the region (the configuration's first when region is empty).
func logsRouteRegion(path, name, region string) (string, error) {
	cfg, err := readConfigFile(path)
	if err != nil {
		return "", err
	}
	var names []string
	for _, r := range cfg.Routes {
		names = append(names, r.Name)
	}
	if !slices.Contains(names, name) {
		return "", fmt.Errorf("%w: %s: no route %q: one of %s", errUsage, path, name, strings.Join(names, ", "))
	}
	if region == "" {
		return cfg.Regions[0], nil
	}
	if !slices.Contains(cfg.Regions, region) {
		return "", fmt.Errorf("%w: %s: region %q is not one of %s", errUsage, path, region, strings.Join(cfg.Regions, ", "))
	}
	return region, nil
}

// logsProgressEvery is how many pages of one log group pass between two
// progress lines on stderr.
const logsProgressEvery = 10

func runLogs(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("logs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	route := fs.String("route", "", "read the log groups of route `NAME` (found from its stack's outputs)")
	config := fs.String("config", defaultConfigFile, "the CDK app's configuration `FILE`, for --route")
	region := fs.String("region", "", "`REGION` of the stack (default the configuration's first with --route, else the SDK's)")
	stack := fs.String("stack", "", "the stack `NAME` (default cognito-events-REGION)")
	var groups, outcomes listFlag
	fs.Var(&groups, "log-group", "read log group `NAME` (repeatable)")
	since := fs.String("since", "15m", "read from `DURATION` ago: a Go duration (90m, 36h) or days (7d)")
	follow := fs.Bool("follow", false, "keep reading new lines until interrupted (polls FilterLogEvents)")
	poll := fs.Duration("poll", 5*time.Second, "with --follow, poll every `DURATION`")
	fs.Var(&outcomes, "outcome", "only events with this `OUTCOME` (delivered, failed, skipped, malformed, timeout; repeatable)")
	eventName := fs.String("event-name", "", "only events of this `NAME` (UpdateUserPoolClient, PostConfirmation_ConfirmSignUp, …)")
	subject := fs.String("subject", "", "only events about `SUBJECT` (client/ID, user/SUB)")
	asJSON := fs.Bool("json", false, "one JSON object per event, for scripts")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: cognito-events logs (--route NAME [--config cdk.json] [--region R] [--stack S] | --log-group NAME...) [--since 15m] [--follow] [--poll 5s] [--outcome O] [--event-name N] [--subject S] [--json]

Prints what the deployed functions logged, one line per event: time, route
(or log group), eventname, subject, outcome, attempts, latency and error;
below it, for a route whose sink is log, the event itself (structured-mode
CloudEvent). --route reads the forwarder's, the user sync's and the trigger
function's log groups of the route, named by the stack's outputs
(CloudFormation DescribeStacks). Lines are read with CloudWatch Logs
FilterLogEvents, every page; the filters apply to the decoded lines.
--follow polls for new lines until interrupted.

AWS credentials and region come from the SDK's default chain;
AWS_ENDPOINT_URL overrides the endpoints. Progress goes to standard error
every 10 pages of a log group. Exit status: 0 when every group was read, 1
when a call failed, 2 on a usage error.

Flags:
`)
		fs.PrintDefaults()
	}
	if code, stop := parseFlags(fs, args); stop {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "logs: unexpected arguments %q\n", fs.Args())
		return exitUsage
	}
	if (*route == "") == (len(groups) == 0) {
		fmt.Fprintln(stderr, "logs: give --route NAME or --log-group NAME (not both)")
		return exitUsage
	}
	ago, err := parseAgo(*since)
	if err != nil {
		fmt.Fprintf(stderr, "logs: --since: %v\n", err)
		return exitUsage
	}
	if *poll <= 0 {
		fmt.Fprintln(stderr, "logs: --poll: want a positive duration")
		return exitUsage
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var opts []func(*awsconfig.LoadOptions) error
	if *route != "" {
		r, err := logsRouteRegion(*config, *route, *region)
		if err != nil {
			return setupFailed("logs", err, stderr)
		}
		*region = r
	}
	if *region != "" {
		opts = append(opts, awsconfig.WithRegion(*region))
	}
	ac, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		fmt.Fprintf(stderr, "logs: loading AWS configuration: %v\n", err)
		return exitFailures
	}
	var targets []logs.Group
	for _, g := range groups {
		targets = append(targets, logs.Group{Name: g})
	}
	if *route != "" {
		if *stack == "" {
			*stack = infracfg.StackName(ac.Region)
		}
		targets, err = logs.Groups(ctx, cfn.NewFromConfig(ac), *stack, *route)
		if err != nil {
			fmt.Fprintf(stderr, "logs: %v\n", err)
			return exitFailures
		}
	}
	w := &logs.Writer{W: stdout, JSON: *asJSON}
	r := &logs.Reader{
		Client: cwl.NewFromConfig(ac),
		Groups: targets,
		Filter: logs.Filter{Outcomes: outcomes, EventName: *eventName, Subject: *subject},
		Progress: func(p logs.Progress) {
			if p.Pages%logsProgressEvery == 0 {
				fmt.Fprintf(stderr, "logs: %s: %d pages, %d lines, %d events\n", p.LogGroup, p.Pages, p.Lines, p.Entries)
			}
		},
	}
	now := time.Now()
	if *follow {
		err = r.Follow(ctx, now.Add(-ago), *poll, time.Minute, nil, w.Write)
	} else {
		err = r.Read(ctx, now.Add(-ago), now.Add(time.Second), w.Write)
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return exitOK
		}
		fmt.Fprintf(stderr, "logs: %v\n", err)
		return exitFailures
	}
	return exitOK
}
