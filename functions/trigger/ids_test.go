package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/emulator/moto"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime/lambdatest"
)

// The id tests run the real bootstrap: an event's id is the invocation's
// Lambda request id, never a function of the payload.

// invokeAll invokes f with each payload in turn and returns the events
// queued, in order.
func invokeAll(tb testing.TB, f *lambdaruntime.Function, q *fakeSQS, payloads ...[]byte) []*events.Event {
	tb.Helper()
	before := len(q.messages())
	for i, p := range payloads {
		if _, err := f.Invoke(context.Background(), p); err != nil {
			tb.Fatalf("invocation %d: %v", i, err)
		}
	}
	msgs := q.messages()[before:]
	if len(msgs) != len(payloads) {
		tb.Fatalf("%d events queued for %d invocations", len(msgs), len(payloads))
	}
	out := make([]*events.Event, len(msgs))
	for i, m := range msgs {
		ev, err := events.ParseStructured([]byte(m))
		if err != nil {
			tb.Fatalf("queued body %d: %v", i, err)
		}
		out[i] = ev
	}
	return out
}

// TestBootstrapIDs: two identical payloads are two events with two ids,
// each the invocation's request id; payloads that differ only in secret
// values (password, challenge answer, private challenge parameters, codes)
// give events equal but for id and time.
func TestBootstrapIDs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the bootstrap binary")
	}
	q, endpoint := startFakeSQS(t)
	var stderr lambdatest.Output
	f := startTrigger(t, functionARN, &stderr, sqsEnv(endpoint)...)
	fx := readFixtures(t)

	signIn := fx["PostAuthentication_Authentication"]
	evs := invokeAll(t, f, q, signIn, signIn)
	if evs[0].ID == evs[1].ID {
		t.Errorf("two sign-ins share the id %s", evs[0].ID)
	}
	log := stderr.Await(func(s string) bool { return bytes.Count([]byte(s), []byte(`"requestId"`)) >= 2 })
	for _, ev := range evs {
		if !bytes.Contains([]byte(log), []byte(`"requestId":"`+ev.ID+`"`)) {
			t.Errorf("event id %s is not a request id of the log:\n%s", ev.ID, log)
		}
	}

	for _, name := range []string{"UserMigration_Authentication", "VerifyAuthChallengeResponse_Authentication", "CustomEmailSender_SignUp", "DefineAuthChallenge_Authentication"} {
		t.Run(name, func(t *testing.T) {
			a := fx[name]
			b := bytes.ReplaceAll(a, []byte(canary), []byte(canary+"Summer2024!"))
			evs := invokeAll(t, f, q, a, b)
			if evs[0].ID == evs[1].ID {
				t.Errorf("two invocations share the id %s", evs[0].ID)
			}
			for _, ev := range evs {
				ev.ID, ev.Time = "", ""
			}
			if ja, jb := evs[0].AppendJSON(nil), evs[1].AppendJSON(nil); !bytes.Equal(ja, jb) {
				t.Errorf("the events differ beyond id and time:\n%s\n%s", ja, jb)
			}
		})
	}
}

// TestBootstrapFIFOKeepsBothSignIns: with a FIFO queue on moto as the sink
// (MessageDeduplicationId is the event id), a user's two identical
// sign-ins both arrive.
func TestBootstrapFIFOKeepsBothSignIns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the bootstrap and runs moto")
	}
	srv := moto.Shared(t)
	client := sqs.NewFromConfig(srv.Config())
	const name = "trigger-signins.fifo"
	var queueURL string
	moto.Retry(t, "creating queue "+name, func(ctx context.Context) error {
		out, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name),
			Attributes: map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "false"}})
		if err == nil {
			queueURL = aws.ToString(out.QueueUrl)
		}
		return err
	}, nil)
	var stderr lambdatest.Output
	f := startTrigger(t, functionARN, &stderr,
		"SINK_KIND=sqs", "SINK_SQS_QUEUE_URL=https://sqs."+moto.Region+".amazonaws.com/"+moto.Account+"/"+name, "AWS_ENDPOINT_URL_SQS="+srv.URL,
		"AWS_REGION="+moto.Region, "AWS_ACCESS_KEY_ID=AKIDTEST", "AWS_SECRET_ACCESS_KEY=test")
	signIn := readFixtures(t)["PostAuthentication_Authentication"]
	for i := range 2 {
		if _, err := f.Invoke(context.Background(), signIn); err != nil {
			t.Fatalf("sign-in %d: %v", i, err)
		}
	}
	var got []sqstypes.Message
	for deadline := time.Now().Add(10 * time.Second); len(got) < 2 && time.Now().Before(deadline); {
		out, err := client.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(queueURL), MaxNumberOfMessages: 10, WaitTimeSeconds: 1,
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
		})
		if err != nil {
			t.Fatalf("receiving: %v", err)
		}
		got = append(got, out.Messages...)
		for _, m := range out.Messages {
			client.DeleteMessage(context.Background(), &sqs.DeleteMessageInput{QueueUrl: aws.String(queueURL), ReceiptHandle: m.ReceiptHandle})
		}
	}
	if len(got) != 2 {
		t.Fatalf("%d sign-ins arrived, want 2; function log:\n%s", len(got), stderr.String())
	}
	ids := map[string]bool{}
	for _, m := range got {
		var ev struct{ ID string }
		if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &ev); err != nil {
			t.Fatalf("body: %v", err)
		}
		if dedup := m.Attributes[string(sqstypes.MessageSystemAttributeNameMessageDeduplicationId)]; dedup != ev.ID {
			t.Errorf("deduplication id %q, event id %q", dedup, ev.ID)
		}
		ids[ev.ID] = true
	}
	if len(ids) != 2 {
		t.Errorf("ids %v, want two", ids)
	}
}
