package sink

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/lambdafn"
)

// EnvSQSQueueURL is the sqs sink's variable, as in docs/forwarder.md.
const EnvSQSQueueURL = "SINK_SQS_QUEUE_URL"

var sqsSpec = Spec{
	Kind:     KindSQS,
	Vars:     []string{EnvSQSQueueURL},
	Service:  lambdafn.ServiceSQS,
	KMS:      true,
	Read:     func(e *Env, s *Settings) { s.SQS.QueueURL = e.Str(EnvSQSQueueURL) },
	Check:    checkSQS,
	NeedsAWS: always,
	New:      newSQS,
	Keys: func(d *Declaration) []string {
		return setKeys(key{"queueUrl", d.QueueURL != ""})
	},
	Validate: validateSQS,
	Environment: func(d *Declaration, set func(name, value string)) {
		set(EnvSQSQueueURL, d.QueueURL)
	},
	Statements: func(d *Declaration) []Statement {
		return []Statement{{Sid: "SendToSinkQueue", Actions: []string{"sqs:SendMessage"}, Resources: []string{queueARN(d.QueueURL)}}}
	},
}

// SQSSettings are the sqs sink's settings.
type SQSSettings struct {
	// QueueURL (SINK_SQS_QUEUE_URL, required for sqs); a URL ending in
	// .fifo is a FIFO queue.
	QueueURL string
}

// IsFIFO reports whether the queue is a FIFO queue.
func (s SQSSettings) IsFIFO() bool { return strings.HasSuffix(s.QueueURL, ".fifo") }

// SQSKeys are the cdk.json keys of an sqs sink.
type SQSKeys struct {
	// QueueURL is the SQS queue URL.
	QueueURL string `json:"queueUrl"`
}

func checkSQS(e *Env, s *Settings) {
	e.Require(EnvSQSQueueURL, s.SQS.QueueURL)
	if s.SQS.QueueURL != "" {
		if u, err := url.Parse(s.SQS.QueueURL); err != nil || u.Host == "" {
			e.Fail(EnvSQSQueueURL, "is not an absolute URL")
		}
	}
}

func newSQS(_ context.Context, s *Settings, d Deps) (Sink, error) {
	ac, endpoint, err := d.awsClient(lambdafn.ServiceSQS)
	if err != nil {
		return nil, err
	}
	return &SQS{
		Client: sqs.NewFromConfig(ac, func(o *sqs.Options) {
			o.Retryer = noRetry
			o.BaseEndpoint = endpoint
			o.Region = regionFor(s.SQS.QueueURL, ac.Region)
		}),
		QueueURL: s.SQS.QueueURL,
		FIFO:     s.SQS.IsFIFO(),
	}, nil
}

var queueURLRE = lazyRE(`^https://sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?/(\d{12})/([A-Za-z0-9_-]{1,80}(\.fifo)?)$`)

func validateSQS(d *Declaration) error {
	if d.QueueURL == "" {
		return fmt.Errorf("sink.queueUrl: required for kind sqs")
	}
	if !queueURLRE().MatchString(d.QueueURL) {
		return fmt.Errorf("sink.queueUrl: %q is not an SQS queue URL (https://sqs.region.amazonaws.com/account/name)", d.QueueURL)
	}
	return nil
}

// queueARN turns a validated queue URL into the queue's ARN.
func queueARN(queueURL string) string {
	m := queueURLRE().FindStringSubmatch(queueURL)
	if m == nil {
		return ""
	}
	partition := "aws"
	if m[2] == ".cn" {
		partition = "aws-cn"
	}
	return "arn:" + partition + ":sqs:" + m[1] + ":" + m[3] + ":" + m[4]
}

// SQSAPI is the part of the SQS client the sink uses; the SDK client
// satisfies it, tests may fake it.
type SQSAPI interface {
	SendMessage(ctx context.Context, in *sqs.SendMessageInput, optFns ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
}

var _ SQSAPI = (*sqs.Client)(nil)

// SQS sends each event as one message whose body is the structured
// CloudEvent. Delivery succeeded when SQS returned a MessageId.
type SQS struct {
	Client   SQSAPI
	QueueURL string
	// FIFO sets MessageGroupId (user pool id) and MessageDeduplicationId
	// (event id).
	FIFO bool
}

var _ Sink = (*SQS)(nil)

// Send calls SendMessage.
func (s *SQS) Send(ctx context.Context, ev *events.Event) error {
	in := &sqs.SendMessageInput{
		QueueUrl:          aws.String(s.QueueURL),
		MessageBody:       aws.String(string(ev.AppendJSON(make([]byte, 0, 512+len(ev.Data))))),
		MessageAttributes: map[string]sqstypes.MessageAttributeValue{},
	}
	messageAttributes(ev, func(name, value string) {
		in.MessageAttributes[name] = sqstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(value)}
	})
	if s.FIFO {
		in.MessageGroupId = aws.String(groupID(ev))
		in.MessageDeduplicationId = aws.String(ev.ID)
	}
	out, err := s.Client.SendMessage(ctx, in)
	if err != nil {
		return fmt.Errorf("sending message: %w", classifyAWS(err))
	}
	if aws.ToString(out.MessageId) == "" {
		return fmt.Errorf("sending message: %w: no MessageId", ErrNotAcknowledged)
	}
	return nil
}
