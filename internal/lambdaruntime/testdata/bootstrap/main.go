// Command bootstrap is a tiny Lambda function for the lambdaruntime tests,
// built with aws-lambda-go. Its payload says what to do:
//
//	{"echo": X}              answer {"echo": X, "requestId": …, "arn": …, "deadlineSet": true}
//	{"fail": "message"}      return an error (errorType errorString)
//	{"sleep": "100ms"}       sleep, then answer
//	{"exit": N}              exit with status N mid-invocation
//
// With INIT_ERROR set it reports that text to /init/error and exits 1;
// with IGNORE_SIGTERM set it ignores SIGTERM; with SPAWN_CHILD set it
// starts a long-running child ("sleep 60") first and prints its pid.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type request struct {
	Echo  json.RawMessage `json:"echo"`
	Fail  string          `json:"fail"`
	Sleep string          `json:"sleep"`
	Exit  *int            `json:"exit"`
}

type response struct {
	Echo        json.RawMessage `json:"echo"`
	RequestID   string          `json:"requestId"`
	ARN         string          `json:"arn"`
	DeadlineSet bool            `json:"deadlineSet"`
	Env         string          `json:"env"`
	Inherited   string          `json:"inherited"`
}

func handle(ctx context.Context, req request) (response, error) {
	if req.Sleep != "" {
		d, err := time.ParseDuration(req.Sleep)
		if err != nil {
			return response{}, fmt.Errorf("parsing sleep: %w", err)
		}
		time.Sleep(d)
	}
	if req.Exit != nil {
		os.Exit(*req.Exit)
	}
	if req.Fail != "" {
		return response{}, errors.New(req.Fail)
	}
	lc, _ := lambdacontext.FromContext(ctx)
	_, hasDeadline := ctx.Deadline()
	return response{Echo: req.Echo, RequestID: lc.AwsRequestID, ARN: lc.InvokedFunctionArn, DeadlineSet: hasDeadline, Env: os.Getenv("DEMO_VALUE"), Inherited: os.Getenv("LAMBDARUNTIME_PARENT")}, nil
}

func main() {
	if os.Getenv("IGNORE_SIGTERM") != "" {
		signal.Ignore(syscall.SIGTERM)
	}
	if os.Getenv("SPAWN_CHILD") != "" {
		child := exec.Command("/bin/sleep", "60")
		if err := child.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		fmt.Printf("child %d\n", child.Process.Pid)
	}
	if msg := os.Getenv("INIT_ERROR"); msg != "" {
		body, _ := json.Marshal(map[string]any{"errorMessage": msg, "errorType": "Runtime.ConfigError", "stackTrace": []string{}})
		req, _ := http.NewRequest(http.MethodPost, "http://"+os.Getenv("AWS_LAMBDA_RUNTIME_API")+"/2018-06-01/runtime/init/error", bytes.NewReader(body))
		req.Header.Set("Lambda-Runtime-Function-Error-Type", "Runtime.ConfigError")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
		os.Exit(1)
	}
	lambda.Start(handle)
}
