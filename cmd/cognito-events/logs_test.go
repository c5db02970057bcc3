package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfn "github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/cognito-events/cognito-events/internal/emulator/moto"
	"github.com/cognito-events/cognito-events/internal/logs/logstest"
)

// TestLogsCommand runs `cognito-events logs` against moto's CloudWatch Logs
// holding the real forwarder's lines: every event is printed, the log
// sink's with the event below it, and --outcome failed prints only the
// failed one.
func TestLogsCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the forwarder's bootstrap and moto")
	}
	srv := moto.Shared(t)
	lines := forwarderLines(t)
	group := "/aws/lambda/cognito-events-us-east-1-appclientsFunction"
	logstest.Put(t, cwl.NewFromConfig(srv.Config()), group, "stream", time.Now().Add(-20*time.Minute), lines)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_REGION", moto.Region)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))

	code, out, errOut := runCLI(t, "", "logs", "--log-group", group, "--since", "1h")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	var heads []string
	var events int
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if strings.HasPrefix(l, "  {") {
			events++
			continue
		}
		heads = append(heads, l)
	}
	if len(heads) != 4 || events != 2 {
		t.Fatalf("%d event lines and %d CloudEvents, want 4 and 2:\n%s", len(heads), events, out)
	}
	for i, want := range []string{"UpdateUserPoolClient", "Token_POST", "skipped", "failed"} {
		if !strings.Contains(heads[i], want) || !strings.Contains(heads[i], group) {
			t.Errorf("line %d %q does not name %s and the log group", i+1, heads[i], want)
		}
	}
	if !strings.Contains(heads[3], `error="`) {
		t.Errorf("the failed line has no error: %q", heads[3])
	}

	code, out, errOut = runCLI(t, "", "logs", "--log-group", group, "--since", "1h", "--outcome", "failed")
	if code != exitOK || strings.Count(out, "\n") != 1 || !strings.Contains(out, "  failed  ") {
		t.Fatalf("--outcome failed: exit %d\n%s\nstderr %s", code, out, errOut)
	}

	code, out, _ = runCLI(t, "", "logs", "--log-group", group, "--since", "1h", "--outcome", "delivered", "--json")
	var n int
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var e struct {
			Outcome    string          `json:"outcome"`
			LogGroup   string          `json:"logGroup"`
			CloudEvent json.RawMessage `json:"cloudevent"`
		}
		if err := json.Unmarshal([]byte(l), &e); err != nil || e.Outcome != "delivered" || e.LogGroup != group || len(e.CloudEvent) == 0 {
			t.Errorf("--json line %q: %+v %v", l, e, err)
		}
		n++
	}
	if code != exitOK || n != 2 {
		t.Fatalf("--json: exit %d, %d lines", code, n)
	}
}

var (
	fwLinesOnce sync.Once
	fwLines     []string
)

// forwarderLines are the real forwarder's lines, produced once.
func forwarderLines(tb testing.TB) []string {
	tb.Helper()
	fwLinesOnce.Do(func() { fwLines = logstest.ForwarderLines(tb) })
	if len(fwLines) == 0 {
		tb.Fatal("no forwarder lines")
	}
	return fwLines
}

// TestLogsCommandRoute: --route finds the log group of a route without a
// rule (a sync-only route) from the stack's outputs, and reads it.
func TestLogsCommandRoute(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the forwarder's bootstrap and moto")
	}
	srv := moto.Shared(t)
	group := "/aws/lambda/logs-route-test-sync"
	logstest.Put(t, cwl.NewFromConfig(srv.Config()), group, "stream", time.Now().Add(-5*time.Minute), forwarderLines(t))
	template := `{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}},
	  "Outputs": {"usersyncSyncLogGroupName0A1B2C3D": {"Value": "` + group + `", "Description": "user sync log group of route user-sync"}}}`
	client := cfn.NewFromConfig(srv.Config())
	moto.Retry(t, "creating the stack", func(ctx context.Context) error {
		_, err := client.CreateStack(ctx, &cfn.CreateStackInput{StackName: aws.String("logs-route-test"), TemplateBody: aws.String(template)})
		return err
	}, func(err error) bool { return strings.Contains(err.Error(), "AlreadyExists") })
	cfg := filepath.Join(t.TempDir(), "cdk.json")
	doc := `{"app": "go run ./infra", "context": {"cognito-events": {"regions": ["us-east-1"], "routes": [
	  {"name": "user-sync", "selection": {"userPoolIds": ["us-east-1_AAAAAAAAA"]}, "sink": {"kind": "log"},
	   "sync": {"schedule": "rate(30 minutes)", "timeoutSeconds": 600}}]}}}`
	if err := os.WriteFile(cfg, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))

	code, out, errOut := runCLI(t, "", "logs", "--config", cfg, "--route", "user-sync", "--stack", "logs-route-test", "--since", "1h", "--outcome", "delivered")
	if code != exitOK || strings.Count(out, "  delivered  ") != 2 || !strings.Contains(out, "user-sync  ") {
		t.Fatalf("exit %d\n%s\nstderr %s", code, out, errOut)
	}
	code, _, errOut = runCLI(t, "", "logs", "--config", cfg, "--route", "user-sync", "--stack", "no-such-stack")
	if code != exitFailures || !strings.Contains(errOut, "no-such-stack") {
		t.Fatalf("unknown stack: exit %d, stderr %s", code, errOut)
	}
}

func TestLogsUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"neither route nor group", []string{"logs"}, "give --route NAME or --log-group NAME"},
		{"both", []string{"logs", "--route", "app-clients", "--log-group", "g"}, "give --route NAME or --log-group NAME"},
		{"bad since", []string{"logs", "--log-group", "g", "--since", "yesterday"}, "--since"},
		{"unknown route", []string{"logs", "--route", "nope", "--config", repoFile("cdk.json")}, `no route "nope": one of app-clients`},
		{"unknown region", []string{"logs", "--route", "app-clients", "--config", repoFile("cdk.json"), "--region", "mars-1"}, `region "mars-1" is not one of us-east-1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", tt.args...)
			if code != exitUsage || !strings.Contains(errOut, tt.want) {
				t.Fatalf("exit %d, stderr %q, want 2 and %q", code, errOut, tt.want)
			}
		})
	}
}
