package usersync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"golang.org/x/time/rate"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/emulator/moto"
	"github.com/cognito-events/cognito-events/internal/retry"
)

func TestMain(m *testing.M) { moto.Main(m) }

// recorder is a Sender that keeps what it acknowledged, and fails
// (transiently) once failAfter events were acknowledged, when set.
type recorder struct {
	mu        sync.Mutex
	got       []*events.Event
	failAfter int
}

func (r *recorder) Send(_ context.Context, ev *events.Event) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failAfter > 0 && len(r.got) >= r.failAfter {
		return 1, errors.New("sink unavailable")
	}
	r.got = append(r.got, ev)
	return 1, nil
}

func (r *recorder) take() []*events.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.got
	r.got = nil
	return out
}

func byKind(evs []*events.Event) map[string]int {
	m := map[string]int{}
	for _, e := range evs {
		m[e.EventName]++
	}
	return m
}

// motoPool creates a pool with n users user000.. on the shared server.
func motoPool(tb testing.TB, n int) (*cip.Client, string) {
	tb.Helper()
	srv := moto.Shared(tb)
	client := NewCognito(srv.Config(), nil)
	var pool string
	moto.Retry(tb, "creating user pool", func(ctx context.Context) error {
		out, err := client.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String(tb.Name())})
		if err == nil {
			pool = aws.ToString(out.UserPool.Id)
		}
		return err
	}, nil)
	for i := range n {
		createUser(tb, client, pool, fmt.Sprintf("user%03d", i))
	}
	return client, pool
}

func createUser(tb testing.TB, client *cip.Client, pool, name string) {
	tb.Helper()
	moto.Retry(tb, "creating "+name, func(ctx context.Context) error {
		_, err := client.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
			UserPoolId: aws.String(pool), Username: aws.String(name),
			UserAttributes: []types.AttributeType{
				{Name: aws.String("email"), Value: aws.String(name + "@example.com")},
				{Name: aws.String("phone_number"), Value: aws.String("+15555550100")},
			},
			MessageAction: types.MessageActionTypeSuppress,
		})
		return err
	}, moto.IsExists)
}

func newEngine(tb testing.TB, client CognitoAPI, state string, send Sender) *Engine {
	tb.Helper()
	st, err := OpenBolt(state)
	if err != nil {
		tb.Fatalf("opening state: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	return &Engine{
		Cognito: client,
		Limiter: rate.NewLimiter(rate.Inf, 1),
		Retry:   retry.Policy{BaseDelay: 10 * time.Millisecond, MaxAttempts: 5},
		Store:   st,
		Sender:  send,
	}
}

// syncOnce runs the pool with a fresh engine on the state file (as a new
// process would) and returns the stats.
func syncOnce(tb testing.TB, client CognitoAPI, state, pool string, send Sender, edit func(*Engine)) (Stats, error) {
	tb.Helper()
	e := newEngine(tb, client, state, send)
	if edit != nil {
		edit(e)
	}
	s, err := e.SyncPool(context.Background(), pool)
	e.Store.Close()
	return s, err
}

// TestSyncMoto runs the sync against moto's Cognito: a full sync, then
// each kind of change, through the bolt state file.
func TestSyncMoto(t *testing.T) {
	client, pool := motoPool(t, 130)
	state := filepath.Join(t.TempDir(), "state.db")
	rec := &recorder{}

	s, err := syncOnce(t, client, state, pool, rec, nil)
	if err != nil {
		t.Fatalf("first sync: %v", err)
	}
	first := rec.take()
	if s.Pages != 3 || s.Users != 130 || s.Created != 130 || !s.Complete || len(first) != 130 {
		t.Fatalf("first sync: %+v, %d events; want 3 pages, 130 users created", s, len(first))
	}
	for _, ev := range first {
		if err := ev.Validate(); err != nil {
			t.Fatalf("invalid event: %v", err)
		}
		if ev.UserPoolID != pool || ev.AWSAccountID != moto.Account || ev.DataSchema != events.UserDataSchema {
			t.Fatalf("event attributes: %+v", ev)
		}
	}

	t.Run("no change, no event", func(t *testing.T) {
		s, err := syncOnce(t, client, state, pool, rec, nil)
		if got := rec.take(); err != nil || len(got) != 0 || !s.Complete {
			t.Fatalf("second sync: %d events, stats %+v, err %v", len(got), s, err)
		}
	})

	ctx := context.Background()
	moto.Retry(t, "disabling", func(ctx context.Context) error {
		_, err := client.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(pool), Username: aws.String("user005")})
		return err
	}, nil)
	moto.Retry(t, "updating", func(ctx context.Context) error {
		_, err := client.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(pool), Username: aws.String("user006"),
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("new@example.com")}}})
		return err
	}, nil)
	moto.Retry(t, "deleting", func(ctx context.Context) error {
		_, err := client.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: aws.String(pool), Username: aws.String("user007")})
		return err
	}, nil)
	createUser(t, client, pool, "user900")
	_ = ctx

	t.Run("each change once", func(t *testing.T) {
		s, err := syncOnce(t, client, state, pool, rec, nil)
		got := rec.take()
		if err != nil {
			t.Fatalf("sync: %v", err)
		}
		want := map[string]int{"UserUpdated": 2, "UserDeleted": 1, "UserCreated": 1}
		if k := byKind(got); fmt.Sprint(k) != fmt.Sprint(want) {
			t.Fatalf("events %v, want %v (stats %+v)", k, want, s)
		}
		for _, ev := range got {
			var u events.User
			if err := json.Unmarshal(ev.Data, &u); err != nil {
				t.Fatalf("data: %v", err)
			}
			switch u.Username {
			case "user005":
				if u.Enabled {
					t.Errorf("user005 still enabled in %s", ev.Data)
				}
			case "user007":
				if ev.EventName != "UserDeleted" {
					t.Errorf("user007: %s", ev.EventName)
				}
				if sub, ok := u.Attr("sub"); !ok || ev.Subject != "user/"+sub {
					t.Errorf("deleted user's data lacks its sub: %s", ev.Data)
				}
			}
		}
	})
}

// TestSyncMotoResume kills a run after some deliveries, and one in the
// middle of a pass (MaxPages), and checks the next runs deliver every
// change, repeats with the same ids.
func TestSyncMotoResume(t *testing.T) {
	client, pool := motoPool(t, 150)
	state := filepath.Join(t.TempDir(), "state.db")
	rec := &recorder{failAfter: 70}
	_, err := syncOnce(t, client, state, pool, rec, nil)
	if !errors.Is(err, ErrDelivery) {
		t.Fatalf("first run: error %v, want ErrDelivery", err)
	}
	ids := map[string]int{}
	for _, ev := range rec.take() {
		ids[ev.ID]++
	}
	rec.failAfter = 0
	restarts := 0
	for run := 0; ; run++ {
		if run > 5 {
			t.Fatalf("pass did not complete in 5 runs")
		}
		s, err := syncOnce(t, client, state, pool, rec, func(e *Engine) { e.MaxPages = 1 })
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		restarts += s.Restarts
		if run == 0 {
			// Delete the first user of the next page: its token breaks.
			moto.Retry(t, "deleting", func(ctx context.Context) error {
				_, err := client.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: aws.String(pool), Username: aws.String("user120")})
				return err
			}, nil)
		}
		if s.Complete {
			break
		}
	}
	for _, ev := range rec.take() {
		ids[ev.ID]++
	}
	// user120 was deleted before any run listed it: no consumer heard of
	// it, so it has no event; every other user has one.
	if len(ids) != 149 || restarts == 0 {
		t.Errorf("%d distinct created events, %d restarts; want 149 and at least 1", len(ids), restarts)
	}
	s, err := syncOnce(t, client, state, pool, rec, nil)
	got := rec.take()
	if err != nil || len(got) != 0 {
		t.Fatalf("next pass: %d events %v, stats %+v, err %v", len(got), byKind(got), s, err)
	}
}

// TestSyncMotoBaseline: a baseline records the pool silently; later changes
// are events.
func TestSyncMotoBaseline(t *testing.T) {
	client, pool := motoPool(t, 10)
	state := filepath.Join(t.TempDir(), "state.db")
	rec := &recorder{}
	s, err := syncOnce(t, client, state, pool, rec, func(e *Engine) { e.Baseline = true })
	if err != nil || s.Baselined != 10 || len(rec.take()) != 0 {
		t.Fatalf("baseline: %+v, err %v", s, err)
	}
	createUser(t, client, pool, "late")
	s, err = syncOnce(t, client, state, pool, rec, func(e *Engine) { e.Baseline = true })
	if got := rec.take(); err != nil || len(got) != 1 || got[0].EventName != "UserCreated" {
		t.Fatalf("after baseline: %v, %+v, err %v", byKind(got), s, err)
	}
}
