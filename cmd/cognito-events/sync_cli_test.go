package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognito-events/cognito-events/internal/emulator/moto"
	"github.com/cognito-events/cognito-events/internal/usersync"
)

// syncEnv is a moto pool with users, a loopback sink answering status
// (202 by default) and the AWS variables pointing at moto.
type syncEnv struct {
	client *cip.Client
	pool   string
	sink   *httptest.Server
	mu     sync.Mutex
	status int
}

func newSyncEnv(t *testing.T, users ...string) *syncEnv {
	t.Helper()
	srv := moto.Shared(t)
	e := &syncEnv{client: usersync.NewCognito(srv.Config(), nil), status: http.StatusAccepted}
	moto.Retry(t, "creating pool", func(ctx context.Context) error {
		out, err := e.client.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String(t.Name())})
		if err == nil {
			e.pool = aws.ToString(out.UserPool.Id)
		}
		return err
	}, nil)
	for _, u := range users {
		e.create(t, u)
	}
	e.sink = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		e.mu.Lock()
		status := e.status
		e.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(e.sink.Close)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_REGION", moto.Region)
	return e
}

func (e *syncEnv) create(t *testing.T, name string) {
	t.Helper()
	moto.Retry(t, "creating "+name, func(ctx context.Context) error {
		_, err := e.client.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(e.pool), Username: aws.String(name),
			MessageAction: types.MessageActionTypeSuppress})
		return err
	}, moto.IsExists)
}

// sync runs the command; lines are its "delivered" lines: kind, subject, id.
func (e *syncEnv) sync(t *testing.T, state string, args ...string) (code int, lines [][]string, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	all := append([]string{"sync", "--user-pool-id", e.pool, "--state", state, "--rate", "1000", "--sink-url", e.sink.URL}, args...)
	code = run(all, nil, &out, &errb)
	for _, l := range strings.Split(out.String(), "\n") {
		if f := strings.Fields(l); len(f) == 4 && f[0] == "delivered" {
			lines = append(lines, f[1:])
		}
	}
	return code, lines, out.String(), errb.String()
}

// TestSyncCLIChanges: through the command against moto, disable, enable,
// disable over three passes gives three ids; a username deleted and
// created again gives one UserDeleted (old subject) and one UserCreated
// (new subject); a refused event's reason is on standard error.
func TestSyncCLIChanges(t *testing.T) {
	e := newSyncEnv(t, "ana", "ben", "cy")
	state := filepath.Join(t.TempDir(), "state.db")
	code, first, _, _ := e.sync(t, state)
	if code != exitOK || len(first) != 3 {
		t.Fatalf("first pass: exit %d, %d events", code, len(first))
	}
	subject := map[string]string{}
	for _, l := range first {
		subject[l[1]] = l[1]
	}
	ids := map[string]bool{}
	for _, step := range []string{"disable", "enable", "disable"} {
		moto.Retry(t, step, func(ctx context.Context) error {
			var err error
			if step == "disable" {
				_, err = e.client.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(e.pool), Username: aws.String("ben")})
			} else {
				_, err = e.client.AdminEnableUser(ctx, &cip.AdminEnableUserInput{UserPoolId: aws.String(e.pool), Username: aws.String("ben")})
			}
			return err
		}, nil)
		code, got, out, _ := e.sync(t, state)
		if code != exitOK || len(got) != 1 || got[0][0] != "UserUpdated" {
			t.Fatalf("pass after %s: exit %d\n%s", step, code, out)
		}
		ids[got[0][2]] = true
	}
	if len(ids) != 3 {
		t.Fatalf("disable/enable/disable: %d distinct ids, want 3", len(ids))
	}

	var oldSubject string
	out, err := e.client.AdminGetUser(context.Background(), &cip.AdminGetUserInput{UserPoolId: aws.String(e.pool), Username: aws.String("cy")})
	if err != nil {
		t.Fatalf("AdminGetUser: %v", err)
	}
	for _, a := range out.UserAttributes {
		if aws.ToString(a.Name) == "sub" {
			oldSubject = "user/" + aws.ToString(a.Value)
		}
	}
	moto.Retry(t, "deleting", func(ctx context.Context) error {
		_, err := e.client.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: aws.String(e.pool), Username: aws.String("cy")})
		return err
	}, nil)
	e.create(t, "cy")
	code, got, stdout, _ := e.sync(t, state)
	kinds := map[string]string{}
	for _, l := range got {
		kinds[l[0]] = l[1]
	}
	if code != exitOK || len(got) != 2 || kinds["UserDeleted"] != oldSubject || kinds["UserCreated"] == "" || kinds["UserCreated"] == oldSubject {
		t.Fatalf("delete and recreate: exit %d, %v; want UserDeleted %s and a UserCreated of a new subject\n%s", code, got, oldSubject, stdout)
	}

	e.create(t, "dee")
	e.mu.Lock()
	e.status = http.StatusBadRequest
	e.mu.Unlock()
	code, _, stdout, stderr := e.sync(t, state)
	if code != exitFailures || !strings.Contains(stderr, "UserCreated user/") || !strings.Contains(stderr, "sink answered 400 Bad Request") {
		t.Fatalf("refused event: exit %d, stderr %q, want the reason", code, stderr)
	}
	if !strings.Contains(stdout, "failed 1") || !strings.Contains(stdout, "requests ") {
		t.Fatalf("summary %q", stdout)
	}
}

// damage writes a damaged copy of a valid state file.
func damage(tb testing.TB, valid []byte, how string) []byte {
	tb.Helper()
	switch how {
	case "empty":
		return nil
	case "truncated":
		// The two meta pages and part of the next: the pages the meta
		// page counts are gone.
		return valid[:10000]
	case "corrupted":
		b := bytes.Clone(valid)
		r := rand.New(rand.NewPCG(15, 15))
		for i := 4096 * 2; i < len(b); i++ {
			b[i] = byte(r.Uint32())
		}
		return b
	}
	tb.Fatalf("unknown damage %q", how)
	return nil
}

// TestSyncCLIDamagedState: an empty, a truncated and a corrupted state file
// each stop the command with exit 1 and a message naming the file and the
// way out, without a panic, and send nothing.
func TestSyncCLIDamagedState(t *testing.T) {
	e := newSyncEnv(t, "ana", "ben")
	good := filepath.Join(t.TempDir(), "good.db")
	if code, _, out, errs := e.sync(t, good); code != exitOK {
		t.Fatalf("first pass: exit %d\n%s%s", code, out, errs)
	}
	valid, err := os.ReadFile(good)
	if err != nil {
		t.Fatalf("reading state: %v", err)
	}
	for _, how := range []string{"empty", "truncated", "corrupted"} {
		t.Run(how, func(t *testing.T) {
			state := filepath.Join(t.TempDir(), how+".db")
			if err := os.WriteFile(state, damage(t, valid, how), 0o600); err != nil {
				t.Fatalf("writing: %v", err)
			}
			type result struct {
				code           int
				lines          [][]string
				stdout, stderr string
			}
			done := make(chan result, 1)
			go func() {
				code, lines, out, errs := e.sync(t, state)
				done <- result{code, lines, out, errs}
			}()
			select {
			case r := <-done:
				if r.code != exitFailures || len(r.lines) != 0 {
					t.Fatalf("exit %d, %d events sent; want 1 and none\n%s%s", r.code, len(r.lines), r.stdout, r.stderr)
				}
				for _, want := range []string{state, "damaged", "--state NEW_FILE", "--baseline"} {
					if !strings.Contains(r.stderr, want) {
						t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
					}
				}
				if strings.Contains(r.stderr, "goroutine ") {
					t.Errorf("a stack trace:\n%s", r.stderr)
				}
			case <-time.After(time.Minute):
				t.Fatalf("the command did not end within a minute on a %s state file", how)
			}
		})
	}
}

// TestSyncCLIUsage: bad rates, pool ids and regions are usage errors; a
// run failing before its first page leaves no state file; a state file in
// use names the process holding it.
func TestSyncCLIUsage(t *testing.T) {
	e := newSyncEnv(t, "ana")
	dir := t.TempDir()
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"rate 0", []string{"--rate", "0"}, "--rate 0"},
		{"rate NaN", []string{"--rate", "NaN"}, "--rate NaN"},
		{"rate Inf", []string{"--rate", "Inf"}, "--rate +Inf"},
		{"rate 1e9", []string{"--rate", "1e9"}, "at most 1000"},
		{"region", []string{"--region", "eu-west-1"}, "--region eu-west-1 disagrees with the pool id " + e.pool + ", which is in us-east-1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, _, stderr := e.sync(t, filepath.Join(dir, "s.db"), tt.args...)
			if code != exitUsage || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.want)
			}
		})
	}
	t.Run("malformed pool id", func(t *testing.T) {
		var out, errb bytes.Buffer
		code := run([]string{"sync", "--user-pool-id", "not-a-pool", "--state", filepath.Join(dir, "s.db"), "--dry-run"}, nil, &out, &errb)
		if code != exitUsage || !strings.Contains(errb.String(), `"not-a-pool": not a user pool id`) {
			t.Fatalf("exit %d, stderr %q", code, errb.String())
		}
	})
	t.Run("failure before the first page", func(t *testing.T) {
		state := filepath.Join(dir, "missing.db")
		var out, errb bytes.Buffer
		code := run([]string{"sync", "--user-pool-id", "us-east-1_0000000000000000000000000000dead", "--state", state, "--sink-url", e.sink.URL}, nil, &out, &errb)
		if code != exitFailures {
			t.Fatalf("exit %d, want 1\n%s", code, errb.String())
		}
		if _, err := os.Stat(state); !os.IsNotExist(err) {
			t.Fatalf("a failed run left a state file: %v", err)
		}
	})
	t.Run("state file in use", func(t *testing.T) {
		state := filepath.Join(dir, "held.db")
		st, err := usersync.OpenBolt(state)
		if err != nil {
			t.Fatalf("opening: %v", err)
		}
		defer st.Close()
		code, _, _, stderr := e.sync(t, state)
		if want := fmt.Sprintf("process %d holds it", os.Getpid()); code != exitFailures || !strings.Contains(stderr, want) {
			t.Fatalf("exit %d, stderr %q; want 1 and %q", code, stderr, want)
		}
	})
}
