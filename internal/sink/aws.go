package sink

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/cognito-events/cognito-events/events"
)

// The AWS API calls each sink makes; the SDK clients satisfy them, tests
// may fake them.
type (
	// EventBridgeAPI is the part of the EventBridge client the sink uses.
	EventBridgeAPI interface {
		PutEvents(ctx context.Context, in *eventbridge.PutEventsInput, optFns ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error)
	}
	// SQSAPI is the part of the SQS client the sink uses.
	SQSAPI interface {
		SendMessage(ctx context.Context, in *sqs.SendMessageInput, optFns ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
	}
	// SNSAPI is the part of the SNS client the sink uses.
	SNSAPI interface {
		Publish(ctx context.Context, in *sns.PublishInput, optFns ...func(*sns.Options)) (*sns.PublishOutput, error)
	}
)

var (
	_ EventBridgeAPI = (*eventbridge.Client)(nil)
	_ SQSAPI         = (*sqs.Client)(nil)
	_ SNSAPI         = (*sns.Client)(nil)
)

// EventBridge puts each event on a bus; Detail is the structured
// CloudEvent. Delivery succeeded when FailedEntryCount is 0.
type EventBridge struct {
	Client     EventBridgeAPI
	Bus        string
	Source     string
	DetailType string
}

var _ Sink = (*EventBridge)(nil)

// Send calls PutEvents with one entry.
func (s *EventBridge) Send(ctx context.Context, ev *events.Event) error {
	entry := ebtypes.PutEventsRequestEntry{
		EventBusName: aws.String(s.Bus),
		Source:       aws.String(s.Source),
		DetailType:   aws.String(s.DetailType),
		Detail:       aws.String(string(ev.AppendJSON(make([]byte, 0, 512+len(ev.Data))))),
	}
	if t, err := time.Parse(time.RFC3339Nano, ev.Time); err == nil {
		entry.Time = aws.Time(t)
	}
	if strings.HasPrefix(ev.Source, "arn:") && ev.UserPoolID != "" {
		entry.Resources = []string{ev.Source}
	}
	out, err := s.Client.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{entry}})
	if err != nil {
		return fmt.Errorf("putting event: %w", classifyAWS(err))
	}
	if out.FailedEntryCount == 0 && len(out.Entries) == 1 && aws.ToString(out.Entries[0].EventId) != "" {
		return nil
	}
	code, msg := "", ""
	if len(out.Entries) > 0 {
		code, msg = aws.ToString(out.Entries[0].ErrorCode), aws.ToString(out.Entries[0].ErrorMessage)
	}
	err = fmt.Errorf("putting event: %w: %d failed entries, code %q: %s", ErrNotAcknowledged, out.FailedEntryCount, code, msg)
	if code != "" && !transientEntryCode(code) {
		return permanent(err)
	}
	return err
}

// transientEntryCode reports PutEvents entry error codes worth a retry.
func transientEntryCode(code string) bool {
	if _, ok := retry.DefaultThrottleErrorCodes[code]; ok {
		return true
	}
	switch code {
	case "InternalFailure", "InternalException", "ServiceUnavailable", "ServiceUnavailableException":
		return true
	}
	return false
}

// MessageAttributeNames are the context attributes the SQS and SNS sinks copy
// into message attributes. SQS allows at most 10 per message, so the four
// attributes that are constant or only informative (specversion,
// datacontenttype, dataschema, time) travel only in the body.
var MessageAttributeNames = []string{
	"id", "type", "source", "subject",
	events.ExtEventName, events.ExtUserPoolID, events.ExtAWSRegion,
	events.ExtAWSAccountID, events.ExtResourceType, events.ExtErrorCode,
}

func messageAttributes(ev *events.Event, add func(name, value string)) {
	attrs := ev.Attributes()
	for _, name := range MessageAttributeNames {
		for _, a := range attrs {
			if a.Name == name {
				add(name, a.Value)
				break
			}
		}
	}
}

// groupID is the FIFO MessageGroupId: the user pool, so the events of one
// pool stay in order; the source when the pool is unknown.
func groupID(ev *events.Event) string {
	if ev.UserPoolID != "" {
		return ev.UserPoolID
	}
	return ev.Source
}

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

var retryables = retry.IsErrorRetryables(retry.DefaultRetryables)

// classifyAWS marks an AWS SDK error permanent unless the SDK's own rules
// (connection errors, 5xx, throttling and timeout codes) or a server fault
// say a retry can help. Unknown errors stay transient.
func classifyAWS(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if retryables.IsErrorRetryable(err) == aws.TrueTernary {
		return err
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		code := re.HTTPStatusCode()
		if code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500 {
			return err
		}
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		if ae.ErrorFault() == smithy.FaultServer {
			return err
		}
		return permanent(err)
	}
	if re != nil && re.HTTPStatusCode() >= 400 {
		return permanent(err)
	}
	return err
}
