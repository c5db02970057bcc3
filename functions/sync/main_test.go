package main

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/cognito-events/cognito-events/internal/cesink"
	"github.com/cognito-events/cognito-events/internal/emulator/moto"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime/lambdatest"
	"github.com/cognito-events/cognito-events/internal/usersync"
)

// The bootstrap test builds the real binary and runs it under a local
// Lambda Runtime API, as Lambda's provided.al2023 runtime would, with
// Cognito and DynamoDB on moto and a real CloudEvents receiver as the sink.

func TestMain(m *testing.M) {
	code := m.Run()
	moto.StopShared()
	lambdatest.Cleanup()
	os.Exit(code)
}

// scheduledEvent is what an EventBridge schedule rule hands the function.
const scheduledEvent = `{"version":"0","id":"5c5c1b9a-0000-4000-8000-000000000001","detail-type":"Scheduled Event","source":"aws.events","account":"123456789012","time":"2026-12-01T10:00:00Z","region":"us-east-1","resources":["arn:aws:events:us-east-1:123456789012:rule/sync"],"detail":{}}`

// seed creates a pool with users and the state table on moto.
func seed(tb testing.TB, srv *moto.Server, users ...string) (pool, table string) {
	tb.Helper()
	c := cip.NewFromConfig(srv.Config())
	moto.Retry(tb, "creating user pool", func(ctx context.Context) error {
		out, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String(tb.Name())})
		if err == nil {
			pool = aws.ToString(out.UserPool.Id)
		}
		return err
	}, nil)
	for _, u := range users {
		moto.Retry(tb, "creating "+u, func(ctx context.Context) error {
			_, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
				UserPoolId: aws.String(pool), Username: aws.String(u), MessageAction: types.MessageActionTypeSuppress,
				UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(u + "@example.com")}},
			})
			return err
		}, moto.IsExists)
	}
	table = "sync-state-" + strings.ToLower(strings.ReplaceAll(tb.Name(), "/", "-"))
	d := dynamodb.NewFromConfig(srv.Config())
	moto.Retry(tb, "creating table", func(ctx context.Context) error {
		_, err := d.CreateTable(ctx, usersync.TableInput(table))
		return err
	}, moto.IsExists)
	return pool, table
}

// TestBootstrap runs the sync function twice on a pool of three users: the
// first run delivers three UserCreated events to the sink, the second
// nothing, as its state is in DynamoDB; a bad configuration is an init
// error naming the variable.
func TestBootstrap(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the bootstrap binary")
	}
	srv := moto.Shared(t)
	pool, table := seed(t, srv, "ana", "ben", "cy")
	recv := cesink.New(cesink.Options{})
	sinkSrv := httptest.NewServer(recv)
	t.Cleanup(sinkSrv.Close)

	env := []string{
		"AWS_REGION=" + moto.Region, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
		"AWS_ENDPOINT_URL=" + srv.URL,
		"SYNC_USER_POOL_IDS=" + pool, "SYNC_STATE_TABLE=" + table, "SYNC_RATE=50",
		"SINK_KIND=http", "SINK_URL=" + sinkSrv.URL, "SINK_ALLOW_INSECURE=true",
	}
	var stderr lambdatest.Output
	f, err := lambdaruntime.Start(context.Background(), lambdaruntime.FunctionOptions{
		Server:  lambdaruntime.Options{FunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:sync", Timeout: 60 * time.Second},
		Process: lambdaruntime.ProcessOptions{Path: lambdatest.Build(t, "."), Env: env, Stderr: &stderr},
	})
	if err != nil {
		t.Fatalf("starting bootstrap: %v", err)
	}
	t.Cleanup(func() { f.Close() })

	for run, want := range []int{3, 0} {
		resp, err := f.Invoke(context.Background(), []byte(scheduledEvent))
		if err != nil {
			t.Fatalf("run %d: Invoke: %v\n%s", run+1, err, stderr.String())
		}
		var stats struct{ Created, Delivered, Failed int }
		if err := json.Unmarshal(resp, &stats); err != nil {
			t.Fatalf("run %d: answer %s: %v", run+1, resp, err)
		}
		if stats.Created != want || stats.Delivered != want || stats.Failed != 0 {
			t.Fatalf("run %d: %s, want %d created and delivered\n%s", run+1, resp, want, stderr.String())
		}
	}
	got := recv.Events()
	if len(got) != 3 {
		t.Fatalf("the sink received %d events, want 3", len(got))
	}
	for _, r := range got {
		if r.Event.Type() != "com.amazon.cognito-idp.sync_trigger" || !strings.HasPrefix(r.Event.Subject(), "user/") ||
			!strings.HasSuffix(r.Event.Source(), ":userpool/"+pool) {
			t.Errorf("event %s", r.Event)
		}
		if name, _ := r.Event.Extensions()["eventname"].(string); name != "UserCreated" {
			t.Errorf("eventname %q, want UserCreated", name)
		}
	}
	if log := stderr.Await(func(s string) bool { return strings.Count(s, "user sync run") >= 2 }); strings.Count(log, "user sync run") < 2 {
		t.Errorf("no summary line per run:\n%s", log)
	}

	t.Run("bad configuration", func(t *testing.T) {
		bad, err := lambdaruntime.Start(context.Background(), lambdaruntime.FunctionOptions{
			Server:  lambdaruntime.Options{FunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:sync", Timeout: 10 * time.Second},
			Process: lambdaruntime.ProcessOptions{Path: lambdatest.Build(t, "."), Env: []string{"AWS_REGION=us-east-1", "SINK_KIND=http", "SINK_URL=https://example.com", "SYNC_RATE=fast"}},
		})
		if err == nil {
			_, err = bad.Invoke(context.Background(), []byte(scheduledEvent))
			bad.Close()
		}
		if err == nil || !strings.Contains(err.Error(), "SYNC_RATE") {
			t.Fatalf("a bad SYNC_RATE gave %v, want an init error naming it", err)
		}
	})
}
