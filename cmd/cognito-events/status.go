package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/cognito-events/cognito-events/internal/status"
)

const statusUsage = `Usage: cognito-events status [--config FILE] [--region REGION] [--stack NAME] [--route NAME] [--json]

Says, for each deployed route of each region's stack, how it is doing: its
rules' state, deliveries, failures and skips in the last 24 hours and the
last delivery (the forwarder's metrics in CloudWatch), the messages in each
dead-letter queue, the alarms in state ALARM that watch the route, the user
sync's last run, each pool's last pass and lease (its state table), and
which triggers of the pool call a triggers route's function. The route's
resources come from the stack's outputs. Read-only; uses the AWS
credentials and settings of the environment (AWS_PROFILE, AWS_ENDPOINT_URL,
...).

Exit status: 0 the status was read, 1 a read failed (the rest is printed),
2 usage error.

Flags:
`

func runStatus(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "cdk.json", "the CDK app's `FILE`, for its regions and stack names")
	region := fs.String("region", "", "only this `REGION`'s stack (default: every region of the configuration)")
	stack := fs.String("stack", "", "read the stack `NAME` (with --region) instead of the configuration's")
	route := fs.String("route", "", "only the route `NAME`")
	asJSON := fs.Bool("json", false, "print a JSON array of routes instead of text")
	fs.Usage = func() {
		fmt.Fprint(stderr, statusUsage)
		fs.PrintDefaults()
	}
	if code, stop := parseFlags(fs, args); stop {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "status: unexpected arguments %q\n", fs.Args())
		return exitUsage
	}
	var stacks []status.Stack
	switch {
	case *stack != "" && *region == "":
		fmt.Fprintln(stderr, "status: --stack needs --region")
		return exitUsage
	case *stack != "":
		stacks = []status.Stack{{Name: *stack, Region: *region}}
	default:
		var err error
		if stacks, err = status.Stacks(*configPath, *region); err != nil {
			fmt.Fprintf(stderr, "status: %v\n", err)
			return exitFailures
		}
	}
	var only []string
	if *route != "" {
		only = []string{*route}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := exitOK
	all := []status.Route{}
	for _, s := range stacks {
		ac, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(s.Region))
		if err != nil {
			fmt.Fprintf(stderr, "status: loading the AWS configuration: %v\n", err)
			return exitFailures
		}
		routes, err := status.Collect(ctx, status.NewClients(ac), s.Name, s.Region, only, time.Now().UTC())
		if err != nil {
			fmt.Fprintf(stderr, "status: %v\n", err)
			code = exitFailures
			continue
		}
		for _, r := range routes {
			if len(r.Errors) > 0 {
				code = exitFailures
			}
		}
		all = append(all, routes...)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(all); err != nil {
			fmt.Fprintf(stderr, "status: %v\n", err)
			return exitFailures
		}
		return code
	}
	status.Write(stdout, all)
	return code
}
