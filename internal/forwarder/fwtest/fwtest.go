package fwtest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	lambdaevents "github.com/aws/aws-lambda-go/events"
)

// Dir is internal/forwarder/fwtest/testdata, found from this file's location so
// every package's tests can use it.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "testdata")
}

// Fixture returns the bytes of internal/forwarder/fwtest/testdata/name.
func Fixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(Dir(), name))
	if err != nil {
		tb.Fatalf("reading fixture: %v", err)
	}
	return b
}

// Event decodes the fixture name as Lambda's runtime decodes the
// invocation of a direct route, for HandleEventBridge.
func Event(tb testing.TB, name string) lambdaevents.EventBridgeEvent {
	tb.Helper()
	var ev lambdaevents.EventBridgeEvent
	if err := json.Unmarshal(Fixture(tb, name), &ev); err != nil {
		tb.Fatalf("decoding fixture %s as an EventBridge event: %v", name, err)
	}
	return ev
}

// AWSEnv points the AWS SDK at static test credentials and no shared files,
// so a test can never reach a real account; the test then names its
// loopback endpoint with AWS_ENDPOINT_URL_<SERVICE>.
func AWSEnv(tb testing.TB) {
	tb.Helper()
	tb.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	tb.Setenv("AWS_SECRET_ACCESS_KEY", "secret-test")
	tb.Setenv("AWS_SESSION_TOKEN", "")
	tb.Setenv("AWS_REGION", "eu-west-1")
	tb.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	tb.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	tb.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	tb.Setenv("AWS_ENDPOINT_URL", "")
}
