package redrive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/status"
)

// Clients are the AWS clients of the route's region.
type Clients struct {
	CloudFormation status.DescribeStacksAPI
	SQS            *sqs.Client
	Lambda         *lambda.Client
}

// Options say what to redrive.
type Options struct {
	Stack, Region, Route string
	// DryRun lists what would move and changes nothing.
	DryRun bool
	// Out gets one line per message; Progress the running counts.
	Out, Progress io.Writer
}

// Result counts what happened, per queue.
type Result struct {
	Queues []QueueResult
}

// QueueResult is one queue's redrive.
type QueueResult struct {
	Queue  string // name
	Target string // the source queue's name, or the function's
	// Moved were sent (or would be, in a dry run); Failed were left in the
	// queue.
	Moved, Failed int
}

// Failed is the total of messages left behind.
func (r Result) Failed() int {
	n := 0
	for _, q := range r.Queues {
		n += q.Failed
	}
	return n
}

// Run redrives the route's queues.
func Run(ctx context.Context, c Clients, o Options) (Result, error) {
	all, err := status.Resolve(ctx, c.CloudFormation, o.Stack, o.Region)
	if err != nil {
		return Result{}, err
	}
	var res status.Resources
	var names []string
	for _, r := range all {
		names = append(names, r.Route)
		if r.Route == o.Route {
			res = r
		}
	}
	if res.Route == "" {
		return Result{}, fmt.Errorf("stack %s in %s has no route %s (it has %v)", o.Stack, o.Region, o.Route, names)
	}
	var out Result
	for _, q := range res.Queues {
		if q.What != "dead-letter queue" && q.What != "on-failure destination" && q.What != "dead-letter queue of the trigger queue" {
			continue // the user sync's failures are invocation records, not events
		}
		qr, err := redriveQueue(ctx, c, res, q, o)
		out.Queues = append(out.Queues, qr)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// redriveQueue moves one queue's messages back to its source queue, or
// through the route's function.
func redriveQueue(ctx context.Context, c Clients, res status.Resources, q status.Queue, o Options) (QueueResult, error) {
	qr := QueueResult{Queue: queueName(q.URL)}
	src, err := c.SQS.ListDeadLetterSourceQueues(ctx, &sqs.ListDeadLetterSourceQueuesInput{QueueUrl: aws.String(q.URL)})
	if err != nil {
		return qr, fmt.Errorf("finding the source of %s: %w", qr.Queue, err)
	}
	var send func(context.Context, sqstypes.Message) error
	switch {
	case len(src.QueueUrls) > 1:
		return qr, fmt.Errorf("%s is the dead-letter queue of %d queues %v: redrive them with SQS", qr.Queue, len(src.QueueUrls), src.QueueUrls)
	case len(src.QueueUrls) == 1:
		target := src.QueueUrls[0]
		qr.Target = "queue " + queueName(target)
		send = func(ctx context.Context, m sqstypes.Message) error {
			_, err := c.SQS.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(target), MessageBody: m.Body, MessageAttributes: m.MessageAttributes})
			return err
		}
	case res.Function != "":
		qr.Target = "function " + res.Function
		send = func(ctx context.Context, m sqstypes.Message) error {
			return invoke(ctx, c.Lambda, res.Function, eventOf(aws.ToString(m.Body)))
		}
	default:
		return qr, fmt.Errorf("%s feeds no queue and route %s names no function: nothing to send it through", qr.Queue, res.Route)
	}
	verb := "moving"
	if o.DryRun {
		verb = "would move"
	}
	fmt.Fprintf(o.Out, "%s: %s %s to %s\n", res.Route, verb, qr.Queue, qr.Target)
	last := time.Now()
	if o.Progress != nil {
		defer func() { progress(o, qr) }()
	}
	seen := map[string]bool{}
	// A dry run keeps each listed message hidden until the listing ends, so
	// the next receive reaches the messages behind it, then makes them all
	// visible again (or SQS does, when the visibility timeout ends).
	var listed []*string
	if o.DryRun {
		defer func() { release(ctx, c.SQS, q.URL, listed, o.Out) }()
	}
	for {
		// A long poll (WaitTimeSeconds >= 1) asks every SQS server: a short
		// poll samples some and may answer empty while messages wait,
		// which would end the redrive early.
		got, err := c.SQS.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(q.URL), MaxNumberOfMessages: 10, VisibilityTimeout: 60, WaitTimeSeconds: 1,
			MessageAttributeNames: []string{"All"},
		})
		if err != nil {
			return qr, fmt.Errorf("receiving from %s: %w", qr.Queue, err)
		}
		fresh := 0
		for _, m := range got.Messages {
			id := aws.ToString(m.MessageId)
			if seen[id] {
				continue // left behind earlier (failed, or a dry run), now visible again
			}
			seen[id] = true
			fresh++
			evID, name := describe(aws.ToString(m.Body))
			if o.DryRun {
				qr.Moved++
				fmt.Fprintf(o.Out, "would move %s %s (message %s)\n", name, evID, id)
				continue
			}
			if err := send(ctx, m); err != nil {
				qr.Failed++
				fmt.Fprintf(o.Out, "failed %s %s (message %s): %v\n", name, evID, id, err)
				continue
			}
			if _, err := c.SQS.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(q.URL), ReceiptHandle: m.ReceiptHandle}); err != nil {
				// Sent but still in the queue: a second redrive sends it
				// again, with the same id, which consumers deduplicate.
				return qr, fmt.Errorf("deleting message %s from %s after sending it: %w", id, qr.Queue, err)
			}
			qr.Moved++
			fmt.Fprintf(o.Out, "moved %s %s (message %s)\n", name, evID, id)
		}
		if o.DryRun {
			for _, m := range got.Messages {
				listed = append(listed, m.ReceiptHandle)
			}
		}
		if o.Progress != nil && time.Since(last) > time.Second {
			progress(o, qr)
			last = time.Now()
		}
		if len(got.Messages) == 0 || fresh == 0 {
			return qr, nil
		}
	}
}

// release makes the messages a dry run listed visible again; one it cannot
// release becomes visible when its visibility timeout ends.
func release(ctx context.Context, api *sqs.Client, url string, handles []*string, out io.Writer) {
	failed := 0
	for _, h := range handles {
		if _, err := api.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: h, VisibilityTimeout: 0}); err != nil {
			failed++
		}
	}
	if failed > 0 {
		fmt.Fprintf(out, "%d listed messages of %s stay hidden until their visibility timeout (60 s) ends\n", failed, queueName(url))
	}
}

// progress writes the running counts of a queue.
func progress(o Options, qr QueueResult) {
	if o.DryRun {
		fmt.Fprintf(o.Progress, "redrive %s: %d listed (dry run)\n", qr.Queue, qr.Moved)
		return
	}
	fmt.Fprintf(o.Progress, "redrive %s: %d moved, %d failed\n", qr.Queue, qr.Moved, qr.Failed)
}

// ErrFunction is wrapped when the function answered with an error.
var ErrFunction = errors.New("the function failed")

// invoke runs the function synchronously with payload.
func invoke(ctx context.Context, api *lambda.Client, function string, payload []byte) error {
	out, err := api.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(function), Payload: payload, InvocationType: lambdatypes.InvocationTypeRequestResponse})
	if err != nil {
		return fmt.Errorf("invoking %s: %w", function, err)
	}
	if out.FunctionError != nil {
		return fmt.Errorf("%w: %s: %s", ErrFunction, aws.ToString(out.FunctionError), out.Payload)
	}
	return nil
}

// eventOf is the event a direct route's dead letter holds: the body itself
// (EventBridge's target dead-letter queue), or its requestPayload (a
// Lambda on-failure destination's record).
func eventOf(body string) []byte {
	var rec struct {
		RequestContext json.RawMessage `json:"requestContext"`
		RequestPayload json.RawMessage `json:"requestPayload"`
	}
	if json.Unmarshal([]byte(body), &rec) == nil && len(rec.RequestContext) > 0 && len(rec.RequestPayload) > 0 {
		return rec.RequestPayload
	}
	return []byte(body)
}

// describe names the event a message carries: its CloudEvent id and
// eventname, from the envelope (as the forwarder would normalise it) or
// from a structured CloudEvent (the trigger queue's).
func describe(body string) (id, name string) {
	ev := eventOf(body)
	if e, err := events.Normalize(ev); err == nil {
		return printable(e.ID), printable(e.EventName)
	}
	var ce struct {
		ID        string `json:"id"`
		EventName string `json:"eventname"`
	}
	if json.Unmarshal(ev, &ce) == nil && ce.ID != "" {
		return printable(ce.ID), printable(ce.EventName)
	}
	return "(no event id)", "(not an event)"
}

// printable is s as the output shows a value read from a message: quoted
// when it holds a space or an unprintable character, so that no body can
// forge an output line or reach the terminal with an escape.
func printable(s string) string {
	for _, r := range s {
		if r == ' ' || r == '"' || !strconv.IsPrint(r) {
			return strconv.Quote(s)
		}
	}
	return s
}

func queueName(url string) string {
	for i := len(url) - 1; i >= 0; i-- {
		if url[i] == '/' {
			return url[i+1:]
		}
	}
	return url
}
