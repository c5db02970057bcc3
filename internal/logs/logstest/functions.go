package logstest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/cognito-events/cognito-events/internal/emulator/moto"
	"github.com/cognito-events/cognito-events/internal/usersync"
)

// refusingSink answers every request 400, so a function's delivery fails
// for good on the first attempt.
func refusingSink(tb testing.TB) string {
	tb.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no such tenant", http.StatusBadRequest)
	}))
	tb.Cleanup(srv.Close)
	return srv.URL
}

// TriggerPayload returns events/testdata/triggers/<name>.json.
func TriggerPayload(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(RepoDir(), "events", "testdata", "triggers", name+".json"))
	if err != nil {
		tb.Fatalf("reading trigger payload: %v", err)
	}
	return b
}

// TriggerLines runs the real trigger function twice: with SINK_KIND=log on
// a PostConfirmation and a PreSignUp payload (two events delivered, each
// with its "cloudevent" line), then with an HTTP sink that answers 400 on
// the PostConfirmation payload (one event failed).
func TriggerLines(tb testing.TB) []string {
	tb.Helper()
	path := Bootstrap(tb, "trigger")
	base := []string{"AWS_REGION=eu-west-1", "AWS_LAMBDA_LOG_FORMAT=JSON", "AWS_ACCESS_KEY_ID=AKID", "AWS_SECRET_ACCESS_KEY=SECRET",
		"AWS_LAMBDA_FUNCTION_NAME=cognito-events-trigger"}
	confirm, signUp := TriggerPayload(tb, "PostConfirmation_ConfirmSignUp"), TriggerPayload(tb, "PreSignUp_SignUp")
	lines := run(tb, path, "arn:aws:lambda:eu-west-1:111122223333:function:cognito-events-trigger", append(base, "SINK_KIND=log"), 2, confirm, signUp)
	return append(lines, run(tb, path, "arn:aws:lambda:eu-west-1:111122223333:function:cognito-events-trigger",
		append(base, "SINK_KIND=http", "SINK_URL="+refusingSink(tb), "SINK_ALLOW_INSECURE=true"), 1, confirm)...)
}

// SyncLines runs the real user sync function against moto's Cognito and
// DynamoDB: once with SINK_KIND=log on a pool of two users (two
// UserCreated events delivered with their "cloudevent" lines, and the
// run's summary line), once with an HTTP sink that answers 400 on another
// pool of one user (the user's event failed, and a failed run).
func SyncLines(tb testing.TB, srv *moto.Server) []string {
	tb.Helper()
	path := Bootstrap(tb, "sync")
	base := []string{"AWS_REGION=" + moto.Region, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
		"AWS_ENDPOINT_URL=" + srv.URL, "AWS_LAMBDA_LOG_FORMAT=JSON", "SYNC_RATE=50"}
	const event = `{"version":"0","id":"5c5c1b9a-0000-4000-8000-000000000001","detail-type":"Scheduled Event","source":"aws.events","account":"123456789012","time":"2026-12-01T10:00:00Z","region":"us-east-1","resources":["arn:aws:events:us-east-1:123456789012:rule/sync"],"detail":{}}`
	arn := "arn:aws:lambda:us-east-1:123456789012:function:cognito-events-sync"
	pool, table := seedPool(tb, srv, "logs-ok", "ana", "ben")
	lines := runUntil(tb, path, arn, append(base, "SYNC_USER_POOL_IDS="+pool, "SYNC_STATE_TABLE="+table, "SINK_KIND=log"),
		func(s string) bool { return strings.Contains(s, "user sync run") }, []byte(event))
	pool, table = seedPool(tb, srv, "logs-failing", "cy")
	return append(lines, runUntil(tb, path, arn, append(base, "SYNC_USER_POOL_IDS="+pool, "SYNC_STATE_TABLE="+table,
		"SINK_KIND=http", "SINK_URL="+refusingSink(tb), "SINK_ALLOW_INSECURE=true"),
		func(s string) bool { return strings.Contains(s, "user sync run") }, []byte(event))...)
}

// seedPool creates a pool with users and a state table on moto.
func seedPool(tb testing.TB, srv *moto.Server, name string, users ...string) (pool, table string) {
	tb.Helper()
	c := cip.NewFromConfig(srv.Config())
	moto.Retry(tb, "creating user pool", func(ctx context.Context) error {
		out, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String(name)})
		if err == nil {
			pool = aws.ToString(out.UserPool.Id)
		}
		return err
	}, nil)
	for _, u := range users {
		moto.Retry(tb, "creating "+u, func(ctx context.Context) error {
			_, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
				UserPoolId: aws.String(pool), Username: aws.String(u), MessageAction: ciptypes.MessageActionTypeSuppress,
				UserAttributes: []ciptypes.AttributeType{{Name: aws.String("email"), Value: aws.String(u + "@example.com")}},
			})
			return err
		}, moto.IsExists)
	}
	table = "logs-state-" + name
	d := dynamodb.NewFromConfig(srv.Config())
	moto.Retry(tb, "creating table", func(ctx context.Context) error {
		_, err := d.CreateTable(ctx, usersync.TableInput(table))
		return err
	}, moto.IsExists)
	return pool, table
}
