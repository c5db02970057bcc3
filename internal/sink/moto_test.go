package sink

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/emulator/moto"
	"github.com/cognito-events/cognito-events/internal/lambdafn"
)

// These tests run the AWS sinks against moto, the real SDK on both sides:
// each sink is built through the registry as the forwarder builds it, sends
// a normalised fixture, and the test reads what arrived back through moto.

func TestMain(m *testing.M) { moto.Main(m) }

// motoEnv is the shared moto server and the clients the tests set up
// resources and read deliveries with (with the SDK's retries, unlike the
// sinks).
type motoEnv struct {
	srv *moto.Server
	sqs *sqs.Client
	sns *sns.Client
	eb  *eventbridge.Client
}

func newMotoEnv(tb testing.TB) *motoEnv {
	tb.Helper()
	srv := moto.Shared(tb)
	cfg := srv.Config()
	return &motoEnv{srv: srv, sqs: sqs.NewFromConfig(cfg), sns: sns.NewFromConfig(cfg), eb: eventbridge.NewFromConfig(cfg)}
}

// sink builds the sink the variables in env configure, as the forwarder
// does: ReadSettings, then New with Deps whose Getenv serves env plus
// AWS_ENDPOINT_URL. The configuration AWS returns has no endpoint of its
// own, so only the sink's endpoint override can reach moto.
func (m *motoEnv) sink(tb testing.TB, env map[string]string) Sink {
	tb.Helper()
	getenv := func(name string) string {
		if name == lambdafn.EnvEndpointURL {
			return m.srv.URL
		}
		return env[name]
	}
	e := NewEnv(getenv)
	s := ReadSettings(e)
	if err := e.Err(); err != nil {
		tb.Fatalf("reading the sink's settings from %v: %v", env, err)
	}
	deps := Deps{
		AWS: func() (aws.Config, error) {
			cfg := m.srv.Config()
			cfg.BaseEndpoint = nil
			return cfg, nil
		},
		Getenv: getenv,
	}
	snk, err := New(context.Background(), &s, deps)
	if err != nil {
		tb.Fatalf("building the %s sink: %v", s.Kind, err)
	}
	return snk
}

var motoNames atomic.Int64

// uniqueName returns a resource name no other test of the binary uses.
func uniqueName(prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, motoNames.Add(1))
}

// createQueue creates a queue (a FIFO queue, without content-based
// deduplication, when name ends in .fifo) and returns its URL and ARN.
func (m *motoEnv) createQueue(tb testing.TB, name string) (queueURL, arn string) {
	tb.Helper()
	in := &sqs.CreateQueueInput{QueueName: aws.String(name)}
	if strings.HasSuffix(name, ".fifo") {
		in.Attributes = map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "false"}
	}
	moto.Retry(tb, "creating queue "+name, func(ctx context.Context) error {
		out, err := m.sqs.CreateQueue(ctx, in)
		if err == nil {
			queueURL = aws.ToString(out.QueueUrl)
		}
		return err
	}, nil)
	moto.Retry(tb, "reading the ARN of "+name, func(ctx context.Context) error {
		out, err := m.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
			QueueUrl: aws.String(queueURL), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn},
		})
		if err == nil {
			arn = out.Attributes[string(sqstypes.QueueAttributeNameQueueArn)]
		}
		return err
	}, nil)
	return queueURL, arn
}

// deliver sends ev as the forwarder does, retrying transient errors: the
// sinks turn the SDK's retries off, and moto drops about 0.1% of
// connections client-side.
func deliver(tb testing.TB, s Sink, ev *events.Event) {
	tb.Helper()
	if err := sendRetrying(s, ev); err != nil {
		tb.Fatalf("Send: %v", err)
	}
}

// sendRetrying calls Send up to 3 times while it fails transiently.
func sendRetrying(s Sink, ev *events.Event) error {
	var err error
	for range 3 {
		if err = s.Send(context.Background(), ev); err == nil || IsPermanent(err) {
			return err
		}
	}
	return err
}

// receive polls the queue, with long polls, until want messages arrived or
// 15 s passed, and returns what arrived.
func (m *motoEnv) receive(tb testing.TB, queueURL string, want int) []sqstypes.Message {
	tb.Helper()
	var got []sqstypes.Message
	for deadline := time.Now().Add(15 * time.Second); len(got) < want && time.Now().Before(deadline); {
		out, err := m.sqs.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{
			QueueUrl:                    aws.String(queueURL),
			MaxNumberOfMessages:         10,
			WaitTimeSeconds:             1,
			MessageAttributeNames:       []string{"All"},
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
		})
		if err != nil {
			tb.Fatalf("receiving from %s: %v", queueURL, err)
		}
		got = append(got, out.Messages...)
	}
	if len(got) < want {
		tb.Fatalf("received %d messages from %s in 15s, want %d", len(got), queueURL, want)
	}
	return got
}

// visibleMessages is the queue's ApproximateNumberOfMessages, which moto
// counts exactly.
func (m *motoEnv) visibleMessages(tb testing.TB, queueURL string) string {
	tb.Helper()
	name := sqstypes.QueueAttributeNameApproximateNumberOfMessages
	out, err := m.sqs.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(queueURL), AttributeNames: []sqstypes.QueueAttributeName{name},
	})
	if err != nil {
		tb.Fatalf("reading the attributes of %s: %v", queueURL, err)
	}
	return out.Attributes[string(name)]
}

// checkJSONEqual fails tb unless got and want are the same JSON value.
func checkJSONEqual(tb testing.TB, what string, got, want []byte) {
	tb.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		tb.Fatalf("%s is not JSON: %v: %s", what, err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		tb.Fatalf("the wanted %s is not JSON: %v", what, err)
	}
	if !reflect.DeepEqual(g, w) {
		tb.Errorf("%s =\n%s\nwant\n%s", what, got, want)
	}
}

// checkSQSAttributes asserts the message attributes the SQS and SNS sinks
// document, as SQS delivered them.
func checkSQSAttributes(tb testing.TB, ev *events.Event, msg sqstypes.Message) {
	tb.Helper()
	checkMessageAttributes(tb, ev, func(name string) (string, string, bool) {
		a, ok := msg.MessageAttributes[name]
		return aws.ToString(a.DataType), aws.ToString(a.StringValue), ok
	}, len(msg.MessageAttributes))
}

func TestSQSOnMoto(t *testing.T) {
	m := newMotoEnv(t)
	ev := testEvent(t, "update-client.json")
	for _, tc := range []struct {
		name  string
		queue string
		sends int
	}{
		{"standard queue", uniqueName("sqs"), 1},
		{"FIFO queue", uniqueName("sqs") + ".fifo", 1},
		{"FIFO queue deduplicates by event id", uniqueName("sqs") + ".fifo", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			queueURL, _ := m.createQueue(t, tc.queue)
			s := m.sink(t, map[string]string{EnvKind: string(KindSQS), EnvSQSQueueURL: queueURL})
			for range tc.sends {
				deliver(t, s, ev)
			}
			fifo := SQSSettings{QueueURL: queueURL}.IsFIFO()
			if fifo {
				if n := m.visibleMessages(t, queueURL); n != "1" {
					t.Fatalf("%d sends left %s messages in the FIFO queue, want 1", tc.sends, n)
				}
			}
			msg := m.receive(t, queueURL, 1)[0]
			checkJSONEqual(t, "message body", []byte(aws.ToString(msg.Body)), ev.AppendJSON(nil))
			checkSQSAttributes(t, ev, msg)
			group, dedup := msg.Attributes[string(sqstypes.MessageSystemAttributeNameMessageGroupId)], msg.Attributes[string(sqstypes.MessageSystemAttributeNameMessageDeduplicationId)]
			if fifo && (group != ev.UserPoolID || dedup != ev.ID) {
				t.Errorf("MessageGroupId %q, MessageDeduplicationId %q; want %q, %q", group, dedup, ev.UserPoolID, ev.ID)
			}
			if !fifo && (group != "" || dedup != "") {
				t.Errorf("standard queue message has MessageGroupId %q, MessageDeduplicationId %q", group, dedup)
			}
		})
	}
}

// TestAWSSinksOnMotoMissingTarget sends to a queue, topic and bus that do
// not exist: each is a client error that no retry can fix, so the sink
// marks it permanent (classifyAWS).
func TestAWSSinksOnMotoMissingTarget(t *testing.T) {
	m := newMotoEnv(t)
	ev := testEvent(t, "update-client.json")
	missing := uniqueName("missing")
	for _, tc := range []struct {
		name string
		env  map[string]string
		want func(error) bool
	}{
		{"sqs queue", map[string]string{EnvKind: string(KindSQS), EnvSQSQueueURL: m.srv.URL + "/" + moto.Account + "/" + missing},
			func(err error) bool { var e *sqstypes.QueueDoesNotExist; return errors.As(err, &e) }},
		{"sns topic", map[string]string{EnvKind: string(KindSNS), EnvSNSTopicARN: "arn:aws:sns:" + moto.Region + ":" + moto.Account + ":" + missing},
			func(err error) bool { var e *snstypes.NotFoundException; return errors.As(err, &e) }},
		{"eventbridge bus", map[string]string{EnvKind: string(KindEventBridge), EnvEventBridgeBus: missing},
			func(err error) bool { var e *ebtypes.ResourceNotFoundException; return errors.As(err, &e) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := sendRetrying(m.sink(t, tc.env), ev)
			if err == nil {
				t.Fatal("Send to a missing target succeeded")
			}
			if !IsPermanent(err) {
				t.Errorf("IsPermanent(%v) = false, want true", err)
			}
			if !tc.want(err) {
				t.Errorf("Send = %v (%T), not the service's error", err, errors.Unwrap(err))
			}
		})
	}
}
