package sink

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/lambdafn"
)

// EnvSNSTopicARN is the sns sink's variable, as in docs/forwarder.md.
const EnvSNSTopicARN = "SINK_SNS_TOPIC_ARN"

var snsSpec = Spec{
	Kind:     KindSNS,
	Vars:     []string{EnvSNSTopicARN},
	Service:  lambdafn.ServiceSNS,
	KMS:      true,
	Read:     func(e *Env, s *Settings) { s.SNS.TopicARN = e.Str(EnvSNSTopicARN) },
	Check:    checkSNS,
	NeedsAWS: always,
	New:      newSNS,
	Keys: func(d *Declaration) []string {
		return setKeys(key{"topicArn", d.TopicARN != ""})
	},
	Validate: validateSNS,
	Environment: func(d *Declaration, set func(name, value string)) {
		set(EnvSNSTopicARN, d.TopicARN)
	},
	Statements: func(d *Declaration) []Statement {
		return []Statement{{Sid: "PublishToSinkTopic", Actions: []string{"sns:Publish"}, Resources: []string{d.TopicARN}}}
	},
}

// SNSSettings are the sns sink's settings.
type SNSSettings struct {
	// TopicARN (SINK_SNS_TOPIC_ARN, required for sns); an ARN ending in
	// .fifo is a FIFO topic.
	TopicARN string
}

// IsFIFO reports whether the topic is a FIFO topic.
func (s SNSSettings) IsFIFO() bool { return strings.HasSuffix(s.TopicARN, ".fifo") }

// SNSKeys are the cdk.json keys of an sns sink.
type SNSKeys struct {
	// TopicARN is the SNS topic ARN.
	TopicARN string `json:"topicArn"`
}

func checkSNS(e *Env, s *Settings) {
	e.Require(EnvSNSTopicARN, s.SNS.TopicARN)
	if s.SNS.TopicARN != "" && !strings.HasPrefix(s.SNS.TopicARN, "arn:") {
		e.Fail(EnvSNSTopicARN, "is not an ARN")
	}
}

func newSNS(_ context.Context, s *Settings, d Deps) (Sink, error) {
	ac, endpoint, err := d.awsClient(lambdafn.ServiceSNS)
	if err != nil {
		return nil, err
	}
	return &SNS{
		Client: sns.NewFromConfig(ac, func(o *sns.Options) {
			o.Retryer = noRetry
			o.BaseEndpoint = endpoint
			o.Region = regionFor(s.SNS.TopicARN, ac.Region)
		}),
		TopicARN: s.SNS.TopicARN,
		FIFO:     s.SNS.IsFIFO(),
	}, nil
}

var topicARNRE = lazyRE(`^` + partitionRE + `:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$`)

func validateSNS(d *Declaration) error {
	if d.TopicARN == "" {
		return fmt.Errorf("sink.topicArn: required for kind sns")
	}
	if !topicARNRE().MatchString(d.TopicARN) {
		return fmt.Errorf("sink.topicArn: %q is not an SNS topic ARN (arn:aws:sns:region:account:name)", d.TopicARN)
	}
	return nil
}

// SNSAPI is the part of the SNS client the sink uses; the SDK client
// satisfies it, tests may fake it.
type SNSAPI interface {
	Publish(ctx context.Context, in *sns.PublishInput, optFns ...func(*sns.Options)) (*sns.PublishOutput, error)
}

var _ SNSAPI = (*sns.Client)(nil)

// SNS publishes each event; the message is the structured CloudEvent, the
// attributes let subscribers filter. Delivery succeeded when SNS returned a
// MessageId.
type SNS struct {
	Client   SNSAPI
	TopicARN string
	// FIFO sets MessageGroupId (user pool id) and MessageDeduplicationId
	// (event id).
	FIFO bool
}

var _ Sink = (*SNS)(nil)

// Send calls Publish.
func (s *SNS) Send(ctx context.Context, ev *events.Event) error {
	in := &sns.PublishInput{
		TopicArn:          aws.String(s.TopicARN),
		Message:           aws.String(string(ev.AppendJSON(make([]byte, 0, 512+len(ev.Data))))),
		MessageAttributes: map[string]snstypes.MessageAttributeValue{},
	}
	messageAttributes(ev, func(name, value string) {
		in.MessageAttributes[name] = snstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(value)}
	})
	if s.FIFO {
		in.MessageGroupId = aws.String(groupID(ev))
		in.MessageDeduplicationId = aws.String(ev.ID)
	}
	out, err := s.Client.Publish(ctx, in)
	if err != nil {
		return fmt.Errorf("publishing message: %w", classifyAWS(err))
	}
	if aws.ToString(out.MessageId) == "" {
		return fmt.Errorf("publishing message: %w: no MessageId", ErrNotAcknowledged)
	}
	return nil
}
