package logstest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	lambdaevents "github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/cognito-events/cognito-events/internal/forwarder/fwtest"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime/lambdatest"
)

// RepoDir is the module's root, found from this file's location.
func RepoDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// Bootstrap builds the bootstrap of functions/<fn> once per test binary
// (the test's TestMain calls lambdatest.Main).
func Bootstrap(tb testing.TB, fn string) string {
	tb.Helper()
	return lambdatest.Build(tb, filepath.Join(RepoDir(), "functions", fn))
}

// Run starts the bootstrap at path with env under a local Runtime API,
// invokes it with each payload (a function error is an answer too) and
// returns the JSON lines the process wrote to stderr once wantOutcomes
// lines with an outcome have arrived (or after lambdatest.AwaitTimeout).
func Run(tb testing.TB, path string, env []string, wantOutcomes int, payloads ...[]byte) []string {
	tb.Helper()
	return run(tb, path, "arn:aws:lambda:us-east-1:123456789012:function:cognito-events-test", env, wantOutcomes, payloads...)
}

func run(tb testing.TB, path, arn string, env []string, wantOutcomes int, payloads ...[]byte) []string {
	tb.Helper()
	return runUntil(tb, path, arn, env, func(s string) bool { return strings.Count(s, `"outcome":`) >= wantOutcomes }, payloads...)
}

// runUntil is Run with the function's ARN and the condition on its output
// that says every line has arrived.
func runUntil(tb testing.TB, path, arn string, env []string, done func(string) bool, payloads ...[]byte) []string {
	tb.Helper()
	var out lambdatest.Output
	f, err := lambdaruntime.Start(context.Background(), lambdaruntime.FunctionOptions{
		Server:  lambdaruntime.Options{FunctionARN: arn, Timeout: 60 * time.Second},
		Process: lambdaruntime.ProcessOptions{Path: path, Env: env, Stderr: &out},
	})
	if err != nil {
		tb.Fatalf("starting %s: %v", path, err)
	}
	defer f.Close()
	for i, p := range payloads {
		if _, err := f.Invoke(context.Background(), p); err != nil {
			var fe *lambdaruntime.FunctionError
			if !errors.As(err, &fe) {
				tb.Fatalf("invocation %d: %v\noutput:\n%s", i+1, err, out.String())
			}
		}
	}
	text := out.Await(done)
	if !done(text) {
		tb.Fatalf("%s: the output lacks lines it should have:\n%s", filepath.Base(filepath.Dir(path)), text)
	}
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "{") {
			lines = append(lines, l)
		}
	}
	return lines
}

// ForwarderLines runs the real forwarder twice and returns its lines: with
// SINK_KIND=log on update-client.json and token-post.json (two events
// delivered, each with its "cloudevent" line) and skipped identity-pool.json;
// then with an HTTP sink that answers 400 on update-client.json (one event
// failed, attempts 1, with its error).
func ForwarderLines(tb testing.TB) []string {
	tb.Helper()
	path := Bootstrap(tb, "forwarder")
	base := []string{"AWS_REGION=us-east-1", "AWS_LAMBDA_LOG_FORMAT=JSON", "AWS_ACCESS_KEY_ID=AKID", "AWS_SECRET_ACCESS_KEY=SECRET"}
	lines := Run(tb, path, append(base, "SINK_KIND=log"), 3,
		fwtest.Fixture(tb, "update-client.json"), fwtest.Fixture(tb, "token-post.json"), fwtest.Fixture(tb, "identity-pool.json"))
	refuse := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no such tenant", http.StatusBadRequest)
	}))
	defer refuse.Close()
	lines = append(lines, Run(tb, path, append(base, "SINK_KIND=http", "SINK_URL="+refuse.URL, "SINK_ALLOW_INSECURE=true", "RETRY_MAX_ATTEMPTS=2"), 1,
		fwtest.Fixture(tb, "update-client.json"))...)
	return lines
}

// SQSBatch wraps EventBridge events in one SQS batch, as a buffered route's
// function receives them.
func SQSBatch(tb testing.TB, bodies ...[]byte) []byte {
	tb.Helper()
	var ev lambdaevents.SQSEvent
	for i, b := range bodies {
		ev.Records = append(ev.Records, lambdaevents.SQSMessage{MessageId: "m-" + string(rune('a'+i)), EventSource: "aws:sqs", Body: string(b)})
	}
	out, err := json.Marshal(ev)
	if err != nil {
		tb.Fatalf("encoding the batch: %v", err)
	}
	return out
}

// LogsAPI is the part of the CloudWatch Logs client Put uses.
type LogsAPI interface {
	CreateLogGroup(ctx context.Context, in *cwl.CreateLogGroupInput, optFns ...func(*cwl.Options)) (*cwl.CreateLogGroupOutput, error)
	CreateLogStream(ctx context.Context, in *cwl.CreateLogStreamInput, optFns ...func(*cwl.Options)) (*cwl.CreateLogStreamOutput, error)
	PutLogEvents(ctx context.Context, in *cwl.PutLogEventsInput, optFns ...func(*cwl.Options)) (*cwl.PutLogEventsOutput, error)
}

// Put writes lines to a new stream of group (created when missing), one
// millisecond apart from at on, as Lambda would.
func Put(tb testing.TB, client LogsAPI, group, stream string, at time.Time, lines []string) {
	tb.Helper()
	ctx := context.Background()
	if _, err := client.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String(group)}); err != nil && !isExists(err) {
		tb.Fatalf("creating log group %s: %v", group, err)
	}
	if _, err := client.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream)}); err != nil && !isExists(err) {
		tb.Fatalf("creating log stream %s: %v", stream, err)
	}
	in := &cwl.PutLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream)}
	for i, l := range lines {
		in.LogEvents = append(in.LogEvents, cwltypes.InputLogEvent{Message: aws.String(l), Timestamp: aws.Int64(at.Add(time.Duration(i) * time.Millisecond).UnixMilli())})
	}
	var err error
	for range 5 {
		if _, err = client.PutLogEvents(ctx, in); err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatalf("putting %d lines into %s: %v", len(lines), group, err)
}

func isExists(err error) bool {
	var ae *cwltypes.ResourceAlreadyExistsException
	return errors.As(err, &ae)
}
