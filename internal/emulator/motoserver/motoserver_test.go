package motoserver

import (
	"context"
	"errors"
	"net/http"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// needMoto skips without moto_server, or fails under CI=true.
func needMoto(tb testing.TB) {
	tb.Helper()
	if Installed() {
		return
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("%v (CI=true, so this fails instead of skipping)", ErrNotInstalled)
	}
	tb.Skipf("%v", ErrNotInstalled)
}

func TestStartStop(t *testing.T) {
	needMoto(t)
	ctx := context.Background()
	s, err := Start(ctx, Options{})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer s.Stop()
	c := cip.NewFromConfig(s.Config())
	if _, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("p")}); err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	if err := s.Reset(ctx); err != nil {
		t.Fatalf("Reset: %v", err)
	}
	out, err := c.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)})
	if err != nil {
		t.Fatalf("ListUserPools: %v", err)
	}
	if len(out.UserPools) != 0 {
		t.Errorf("after Reset: %d pools, want 0", len(out.UserPools))
	}
	pid := s.Pid()
	s.Stop()
	s.Stop() // twice is fine
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("moto_server (pid %d) still there after Stop: kill 0 = %v", pid, err)
	}
	client := &http.Client{Timeout: 500 * time.Millisecond}
	if resp, err := client.Get(s.URL + "/moto-api/"); err == nil {
		resp.Body.Close()
		t.Errorf("%s still answers after Stop", s.URL)
	}
}

func TestStartNotInstalled(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	s, err := Start(context.Background(), Options{})
	if !errors.Is(err, ErrNotInstalled) {
		if s != nil {
			s.Stop()
		}
		t.Fatalf("Start without moto_server on PATH: %v, want ErrNotInstalled", err)
	}
	if Installed() {
		t.Error("Installed() = true with an empty PATH")
	}
}

func TestStartCancelled(t *testing.T) {
	needMoto(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s, err := Start(ctx, Options{})
	if err == nil {
		s.Stop()
		t.Fatal("Start with a cancelled context succeeded")
	}
}
