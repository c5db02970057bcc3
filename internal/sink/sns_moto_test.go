package sink

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/cognito-events/cognito-events/internal/emulator/moto"
)

// snsEnvelope is the JSON an SNS subscription without raw message delivery
// puts in the SQS message body.
type snsEnvelope struct {
	Type              string `json:"Type"`
	TopicArn          string `json:"TopicArn"`
	Message           string `json:"Message"`
	MessageAttributes map[string]struct {
		Type  string `json:"Type"`
		Value string `json:"Value"`
	} `json:"MessageAttributes"`
}

// createTopic creates a topic (a FIFO topic, without content-based
// deduplication, when name ends in .fifo) and returns its ARN.
func (m *motoEnv) createTopic(tb testing.TB, name string) (arn string) {
	tb.Helper()
	in := &sns.CreateTopicInput{Name: aws.String(name)}
	if strings.HasSuffix(name, ".fifo") {
		in.Attributes = map[string]string{"FifoTopic": "true", "ContentBasedDeduplication": "false"}
	}
	moto.Retry(tb, "creating topic "+name, func(ctx context.Context) error {
		out, err := m.sns.CreateTopic(ctx, in)
		if err == nil {
			arn = aws.ToString(out.TopicArn)
		}
		return err
	}, nil)
	return arn
}

// subscribe subscribes the queue to the topic.
func (m *motoEnv) subscribe(tb testing.TB, topicARN, queueARN string, raw bool) {
	tb.Helper()
	moto.Retry(tb, "subscribing "+queueARN, func(ctx context.Context) error {
		_, err := m.sns.Subscribe(ctx, &sns.SubscribeInput{
			TopicArn: aws.String(topicARN), Protocol: aws.String("sqs"), Endpoint: aws.String(queueARN),
			Attributes: map[string]string{"RawMessageDelivery": strconv.FormatBool(raw)},
		})
		return err
	}, nil)
}

// unwrapSNS returns the message SNS delivered to SQS with its attributes,
// taken out of the envelope unless delivery was raw.
func unwrapSNS(tb testing.TB, msg sqstypes.Message, raw bool, topicARN string) sqstypes.Message {
	tb.Helper()
	if raw {
		return msg
	}
	var env snsEnvelope
	if err := json.Unmarshal([]byte(aws.ToString(msg.Body)), &env); err != nil {
		tb.Fatalf("the body is not an SNS envelope: %v: %s", err, aws.ToString(msg.Body))
	}
	if env.Type != "Notification" || env.TopicArn != topicARN {
		tb.Errorf("envelope Type %q TopicArn %q, want Notification from %s", env.Type, env.TopicArn, topicARN)
	}
	inner := sqstypes.Message{Body: aws.String(env.Message), MessageAttributes: map[string]sqstypes.MessageAttributeValue{}}
	for name, a := range env.MessageAttributes {
		inner.MessageAttributes[name] = sqstypes.MessageAttributeValue{DataType: aws.String(a.Type), StringValue: aws.String(a.Value)}
	}
	return inner
}

func TestSNSOnMoto(t *testing.T) {
	m := newMotoEnv(t)
	ev := testEvent(t, "update-client.json")
	for _, tc := range []struct {
		name  string
		topic string
		raw   bool
		sends int
	}{
		{"raw message delivery", uniqueName("sns"), true, 1},
		{"SNS envelope", uniqueName("sns"), false, 1},
		{"FIFO topic deduplicates by event id", uniqueName("sns") + ".fifo", true, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fifo := strings.HasSuffix(tc.topic, ".fifo")
			queue := uniqueName("sns-sub")
			if fifo {
				queue += ".fifo"
			}
			queueURL, queueARN := m.createQueue(t, queue)
			topicARN := m.createTopic(t, tc.topic)
			m.subscribe(t, topicARN, queueARN, tc.raw)
			s := m.sink(t, map[string]string{EnvKind: string(KindSNS), EnvSNSTopicARN: topicARN})
			for range tc.sends {
				deliver(t, s, ev)
			}
			if n := m.visibleMessages(t, queueURL); n != "1" {
				t.Fatalf("%d publishes left %s messages in the subscribed queue, want 1", tc.sends, n)
			}
			msg := m.receive(t, queueURL, 1)[0]
			if fifo {
				group, dedup := msg.Attributes[string(sqstypes.MessageSystemAttributeNameMessageGroupId)], msg.Attributes[string(sqstypes.MessageSystemAttributeNameMessageDeduplicationId)]
				if group != ev.UserPoolID || dedup != ev.ID {
					t.Errorf("MessageGroupId %q, MessageDeduplicationId %q; want %q, %q", group, dedup, ev.UserPoolID, ev.ID)
				}
			}
			msg = unwrapSNS(t, msg, tc.raw, topicARN)
			checkJSONEqual(t, "message", []byte(aws.ToString(msg.Body)), ev.AppendJSON(nil))
			checkSQSAttributes(t, ev, msg)
		})
	}
}
