package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	lambdaevents "github.com/aws/aws-lambda-go/events"

	"github.com/cognito-events/cognito-events/events"
	fwconfig "github.com/cognito-events/cognito-events/internal/forwarder/config"
	"github.com/cognito-events/cognito-events/internal/forwarder/handler"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime"
)

// demoRunRoute runs the route's forwarder and replays the fixtures
// through its rule. The error is set only when the demo was interrupted.
func demoRunRoute(ctx context.Context, r *Route, fixtures []Fixture, sinkURL string, opts Options, out io.Writer) (RouteCount, error) {
	c := RouteCount{Route: r}
	mode := "invoked with each matched event"
	if r.Buffered() {
		mode = fmt.Sprintf("buffered: invoked with SQS batches of up to %d", r.BatchSize)
	}
	fmt.Fprintf(out, "\n== route %s (region %s, rule %s, state %s; function %s, %s; configured sink %s)\n",
		r.Rule.Name, r.Rule.Region, r.Rule.Rule, r.Rule.State, r.Function, mode, orNone(r.Env[fwconfig.EnvSinkKind]))

	var matched []Fixture
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
	var tail *TailBuffer
	if logs == nil {
		tail = &TailBuffer{max: 8 << 10}
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

	if r.Buffered() {
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
		fmt.Fprintf(out, "   the forwarder's last log lines:\n%s", Indent(tail.String(), "   | "))
	}
	return c, nil
}

// invokeOne invokes the function with one EventBridge event, as a rule
// whose target is the function does.
func (c *RouteCount) invokeOne(ctx context.Context, fn *lambdaruntime.Function, f Fixture, out io.Writer) error {
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
func (c *RouteCount) invokeBatch(ctx context.Context, fn *lambdaruntime.Function, batch []Fixture, out io.Writer) error {
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
func (c *RouteCount) count(name string, o handler.Outcome, id string, out io.Writer) {
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
