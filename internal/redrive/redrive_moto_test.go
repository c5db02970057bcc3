package redrive

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfn "github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/cesink"
	"github.com/cognito-events/cognito-events/internal/emulator/moto"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime/lambdatest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	lambdatest.Cleanup()
	moto.StopShared()
	os.Exit(code)
}

const stack = "cognito-events-us-east-1"

func envelope(t *testing.T, name string) (body, id string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "envelopes", name))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := events.Normalize(data)
	if err != nil {
		t.Fatalf("normalising %s: %v", name, err)
	}
	return string(data), ev.ID
}

// world is a stack on moto with a buffered route (users: buffer queue,
// its dead-letter queue with 3 events) and a direct route (clients: a
// dead-letter queue with 2 events as EventBridge puts them, an on-failure
// destination with 1 as Lambda's record), and the direct route's real
// forwarder bootstrap behind a local Lambda Invoke API delivering to a
// local CloudEvents sink.
type world struct {
	clients                    Clients
	sqs                        *sqs.Client
	buffer, usersDLQ           string
	clientsDLQ, clientsFailure string
	usersIDs, clientsIDs       []string
	usersBodies                []string
	sink                       *cesink.Receiver
	cfg                        aws.Config
}

func setup(t *testing.T, sinkOK bool) *world {
	t.Helper()
	if testing.Short() {
		t.Skip("uses moto_server and the forwarder bootstrap")
	}
	srv := moto.Shared(t)
	srv.Reset(t)
	cfg := srv.Config()
	ctx := context.Background()
	w := &world{sqs: sqs.NewFromConfig(cfg), cfg: cfg}
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	queue := func(name string, attrs map[string]string) string {
		out, err := w.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
		must("CreateQueue "+name, err)
		return aws.ToString(out.QueueUrl)
	}
	send := func(url, body string) {
		_, err := w.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body),
			MessageAttributes: map[string]sqstypes.MessageAttributeValue{"ERROR_CODE": {DataType: aws.String("String"), StringValue: aws.String("429")}}})
		must("SendMessage", err)
	}
	w.usersDLQ = queue("users-dlq", nil)
	w.buffer = queue("users-buffer", map[string]string{"RedrivePolicy": fmt.Sprintf(`{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:users-dlq","maxReceiveCount":"3"}`)})
	for _, name := range []string{"AdminCreateUser.json", "AdminDisableUser.json", "AdminEnableUser.json"} {
		body, id := envelope(t, name)
		send(w.usersDLQ, body)
		w.usersIDs = append(w.usersIDs, id)
		w.usersBodies = append(w.usersBodies, body)
	}
	w.clientsDLQ = queue("clients-dlq", nil)
	w.clientsFailure = queue("clients-failures", nil)
	for _, name := range []string{"CreateUserPoolClient.json", "DeleteUserPoolClient.json"} {
		body, id := envelope(t, name)
		send(w.clientsDLQ, body)
		w.clientsIDs = append(w.clientsIDs, id)
	}
	body, id := envelope(t, "UpdateUserPoolClient.json")
	send(w.clientsFailure, `{"version":"1.0","timestamp":"2025-01-08T16:00:00.000Z","requestContext":{"requestId":"r-1","functionArn":"arn:aws:lambda:us-east-1:123456789012:function:clients-fn:$LATEST","condition":"RetriesExhausted","approximateInvokeCount":3},"requestPayload":`+body+`,"responseContext":{"statusCode":200,"functionError":"Unhandled"},"responsePayload":{"errorMessage":"sink 503"}}`)
	w.clientsIDs = append(w.clientsIDs, id)
	slices.Sort(w.usersIDs)
	slices.Sort(w.clientsIDs)

	outputs := map[string][2]string{
		"usersDeadLetterQueueUrl":   {w.usersDLQ, "dead-letter queue of route users"},
		"usersFunctionName":         {"users-fn", "forwarder function of route users"},
		"clientsDeadLetterQueueUrl": {w.clientsDLQ, "dead-letter queue of route clients"},
		"clientsFailureQueueUrl":    {w.clientsFailure, "on-failure destination of route clients"},
		"clientsFunctionName":       {"clients-fn", "forwarder function of route clients"},
	}
	var b strings.Builder
	b.WriteString(`{"Resources": {"Placeholder": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "redrive-placeholder"}}}, "Outputs": {`)
	i := 0
	for k, v := range outputs {
		if i > 0 {
			b.WriteString(",")
		}
		i++
		fmt.Fprintf(&b, "%q: {\"Value\": %q, \"Description\": %q}", k, v[0], v[1])
	}
	b.WriteString("}}")
	_, err := cfn.NewFromConfig(cfg).CreateStack(ctx, &cfn.CreateStackInput{StackName: aws.String(stack), TemplateBody: aws.String(b.String())})
	must("CreateStack", err)

	w.sink = cesink.New(cesink.Options{})
	sinkSrv := httptest.NewServer(w.sink)
	t.Cleanup(sinkSrv.Close)
	sinkURL := sinkSrv.URL + "/clients"
	if !sinkOK {
		sinkSrv.Close() // every delivery fails: nothing listens
	}
	boot := lambdatest.Build(t, "../../functions/forwarder")
	fn, err := lambdaruntime.Start(ctx, lambdaruntime.FunctionOptions{
		Server: lambdaruntime.Options{FunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:clients-fn", Timeout: 10 * time.Second},
		Process: lambdaruntime.ProcessOptions{Path: boot, Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Env: []string{
			"AWS_REGION=us-east-1", "AWS_LAMBDA_FUNCTION_NAME=clients-fn", "AWS_LAMBDA_FUNCTION_VERSION=$LATEST", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128",
			"SINK_KIND=http", "SINK_URL=" + sinkURL, "SINK_ALLOW_INSECURE=true", "SINK_AUTH=none", "RETRY_MAX_ATTEMPTS=1",
		}},
	})
	must("starting the forwarder", err)
	t.Cleanup(func() { fn.Close() })
	front, err := lambdaruntime.StartInvokeAPI(map[string]lambdaruntime.Invoker{"clients-fn": fn})
	must("starting the invoke API", err)
	t.Cleanup(func() { front.Close() })
	lcfg := cfg.Copy()
	lcfg.BaseEndpoint = aws.String(front.URL())
	w.clients = Clients{CloudFormation: cfn.NewFromConfig(cfg), SQS: w.sqs, Lambda: lambda.NewFromConfig(lcfg)}
	return w
}

func (w *world) depth(t *testing.T, url string) int {
	t.Helper()
	out, err := w.sqs.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessages, sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := strconv.Atoi(out.Attributes["ApproximateNumberOfMessages"])
	b, _ := strconv.Atoi(out.Attributes["ApproximateNumberOfMessagesNotVisible"])
	return a + b
}

func TestRedriveBuffered(t *testing.T) {
	w := setup(t, true)
	ctx := context.Background()
	var out, progress bytes.Buffer
	res, err := Run(ctx, w.clients, Options{Stack: stack, Region: "us-east-1", Route: "users", DryRun: true, Out: &out, Progress: &progress})
	if err != nil || len(res.Queues) != 1 || res.Queues[0].Moved != 3 || res.Queues[0].Target != "queue users-buffer" {
		t.Fatalf("dry run: %+v, %v\n%s", res, err, out.String())
	}
	for _, id := range w.usersIDs {
		if !strings.Contains(out.String(), "would move ") || !strings.Contains(out.String(), id) {
			t.Errorf("dry run does not list %s:\n%s", id, out.String())
		}
	}
	if d := w.depth(t, w.usersDLQ); d != 3 {
		t.Fatalf("after the dry run the dead-letter queue holds %d, want 3", d)
	}
	if d := w.depth(t, w.buffer); d != 0 {
		t.Fatalf("after the dry run the buffer holds %d, want 0", d)
	}

	out.Reset()
	res, err = Run(ctx, w.clients, Options{Stack: stack, Region: "us-east-1", Route: "users", Out: &out, Progress: &progress})
	if err != nil || res.Queues[0].Moved != 3 || res.Failed() != 0 {
		t.Fatalf("redrive: %+v, %v\n%s", res, err, out.String())
	}
	if d := w.depth(t, w.usersDLQ); d != 0 {
		t.Errorf("the dead-letter queue still holds %d", d)
	}
	got, err := w.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(w.buffer), MaxNumberOfMessages: 10, MessageAttributeNames: []string{"All"}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range got.Messages {
		if !slices.Contains(w.usersBodies, aws.ToString(m.Body)) {
			t.Errorf("a moved body changed: %.80s", aws.ToString(m.Body))
		}
		if a, ok := m.MessageAttributes["ERROR_CODE"]; !ok || aws.ToString(a.StringValue) != "429" {
			t.Errorf("message attributes not kept: %v", m.MessageAttributes)
		}
		ev, err := events.Normalize([]byte(aws.ToString(m.Body)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ev.ID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, w.usersIDs) {
		t.Errorf("the buffer holds events %v, want %v (same ids)", ids, w.usersIDs)
	}
	if !strings.Contains(progress.String(), "redrive users-dlq: 3 moved, 0 failed") {
		t.Errorf("progress:\n%s", progress.String())
	}
}

func TestRedriveDirect(t *testing.T) {
	w := setup(t, true)
	ctx := context.Background()
	var out bytes.Buffer
	res, err := Run(ctx, w.clients, Options{Stack: stack, Region: "us-east-1", Route: "clients", Out: &out, Progress: &bytes.Buffer{}})
	if err != nil || len(res.Queues) != 2 || res.Failed() != 0 || res.Queues[0].Moved+res.Queues[1].Moved != 3 {
		t.Fatalf("redrive: %+v, %v\n%s", res, err, out.String())
	}
	var got []string
	for _, ev := range w.sink.Events() {
		got = append(got, ev.Event.ID())
	}
	slices.Sort(got)
	if !slices.Equal(got, w.clientsIDs) {
		t.Fatalf("the sink received %v, want %v (the original ids)", got, w.clientsIDs)
	}
	if d := w.depth(t, w.clientsDLQ) + w.depth(t, w.clientsFailure); d != 0 {
		t.Errorf("%d messages left", d)
	}
}

func TestRedriveDirectSinkDown(t *testing.T) {
	w := setup(t, false)
	var out bytes.Buffer
	res, err := Run(context.Background(), w.clients, Options{Stack: stack, Region: "us-east-1", Route: "clients", Out: &out, Progress: &bytes.Buffer{}})
	if err != nil || res.Failed() != 3 {
		t.Fatalf("redrive: %+v, %v\n%s", res, err, out.String())
	}
	if !strings.Contains(out.String(), "failed ") || !strings.Contains(out.String(), ErrFunction.Error()) {
		t.Errorf("output:\n%s", out.String())
	}
	if d := w.depth(t, w.clientsDLQ) + w.depth(t, w.clientsFailure); d != 3 {
		t.Errorf("%d messages left, want all 3 kept", d)
	}
	_, err = Run(context.Background(), w.clients, Options{Stack: stack, Region: "us-east-1", Route: "nope", Out: &out})
	if err == nil || !strings.Contains(err.Error(), "has no route nope") {
		t.Errorf("unknown route: %v", err)
	}
}
