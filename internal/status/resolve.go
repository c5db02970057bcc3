package status

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfn "github.com/aws/aws-sdk-go-v2/service/cloudformation"
)

// Resources are what one route has in a stack, from the stack's outputs.
type Resources struct {
	Route, Region, Stack string
	// Rules are the route's EventBridge rule ARNs.
	Rules []string
	// Function is the forwarder's function name.
	Function string
	// Queues are the route's dead-letter and on-failure queues, by
	// what the output calls them ("dead-letter queue", "on-failure
	// destination", "on-failure destination of the user sync", ...).
	Queues []Queue
	// SyncFunction and StateTable are the user sync's, when the route
	// has one.
	SyncFunction, StateTable string
	// UserPool and TriggerFunction are a triggers route's.
	UserPool, TriggerFunction string
}

// Queue is one dead-letter (or on-failure) queue of a route.
type Queue struct {
	What string `json:"what"`
	URL  string `json:"url"`
}

// outputDesc reads the descriptions the CDK app gives its outputs: "WHAT
// of route NAME" or "WHAT of triggers route NAME", sometimes followed by
// more text (": ..." or " (...)").
var outputDesc = regexp.MustCompile(`^(.+?) of (?:triggers )?route ([A-Za-z0-9][A-Za-z0-9_-]*)(?:$|[ :(])`)

// DescribeStacksAPI is the CloudFormation call Resolve makes.
type DescribeStacksAPI interface {
	DescribeStacks(ctx context.Context, in *cfn.DescribeStacksInput, optFns ...func(*cfn.Options)) (*cfn.DescribeStacksOutput, error)
}

var _ DescribeStacksAPI = (*cfn.Client)(nil)

// Resolve reads stack's outputs into one Resources per route, sorted by
// route name.
func Resolve(ctx context.Context, api DescribeStacksAPI, stack, region string) ([]Resources, error) {
	out, err := api.DescribeStacks(ctx, &cfn.DescribeStacksInput{StackName: aws.String(stack)})
	if err != nil {
		return nil, fmt.Errorf("describing stack %s in %s: %w", stack, region, err)
	}
	if len(out.Stacks) == 0 {
		return nil, fmt.Errorf("describing stack %s in %s: no such stack", stack, region)
	}
	byRoute := map[string]*Resources{}
	for _, o := range out.Stacks[0].Outputs {
		m := outputDesc.FindStringSubmatch(aws.ToString(o.Description))
		value := aws.ToString(o.OutputValue)
		if m == nil || value == "" {
			continue
		}
		what, name := m[1], m[2]
		r := byRoute[name]
		if r == nil {
			r = &Resources{Route: name, Region: region, Stack: stack}
			byRoute[name] = r
		}
		switch {
		case what == "EventBridge rule" || (strings.HasPrefix(what, "EventBridge rule ") && !strings.Contains(what, "archive")):
			r.Rules = append(r.Rules, value)
		case what == "forwarder function":
			r.Function = value
		case strings.HasPrefix(what, "dead-letter queue") || strings.HasPrefix(what, "on-failure destination"):
			r.Queues = append(r.Queues, Queue{What: what, URL: value})
		case what == "user sync function":
			r.SyncFunction = value
		case what == "user sync state table":
			r.StateTable = value
		case what == "USER_POOL_ID":
			r.UserPool = value
		case what == "trigger function":
			r.TriggerFunction = value
		}
	}
	res := make([]Resources, 0, len(byRoute))
	for _, r := range byRoute {
		slices.Sort(r.Rules)
		slices.SortFunc(r.Queues, func(a, b Queue) int { return strings.Compare(a.What+a.URL, b.What+b.URL) })
		res = append(res, *r)
	}
	slices.SortFunc(res, func(a, b Resources) int { return strings.Compare(a.Route, b.Route) })
	if len(res) == 0 {
		return nil, fmt.Errorf("stack %s in %s: no output names a route (is it a cognito-events stack?)", stack, region)
	}
	return res, nil
}

// ruleName splits a rule ARN (arn:aws:events:REGION:ACCOUNT:rule/NAME or
// rule/BUS/NAME) into its bus ("" for the default bus) and name.
func ruleName(arn string) (bus, name string) {
	_, rest, ok := strings.Cut(arn, ":rule/")
	if !ok {
		return "", arn
	}
	if b, n, ok := strings.Cut(rest, "/"); ok {
		return b, n
	}
	return "", rest
}

// queueName is the last path element of a queue URL.
func queueName(url string) string {
	return url[strings.LastIndex(url, "/")+1:]
}
