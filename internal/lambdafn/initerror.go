package lambdafn

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// Init error types reported to the Runtime API.
const (
	ErrorTypeConfig = "Runtime.ConfigError"
	ErrorTypeInit   = "Runtime.InitError"
)

// EnvRuntimeAPI is the Runtime API's host:port, set by Lambda.
const EnvRuntimeAPI = "AWS_LAMBDA_RUNTIME_API"

// runtimeAPIVersion is the Lambda Runtime API's path prefix.
const runtimeAPIVersion = "/2018-06-01/runtime"

// ReportInitError tells the Lambda Runtime API at api (host:port, from
// AWS_LAMBDA_RUNTIME_API) that initialisation failed, so the failure shows as
// an init error naming the cause. aws-lambda-go has no call for this.
func ReportInitError(ctx context.Context, api, errorType string, cause error) error {
	body, err := json.Marshal(struct {
		ErrorMessage string   `json:"errorMessage"`
		ErrorType    string   `json:"errorType"`
		StackTrace   []string `json:"stackTrace"`
	}{cause.Error(), errorType, []string{}})
	if err != nil {
		return fmt.Errorf("encoding init error: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+api+runtimeAPIVersion+"/init/error", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("building init error report: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Lambda-Runtime-Function-Error-Type", errorType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("reporting init error: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("reporting init error: runtime API answered %d", resp.StatusCode)
	}
	return nil
}

// Fail reports a failed cold start: it writes "name: err" to stderr, tells
// the Runtime API named by getenv(EnvRuntimeAPI), if any, and returns the
// exit status main should exit with. The error must not carry a secret.
func Fail(ctx context.Context, name, errorType string, err error, getenv func(string) string, stderr io.Writer) int {
	fmt.Fprintf(stderr, "%s: %v\n", name, err)
	if api := getenv(EnvRuntimeAPI); api != "" {
		if rerr := ReportInitError(ctx, api, errorType, err); rerr != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, rerr)
		}
	}
	return 1
}

// Exit is Fail for main: it exits the process with Fail's status.
func Exit(ctx context.Context, name, errorType string, err error) {
	os.Exit(Fail(ctx, name, errorType, err, os.Getenv, os.Stderr))
}
