package redrive

import (
	"bytes"
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go/middleware"
)

// TestRedriveDryRunManyMessages: a dry run lists every message of a queue
// holding more than one receive's worth (10), not only the first batch,
// and leaves them all in the queue, visible.
func TestRedriveDryRunManyMessages(t *testing.T) {
	w := setup(t, true)
	ctx := context.Background()
	const extra = 22 // 3 from setup: 25 in all
	for i := 0; i < extra; i++ {
		if _, err := w.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(w.usersDLQ), MessageBody: aws.String(w.usersBodies[i%len(w.usersBodies)])}); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	res, err := Run(ctx, w.clients, Options{Stack: stack, Region: "us-east-1", Route: "users", DryRun: true, Out: &out})
	if err != nil || len(res.Queues) != 1 || res.Queues[0].Moved != 3+extra {
		t.Fatalf("dry run: %+v, %v (want %d listed)\n%s", res, err, 3+extra, out.String())
	}
	got, err := w.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(w.usersDLQ), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessages}})
	if err != nil {
		t.Fatal(err)
	}
	if n := got.Attributes["ApproximateNumberOfMessages"]; n != "25" {
		t.Errorf("after the dry run %s messages are visible, want all 25", n)
	}
	out.Reset()
	res, err = Run(ctx, w.clients, Options{Stack: stack, Region: "us-east-1", Route: "users", Out: &out})
	if err != nil || res.Queues[0].Moved != 3+extra || res.Failed() != 0 {
		t.Fatalf("redrive: %+v, %v\n%s", res, err, out.String())
	}
	if d := w.depth(t, w.buffer); d != 3+extra {
		t.Errorf("the buffer holds %d, want %d", d, 3+extra)
	}
}

// TestRedriveLongPolls: every receive waits at least a second. SQS's short
// poll (WaitTimeSeconds 0) samples a subset of its servers and may answer
// empty while the queue holds messages: on a small dead-letter queue the
// redrive would stop early, saying it moved everything.
func TestRedriveLongPolls(t *testing.T) {
	w := setup(t, true)
	var waits []int32
	w.clients.SQS = sqs.NewFromConfig(w.cfg, func(o *sqs.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("recordWait", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				if r, ok := in.Parameters.(*sqs.ReceiveMessageInput); ok {
					waits = append(waits, r.WaitTimeSeconds)
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.After)
		})
	})
	var out bytes.Buffer
	if _, err := Run(context.Background(), w.clients, Options{Stack: stack, Region: "us-east-1", Route: "users", Out: &out}); err != nil {
		t.Fatal(err)
	}
	if len(waits) == 0 {
		t.Fatal("no ReceiveMessage recorded")
	}
	for _, s := range waits {
		if s < 1 {
			t.Errorf("ReceiveMessage with WaitTimeSeconds %d (short poll)", s)
		}
	}
}
