package usersync

import (
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/emulator/fakecognito"
	"github.com/cognito-events/cognito-events/internal/retry"
)

// TestSyncThrottled runs two passes against a loopback Cognito that
// throttles or fails some requests (ListUsers, AdminGetUser and
// DescribeUserPool alike): the sync retries with backoff and delivers
// every user exactly once, then every deletion exactly once.
func TestSyncThrottled(t *testing.T) {
	const users, kept = 300, 270
	every := func(k int64, status int, code string) func(int64, string) (int, string) {
		return func(n int64, _ string) (int, string) {
			if n%k == 0 {
				return status, code
			}
			return 0, ""
		}
	}
	tests := []struct {
		name string
		opts fakecognito.Options
	}{
		{"ceiling: TooManyRequestsException 400", fakecognito.Options{Ceiling: 100, Burst: 2}},
		{"ThrottlingException 400", fakecognito.Options{Fault: every(2, http.StatusBadRequest, codeThrottling)}},
		{"bare 429", fakecognito.Options{Fault: every(3, http.StatusTooManyRequests, "")}},
		{"InternalErrorException 500", fakecognito.Options{Fault: every(2, http.StatusInternalServerError, codeInternal)}},
		{"bare 503", fakecognito.Options{Fault: every(4, http.StatusServiceUnavailable, "")}},
		{"all of them under a ceiling", fakecognito.Options{Ceiling: 200, Burst: 3, Fault: func(n int64, _ string) (int, string) {
			switch n % 5 {
			case 1:
				return http.StatusTooManyRequests, ""
			case 3:
				return http.StatusBadGateway, ""
			}
			return 0, ""
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Users = users
			f, client := fakeClient(t, tt.opts)
			state := filepath.Join(t.TempDir(), "state.db")
			rec := &recorder{}
			backoff := func(e *Engine) {
				e.Retry = retry.Policy{BaseDelay: 2 * time.Millisecond, MaxDelay: 50 * time.Millisecond, MaxAttempts: 10}
			}

			s1, err := syncOnce(t, client, state, f.PoolID(), rec, backoff)
			if err != nil || !s1.Complete || s1.Failed != 0 {
				t.Fatalf("first pass: %+v, err %v", s1, err)
			}
			checkOnce(t, rec.take(), events.UserCreated, 0, users)

			f.SetUsers(kept)
			s2, err := syncOnce(t, client, state, f.PoolID(), rec, backoff)
			if err != nil || !s2.Complete || s2.Failed != 0 {
				t.Fatalf("second pass: %+v, err %v", s2, err)
			}
			checkOnce(t, rec.take(), events.UserDeleted, kept, users)

			c := f.Counts()
			if c.Throttled+c.Faulted == 0 {
				t.Fatalf("nothing throttled or faulted: %+v", c)
			}
			if got, want := s1.Requests+s2.Requests, c.Admitted+c.Throttled+c.Faulted; got != want {
				t.Fatalf("engine counted %d requests, the fake %d", got, want)
			}
			t.Logf("%d requests admitted, %d throttled, %d faulted", c.Admitted, c.Throttled, c.Faulted)
		})
	}
}

// checkOnce fails unless evs holds exactly one event of kind for each
// user from..to-1 of the fake, and nothing else.
func checkOnce(tb testing.TB, evs []*events.Event, kind events.UserChangeKind, from, to int) {
	tb.Helper()
	byUser := map[string]int{}
	ids := map[string]bool{}
	for _, ev := range evs {
		if ev.EventName != string(kind) {
			tb.Fatalf("event %s of %s, want only %s", ev.EventName, ev.Subject, kind)
		}
		byUser[ev.Subject]++
		ids[ev.ID] = true
	}
	for i := from; i < to; i++ {
		if n := byUser["user/"+fakecognito.Sub(i)]; n != 1 {
			tb.Fatalf("user %d: %d %s events, want 1", i, n, kind)
		}
	}
	if len(evs) != to-from || len(ids) != to-from {
		tb.Fatalf("%d events with %d ids, want %d", len(evs), len(ids), to-from)
	}
}
