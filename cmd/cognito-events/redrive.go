package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	cfn "github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/cognito-events/cognito-events/internal/redrive"
	"github.com/cognito-events/cognito-events/internal/status"
)

const redriveUsage = `Usage: cognito-events redrive --route NAME [--config FILE] [--region REGION] [--stack NAME] [--dry-run]

Puts a deployed route's dead letters back to be delivered again, once the
sink is fixed. A buffered (or triggers) route's dead-letter queue is moved
back to the queue it is the dead-letter queue of (receive, send the same
body and attributes, delete); a direct route's dead-letter queue and
on-failure destination hold the original events, which are re-sent through
the route's function (a synchronous Lambda Invoke) and deleted only when it
succeeded. Every moved event keeps its id. One line per message on standard
output, progress on standard error. The queues and the function come from
the stack's outputs; uses the AWS credentials of the environment.

Exit status: 0 every message moved (or, with --dry-run, listed), 1 some
were left in their queue or a call failed, 2 usage error.

Flags:
`

func runRedrive(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("redrive", flag.ContinueOnError)
	fs.SetOutput(stderr)
	route := fs.String("route", "", "the route `NAME` (required)")
	configPath := fs.String("config", "cdk.json", "the CDK app's `FILE`, for its regions and stack names")
	region := fs.String("region", "", "only this `REGION`'s stack (default: every region of the configuration)")
	stack := fs.String("stack", "", "the stack `NAME` (with --region) instead of the configuration's")
	dryRun := fs.Bool("dry-run", false, "list what would move and change nothing")
	fs.Usage = func() {
		fmt.Fprint(stderr, redriveUsage)
		fs.PrintDefaults()
	}
	if code, stop := parseFlags(fs, args); stop {
		return code
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "redrive: unexpected arguments %q\n", fs.Args())
		return exitUsage
	case *route == "":
		fmt.Fprintln(stderr, "redrive: --route is required")
		return exitUsage
	case *stack != "" && *region == "":
		fmt.Fprintln(stderr, "redrive: --stack needs --region")
		return exitUsage
	}
	stacks := []status.Stack{{Name: *stack, Region: *region}}
	if *stack == "" {
		var err error
		if stacks, err = status.Stacks(*configPath, *region); err != nil {
			fmt.Fprintf(stderr, "redrive: %v\n", err)
			return exitFailures
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := exitOK
	for _, s := range stacks {
		ac, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(s.Region))
		if err != nil {
			fmt.Fprintf(stderr, "redrive: loading the AWS configuration: %v\n", err)
			return exitFailures
		}
		c := redrive.Clients{CloudFormation: cfn.NewFromConfig(ac), SQS: sqs.NewFromConfig(ac), Lambda: lambda.NewFromConfig(ac)}
		res, err := redrive.Run(ctx, c, redrive.Options{Stack: s.Name, Region: s.Region, Route: *route, DryRun: *dryRun, Out: stdout, Progress: stderr})
		for _, q := range res.Queues {
			verb := "moved"
			if *dryRun {
				verb = "would move"
			}
			fmt.Fprintf(stdout, "%s %s: %s %d to %s, %d left\n", s.Region, q.Queue, verb, q.Moved, q.Target, q.Failed)
		}
		if err != nil {
			fmt.Fprintf(stderr, "redrive: %v\n", err)
			code = exitFailures
			continue
		}
		if res.Failed() > 0 {
			code = exitFailures
		}
	}
	return code
}
