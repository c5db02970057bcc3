package main

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/cognito-events/cognito-events/internal/emulator/moto"
	"github.com/cognito-events/cognito-events/internal/forwarder/fwtest"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime/lambdatest"
)

// TestBootstrapReachesSinkRegion: a forwarder running in eu-west-1 (its
// AWS_REGION) delivers to an SQS queue, an SNS topic and an EventBridge bus
// that live in us-east-1, as one sink shared by the stacks of several
// regions is configured. moto keeps each region's resources apart, so a
// client built for the function's own region finds none of them (checked
// first, so that the test can fail).
func TestBootstrapReachesSinkRegion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the bootstrap binary against moto")
	}
	const sinkRegion, fnRegion = moto.Region, "eu-west-1"
	srv := moto.Shared(t)
	cfg := srv.Config() // us-east-1
	sqsc, snsc, ebc := sqs.NewFromConfig(cfg), sns.NewFromConfig(cfg), eventbridge.NewFromConfig(cfg)
	suffix := strconv.FormatInt(time.Now().UnixNano(), 36)

	createQueue := func(name string) (url, arn string) {
		moto.Retry(t, "creating queue "+name, func(ctx context.Context) error {
			out, err := sqsc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
			if err == nil {
				url = aws.ToString(out.QueueUrl)
			}
			return err
		}, nil)
		moto.Retry(t, "reading the ARN of "+name, func(ctx context.Context) error {
			out, err := sqsc.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
			if err == nil {
				arn = out.Attributes[string(sqstypes.QueueAttributeNameQueueArn)]
			}
			return err
		}, nil)
		return url, arn
	}
	receive := func(url string) string {
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); {
			out, err := sqsc.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), WaitTimeSeconds: 1, MaxNumberOfMessages: 10})
			if err != nil {
				t.Fatalf("receiving from %s: %v", url, err)
			}
			if len(out.Messages) > 0 {
				return aws.ToString(out.Messages[0].Body)
			}
		}
		t.Fatalf("nothing arrived in %s within 15s", url)
		return ""
	}

	// The sink queue, a topic with a queue subscribed, and a bus with a
	// rule to a queue (moto fails PutEvents when a rule targets SNS).
	sinkQueue := "fw-region-sink-" + suffix
	sinkURL, _ := createQueue(sinkQueue)
	topicReader, topicReaderARN := createQueue("fw-region-topic-" + suffix)
	var topicARN string
	moto.Retry(t, "creating topic", func(ctx context.Context) error {
		out, err := snsc.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("fw-region-" + suffix)})
		if err == nil {
			topicARN = aws.ToString(out.TopicArn)
		}
		return err
	}, nil)
	moto.Retry(t, "subscribing", func(ctx context.Context) error {
		_, err := snsc.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topicARN), Protocol: aws.String("sqs"), Endpoint: aws.String(topicReaderARN),
			Attributes: map[string]string{"RawMessageDelivery": "true"}})
		return err
	}, nil)
	busReader, busReaderARN := createQueue("fw-region-bus-" + suffix)
	bus := "fw-region-" + suffix
	var busARN string
	moto.Retry(t, "creating bus", func(ctx context.Context) error {
		out, err := ebc.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String(bus)})
		if err == nil {
			busARN = aws.ToString(out.EventBusArn)
		}
		return err
	}, nil)
	moto.Retry(t, "putting rule", func(ctx context.Context) error {
		_, err := ebc.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("all"), EventBusName: aws.String(bus), EventPattern: aws.String(`{"source":["cognito-events"]}`)})
		return err
	}, nil)
	moto.Retry(t, "targeting the queue", func(ctx context.Context) error {
		_, err := ebc.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("all"), EventBusName: aws.String(bus),
			Targets: []ebtypes.Target{{Id: aws.String("queue"), Arn: aws.String(busReaderARN)}}})
		return err
	}, nil)

	// The queue does not exist in the function's region.
	eu := cfg
	eu.Region = fnRegion
	if _, err := sqs.NewFromConfig(eu).GetQueueUrl(context.Background(), &sqs.GetQueueUrlInput{QueueName: aws.String(sinkQueue)}); err == nil {
		t.Fatalf("moto found the %s queue from %s: this test could not tell the regions apart", sinkRegion, fnRegion)
	}
	if !strings.Contains(busARN, ":"+sinkRegion+":") || !strings.Contains(topicARN, ":"+sinkRegion+":") {
		t.Fatalf("resources not in %s: %s %s", sinkRegion, busARN, topicARN)
	}

	path := bootstrap(t)
	const wantID = "a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
	for _, tc := range []struct {
		kind   string
		env    []string
		reader string
	}{
		// The queue URL as cdk.json declares it, with its region in the
		// host; AWS_ENDPOINT_URL sends the call to moto.
		{"sqs", []string{"SINK_SQS_QUEUE_URL=https://sqs." + sinkRegion + ".amazonaws.com/" + moto.Account + "/" + sinkQueue}, sinkURL},
		{"sns", []string{"SINK_SNS_TOPIC_ARN=" + topicARN}, topicReader},
		{"eventbridge", []string{"SINK_EVENTBRIDGE_BUS=" + busARN}, busReader},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			var stderr lambdatest.Output
			env := append([]string{"AWS_REGION=" + fnRegion, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
				"AWS_ENDPOINT_URL=" + srv.URL, "SINK_KIND=" + tc.kind}, tc.env...)
			f := startBootstrap(t, path, &stderr, env...)
			body, err := f.Invoke(context.Background(), fwtest.Fixture(t, "update-client.json"))
			var res struct{ EventID, Outcome string }
			if err != nil || json.Unmarshal(body, &res) != nil || res.Outcome != "delivered" {
				t.Fatalf("invocation: %s %v\nstderr:\n%s", body, err, stderr.String())
			}
			got := receive(tc.reader)
			if !strings.Contains(got, wantID) {
				t.Fatalf("%s delivered %s, want event %s", tc.kind, got, wantID)
			}
		})
	}
}
