package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognito-events/cognito-events/internal/emulator/moto"
	"github.com/cognito-events/cognito-events/internal/lambdafn"
	"github.com/cognito-events/cognito-events/internal/usersync"
)

// TestSyncRoleARN: against moto with two accounts, a pool created in the
// second one (through STS AssumeRole) is invisible to the default account;
// "sync --role-arn" into that account syncs it, and every event's source
// is the pool's ARN in that account.
func TestSyncRoleARN(t *testing.T) {
	const member = "222222222222"
	roleARN := "arn:aws:iam::" + member + ":role/cognito-events-sync-reader-" + moto.Region
	srv := moto.Shared(t)
	memberCfg, err := lambdafn.AssumeRole(srv.Config(), roleARN, nil)
	if err != nil {
		t.Fatalf("AssumeRole: %v", err)
	}
	client := usersync.NewCognito(memberCfg, nil)
	var pool, poolARN string
	moto.Retry(t, "creating pool", func(ctx context.Context) error {
		out, err := client.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("member")})
		if err == nil {
			pool, poolARN = aws.ToString(out.UserPool.Id), aws.ToString(out.UserPool.Arn)
		}
		return err
	}, nil)
	if !strings.Contains(poolARN, ":"+member+":") {
		t.Fatalf("pool ARN %s: moto did not create it in the member account", poolARN)
	}
	for _, u := range []string{"alice", "bob", "carol"} {
		moto.Retry(t, "creating user", func(ctx context.Context) error {
			_, err := client.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(pool), Username: aws.String(u),
				MessageAction: types.MessageActionTypeSuppress})
			return err
		}, moto.IsExists)
	}
	var mu sync.Mutex
	var sources []string
	sinkSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		sources = append(sources, r.Header.Get("Ce-Source"))
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	defer sinkSrv.Close()
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_REGION", moto.Region)
	dir := t.TempDir()

	var out, errb bytes.Buffer
	if code := run([]string{"sync", "--user-pool-id", pool, "--state", filepath.Join(dir, "default.db"), "--sink-url", sinkSrv.URL, "--rate", "1000"}, nil, &out, &errb); code == exitOK {
		t.Errorf("without --role-arn the default account synced the member's pool:\n%s", out.String())
	}
	if len(sources) != 0 || !strings.Contains(errb.String(), pool) {
		t.Errorf("without --role-arn: %d events sent; stderr %s", len(sources), errb.String())
	}
	out.Reset()
	errb.Reset()
	sources = nil
	if code := run([]string{"sync", "--role-arn", roleARN, "--user-pool-id", pool, "--state", filepath.Join(dir, "member.db"), "--sink-url", sinkSrv.URL, "--rate", "1000"}, nil, &out, &errb); code != exitOK {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out.String(), errb.String())
	}
	if len(sources) != 3 {
		t.Fatalf("sink received %d events, want 3\n%s", len(sources), out.String())
	}
	for _, s := range sources {
		if s != poolARN {
			t.Errorf("event source %q, want the member pool's ARN %s", s, poolARN)
		}
	}

	t.Run("bad role ARN is a usage error", func(t *testing.T) {
		var out, errb bytes.Buffer
		code := run([]string{"sync", "--role-arn", "arn:aws:iam::1234:role/x", "--user-pool-id", pool, "--state", filepath.Join(dir, "x.db"), "--sink-url", sinkSrv.URL}, nil, &out, &errb)
		if code != exitUsage || !strings.Contains(errb.String(), "--role-arn") {
			t.Errorf("exit %d, stderr %s", code, errb.String())
		}
	})
}
