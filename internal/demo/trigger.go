package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	lambdaevents "github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognito-events/cognito-events/internal/cesink"
	fwconfig "github.com/cognito-events/cognito-events/internal/forwarder/config"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime"
)

// Defaults of demo-triggers' flags, as "make demo" runs it.
const (
	DefaultTriggerBootstrap = "build/demo/trigger/bootstrap"
	DefaultCognitoLocal     = "tools/emulators/node_modules/cognito-local"
	demoTriggerFunction     = "demo-trigger"
	demoTriggerARN          = "arn:aws:lambda:us-east-1:123456789012:function:" + demoTriggerFunction
	demoTriggerRegion       = "us-east-1"
)

// demoTriggers are the triggers cognito-local is configured to call.
var demoTriggers = []string{"PreSignUp", "CustomMessage", "PostConfirmation", "PostAuthentication", "PreTokenGeneration"}

type TriggerOptions struct {
	TriggerBootstrap, Bootstrap, CognitoLocal string
	Logs                                      io.Writer
}

// TriggerResult is what the triggers step did.
type TriggerResult struct {
	// Invocations are the trigger sources cognito-local called, in order.
	Invocations       []string
	FailedInvocations int
	Queued            int // events the trigger function queued
	ForwarderFailures int // queued events the forwarder failed on
	Received          int // by the local sink
}

// Problem says what did not add up, or "".
func (r TriggerResult) Problem() string {
	switch {
	case len(r.Invocations) == 0:
		return "cognito-local called no trigger"
	case r.FailedInvocations > 0:
		return fmt.Sprintf("%d trigger invocations failed", r.FailedInvocations)
	case r.Queued != len(r.Invocations):
		return fmt.Sprintf("%d invocations queued %d events", len(r.Invocations), r.Queued)
	case r.ForwarderFailures > 0:
		return fmt.Sprintf("the forwarder failed on %d events", r.ForwarderFailures)
	case r.Received != r.Queued:
		return fmt.Sprintf("the sink received %d of %d events", r.Received, r.Queued)
	}
	return ""
}

// writeTriggerLines writes the step's counts, one per line.
func writeTriggerLines(w io.Writer, r TriggerResult) {
	fmt.Fprintf(w, "   trigger invocations  %d (%s), %d failed\n", len(r.Invocations), strings.Join(r.Invocations, ", "), r.FailedInvocations)
	fmt.Fprintf(w, "   queued               %d\n", r.Queued)
	fmt.Fprintf(w, "   forwarder failures   %d\n", r.ForwarderFailures)
	fmt.Fprintf(w, "   received by the sink %d\n", r.Received)
}

// Triggers runs the flow and prints the summary, as "cognito-events
// demo-triggers" does; the error says what did not add up.
func Triggers(ctx context.Context, o TriggerOptions, out io.Writer) error {
	r, err := RunTriggers(ctx, o, out)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\n== summary (triggers)\n")
	writeTriggerLines(out, r)
	if p := r.Problem(); p != "" {
		return errors.New(p)
	}
	return nil
}

// RunTriggers runs the flow: a sign-up on cognito-local through the trigger
// bootstrap, then the forwarder with the queued events. It prints each step
// and what the sink receives, not a summary; the error means the flow could
// not run, the result says how it fared.
func RunTriggers(ctx context.Context, o TriggerOptions, out io.Writer) (TriggerResult, error) {
	var res TriggerResult
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	for _, p := range []string{o.TriggerBootstrap, o.Bootstrap} {
		if _, err := os.Stat(p); err != nil {
			return res, fmt.Errorf("finding the bootstrap: %w (make demo builds it)", err)
		}
	}
	receiver := cesink.New(cesink.Options{Out: out})
	sinkURL, err := demoServe(ctx, receiver)
	if err != nil {
		return res, err
	}
	queue := &demoQueue{}
	queueURL, err := demoServe(ctx, queue)
	if err != nil {
		return res, err
	}
	trig, err := lambdaruntime.Start(ctx, lambdaruntime.FunctionOptions{
		Server: lambdaruntime.Options{FunctionARN: demoTriggerARN, Timeout: 5 * time.Second},
		Process: lambdaruntime.ProcessOptions{Path: o.TriggerBootstrap, Stdout: o.Logs, Stderr: o.Logs, Env: demoEnv(map[string]string{
			fwconfig.EnvSinkKind: "http", fwconfig.EnvSinkURL: queueURL + "/trigger-queue", "SINK_HTTP_MODE": "structured",
			fwconfig.EnvAllowInsecure: "true", fwconfig.EnvAuth: "none",
			"TRIGGER_BUDGET": "1s", "TRIGGER_ATTRIBUTES_DENY": "phone_number", "TRIGGER_CLIENT_METADATA_ALLOW": "campaign",
			"AWS_LAMBDA_FUNCTION_NAME": demoTriggerFunction,
		})},
	})
	if err != nil {
		return res, fmt.Errorf("starting the trigger function: %w", err)
	}
	defer trig.Close()
	front := &countingInvoker{fn: trig}
	invokeURL, err := demoServe(ctx, lambdaruntime.NewInvokeAPI(map[string]lambdaruntime.Invoker{demoTriggerFunction: front}))
	if err != nil {
		return res, err
	}
	work, err := os.MkdirTemp("", "cognito-events-demo-triggers-")
	if err != nil {
		return res, fmt.Errorf("creating cognito-local's directory: %w", err)
	}
	defer os.RemoveAll(work)
	cl, err := startCognitoLocal(ctx, o.CognitoLocal, work, invokeURL, demoTriggerFunction, demoTriggers, o.Logs)
	if err != nil {
		return res, err
	}
	defer cl.Stop()

	fmt.Fprintf(out, "\n== triggers: cognito-local at %s calls the trigger bootstrap for %s\n", cl.URL, strings.Join(demoTriggers, ", "))
	if err := demoSignUpFlow(ctx, cl.URL, out); err != nil {
		return res, err
	}
	res.Invocations, res.FailedInvocations = front.invoked()
	bodies := queue.drain()
	res.Queued = len(bodies)
	fmt.Fprintf(out, "   the trigger function answered %d invocations and queued %d events\n", len(res.Invocations), len(bodies))

	fmt.Fprintf(out, "\n== forwarder (FORWARDER_INPUT=sqs-cloudevents) invoked with the queued events as SQS batches, delivering to the local sink:\n")
	res.ForwarderFailures, err = demoForward(ctx, o, bodies, sinkURL)
	if err != nil {
		return res, err
	}
	res.Received = receiver.Count()
	return res, nil
}

// demoEnv is a function's environment: vars and what Lambda sets.
func demoEnv(vars map[string]string) []string {
	env := []string{
		"AWS_REGION=" + demoTriggerRegion, "AWS_DEFAULT_REGION=" + demoTriggerRegion,
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128",
		"AWS_LAMBDA_LOG_FORMAT=JSON", "AWS_LAMBDA_LOG_LEVEL=INFO", "TZ=:UTC",
	}
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	slices.Sort(env)
	return env
}

// demoSignUpFlow creates a pool and a client on cognito-local, signs a
// user up, confirms and signs them in, printing each step.
func demoSignUpFlow(ctx context.Context, endpoint string, out io.Writer) error {
	api := cip.New(cip.Options{
		Region:       demoTriggerRegion,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
	})
	pool, err := api.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("demo")})
	if err != nil {
		return fmt.Errorf("creating the user pool: %w", err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	client, err := api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(poolID), ClientName: aws.String("demo"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
	if err != nil {
		return fmt.Errorf("creating the app client: %w", err)
	}
	clientID := aws.ToString(client.UserPoolClient.ClientId)
	fmt.Fprintf(out, "   CreateUserPool       %s, client %s\n", poolID, clientID)
	const user, password = "demo-user", "Demo-passw0rd!"
	steps := []struct {
		name string
		call func() error
	}{
		{"SignUp", func() error {
			_, err := api.SignUp(ctx, &cip.SignUpInput{
				ClientId: aws.String(clientID), Username: aws.String(user), Password: aws.String(password),
				UserAttributes: []types.AttributeType{
					{Name: aws.String("email"), Value: aws.String("demo@example.com")},
					{Name: aws.String("phone_number"), Value: aws.String("+15555550100")},
				},
				ClientMetadata: map[string]string{"campaign": "demo", "secret": "not-for-the-event"},
			})
			return err
		}},
		{"ConfirmSignUp", func() error {
			_, err := api.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(clientID), Username: aws.String(user), ConfirmationCode: aws.String(demoConfirmationCode)})
			return err
		}},
		{"InitiateAuth", func() error {
			_, err := api.InitiateAuth(ctx, &cip.InitiateAuthInput{
				ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
				AuthParameters: map[string]string{"USERNAME": user, "PASSWORD": password},
			})
			return err
		}},
	}
	for _, s := range steps {
		if err := s.call(); err != nil {
			return fmt.Errorf("%s of %s: %w", s.name, user, err)
		}
		fmt.Fprintf(out, "   %-20s %s: ok\n", s.name, user)
	}
	return nil
}

// demoSources lists the sources of the queued events: the demo's one pool,
// which the stack would name in FORWARDER_ALLOWED_SOURCES.
func demoSources(bodies [][]byte) string {
	var out []string
	for _, b := range bodies {
		var ev struct {
			Source string `json:"source"`
		}
		if json.Unmarshal(b, &ev) == nil && ev.Source != "" && !slices.Contains(out, ev.Source) {
			out = append(out, ev.Source)
		}
	}
	return strings.Join(out, ",")
}

// demoForward runs the forwarder with FORWARDER_INPUT=sqs-cloudevents and
// invokes it with the queued bodies in SQS batches of 10, as the trigger
// queue's event source mapping does; it returns the failed messages.
func demoForward(ctx context.Context, o TriggerOptions, bodies [][]byte, sinkURL string) (int, error) {
	if len(bodies) == 0 {
		return 0, nil
	}
	fn, err := lambdaruntime.Start(ctx, lambdaruntime.FunctionOptions{
		Server: lambdaruntime.Options{FunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:demo-triggers-forwarder", Timeout: 30 * time.Second},
		Process: lambdaruntime.ProcessOptions{Path: o.Bootstrap, Stdout: o.Logs, Stderr: o.Logs, Env: demoEnv(map[string]string{
			fwconfig.EnvInput: string(fwconfig.InputSQSCloudEvents), fwconfig.EnvSinkKind: "http", fwconfig.EnvSinkURL: sinkURL + "/triggers/" + demoTriggerRegion,
			fwconfig.EnvAllowInsecure: "true", fwconfig.EnvAuth: "none",
			fwconfig.EnvAllowedSources: demoSources(bodies),
			"AWS_LAMBDA_FUNCTION_NAME": "demo-triggers-forwarder",
		})},
	})
	if err != nil {
		return 0, fmt.Errorf("starting the forwarder: %w", err)
	}
	defer fn.Close()
	failed, sent := 0, 0
	for batch := range slices.Chunk(bodies, 10) {
		ev := lambdaevents.SQSEvent{Records: make([]lambdaevents.SQSMessage, len(batch))}
		for i, b := range batch {
			ev.Records[i] = lambdaevents.SQSMessage{
				MessageId: fmt.Sprintf("demo-trigger-%04d", sent+i), Body: string(b),
				EventSource: "aws:sqs", EventSourceARN: "arn:aws:sqs:us-east-1:123456789012:demo-trigger-queue", AWSRegion: demoTriggerRegion,
				Attributes: map[string]string{"ApproximateReceiveCount": "1"},
			}
		}
		sent += len(batch)
		payload, err := json.Marshal(ev)
		if err != nil {
			return 0, fmt.Errorf("encoding an SQS batch: %w", err)
		}
		resp, err := fn.Invoke(ctx, payload)
		if err != nil {
			return 0, fmt.Errorf("invoking the forwarder: %w", err)
		}
		var r lambdaevents.SQSEventResponse
		if err := json.Unmarshal(resp, &r); err != nil {
			return 0, fmt.Errorf("reading the forwarder's answer %q: %w", resp, err)
		}
		failed += len(r.BatchItemFailures)
	}
	return failed, nil
}
