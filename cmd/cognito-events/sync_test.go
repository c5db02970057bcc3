package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognito-events/cognito-events/internal/emulator/moto"
	"github.com/cognito-events/cognito-events/internal/usersync"
)

// TestSyncCommand runs "cognito-events sync" against moto, with the
// endpoint from AWS_ENDPOINT_URL, delivering to a loopback HTTP sink.
func TestSyncCommand(t *testing.T) {
	srv := moto.Shared(t)
	client := usersync.NewCognito(srv.Config(), nil)
	var pool string
	moto.Retry(t, "creating pool", func(ctx context.Context) error {
		out, err := client.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("cli")})
		if err == nil {
			pool = aws.ToString(out.UserPool.Id)
		}
		return err
	}, nil)
	for i := range 65 {
		moto.Retry(t, "creating user", func(ctx context.Context) error {
			_, err := client.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(pool), Username: aws.String(fmt.Sprintf("u%02d", i)),
				MessageAction: types.MessageActionTypeSuppress})
			return err
		}, moto.IsExists)
	}
	var received atomic.Int64
	sinkSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if r.Header.Get("Ce-Type") != "com.amazon.cognito-idp.sync_trigger" && !strings.Contains(r.Header.Get("Content-Type"), "cloudevents") {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		received.Add(1)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer sinkSrv.Close()
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_REGION", moto.Region)
	state := filepath.Join(t.TempDir(), "state.db")

	tests := []struct {
		name     string
		args     []string
		code     int
		received int64
		summary  string
	}{
		{"dry run", []string{"--dry-run"}, exitOK, 0, "created 65, updated 0, deleted 0, would send 65, failed 0"},
		{"full sync", []string{"--sink-url", sinkSrv.URL}, exitOK, 65, "created 65, updated 0, deleted 0, delivered 65, failed 0"},
		{"nothing new", []string{"--sink-url", sinkSrv.URL}, exitOK, 0, "users 65, created 0"},
		{"no sink", nil, exitUsage, 0, ""},
		{"https only off loopback", []string{"--sink-url", "http://example.com/in"}, exitUsage, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			received.Store(0)
			var out, errb bytes.Buffer
			args := append([]string{"sync", "--user-pool-id", pool, "--state", state, "--rate", "1000"}, tt.args...)
			if code := run(args, nil, &out, &errb); code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", code, tt.code, out.String(), errb.String())
			}
			if got := received.Load(); got != tt.received {
				t.Errorf("sink received %d events, want %d", got, tt.received)
			}
			if !strings.Contains(out.String(), tt.summary) {
				t.Errorf("output lacks %q:\n%s", tt.summary, out.String())
			}
			if slices.Contains(tt.args, "--dry-run") && strings.Contains(out.String(), "delivered") {
				t.Errorf("a dry run says delivered, but sent nothing:\n%s", out.String())
			}
		})
	}
}
