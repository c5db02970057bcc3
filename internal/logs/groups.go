package logs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfn "github.com/aws/aws-sdk-go-v2/service/cloudformation"
)

// Group is one log group to read, and the route whose function writes it
// (empty when the group was named directly).
type Group struct {
	Name  string
	Route string
	// Function says whose group it is: "forwarder", "user sync" or
	// "trigger function"; empty when named directly.
	Function string
}

// DescribeStacksAPI is the CloudFormation call Groups makes; the SDK client
// satisfies it.
type DescribeStacksAPI interface {
	DescribeStacks(ctx context.Context, in *cfn.DescribeStacksInput, optFns ...func(*cfn.Options)) (*cfn.DescribeStacksOutput, error)
}

var _ DescribeStacksAPI = (*cfn.Client)(nil)

// outputSuffix ends the description of every log group output the CDK app
// writes (infra/route.go, sync.go, triggers.go): "forwarder log group of
// route NAME", "user sync log group of route NAME", "trigger function log
// group of route NAME".
const outputSuffix = " log group of route "

// ErrNoLogGroup is wrapped when a stack names no log group of the route.
var ErrNoLogGroup = errors.New("no log group of the route in the stack's outputs")

// Groups returns the log groups of route in stack, from the stack's
// outputs, the forwarder's first.
func Groups(ctx context.Context, client DescribeStacksAPI, stack, route string) ([]Group, error) {
	out, err := client.DescribeStacks(ctx, &cfn.DescribeStacksInput{StackName: aws.String(stack)})
	if err != nil {
		return nil, fmt.Errorf("describing stack %s: %w", stack, err)
	}
	if len(out.Stacks) == 0 {
		return nil, fmt.Errorf("describing stack %s: no such stack", stack)
	}
	var groups []Group
	var routes []string
	for _, o := range out.Stacks[0].Outputs {
		desc, value := aws.ToString(o.Description), aws.ToString(o.OutputValue)
		i := strings.LastIndex(desc, outputSuffix)
		if i < 0 || value == "" {
			continue
		}
		name := desc[i+len(outputSuffix):]
		if !slices.Contains(routes, name) {
			routes = append(routes, name)
		}
		if name == route {
			groups = append(groups, Group{Name: value, Route: route, Function: desc[:i]})
		}
	}
	if len(groups) == 0 {
		slices.Sort(routes)
		return nil, fmt.Errorf("stack %s, route %s: %w (routes with log groups: %s)", stack, route, ErrNoLogGroup, strings.Join(routes, ", "))
	}
	slices.SortStableFunc(groups, func(a, b Group) int {
		return compareInt64(int64(functionOrder(a.Function)), int64(functionOrder(b.Function)))
	})
	return groups, nil
}

func functionOrder(f string) int {
	switch f {
	case "forwarder":
		return 0
	case "user sync":
		return 1
	}
	return 2
}
