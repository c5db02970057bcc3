package sink

import (
	"context"
	"errors"
	"net/http"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/lambdafn"
)

// awsClient returns the AWS configuration and the endpoint override of
// service, for an AWS sink's client.
func (d Deps) awsClient(service string) (aws.Config, *string, error) {
	ac, err := d.AWS()
	if err != nil {
		return aws.Config{}, nil, err
	}
	getenv := d.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	return ac, lambdafn.Endpoint(getenv, service), nil
}

// noRetry turns the SDK's retries off: the forwarder retries itself, with
// its own bounds, and SDK retries would multiply the attempts.
var noRetry = aws.NopRetryer{}

// MessageAttributeNames are the context attributes the SQS and SNS sinks copy
// into message attributes. SQS allows at most 10 per message, so the four
// attributes that are constant or only informative (specversion,
// datacontenttype, dataschema, time) travel only in the body. errorcode
// (CloudTrail events) and sequence (user sync events) never meet on one
// event, so an event has at most 10 of these.
var MessageAttributeNames = []string{
	"id", "type", "source", "subject",
	events.ExtEventName, events.ExtUserPoolID, events.ExtAWSRegion,
	events.ExtAWSAccountID, events.ExtResourceType, events.ExtErrorCode,
	events.ExtSequence,
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
