package retry

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

var (
	errTransient = errors.New("transient")
	errPermanent = errors.New("permanent")
)

type afterErr struct{ d time.Duration }

func (e afterErr) Error() string { return "retry after " + e.d.String() }

// script returns an attempt function that fails with errs in turn, then
// succeeds, and counts its calls.
func script(errs ...error) (func(context.Context) error, *int) {
	calls := 0
	return func(context.Context) error {
		calls++
		if calls <= len(errs) {
			return errs[calls-1]
		}
		return nil
	}, &calls
}

func testPolicy(slept *[]time.Duration) Policy {
	return Policy{
		BaseDelay:   100 * time.Millisecond,
		MaxAttempts: 5,
		Permanent:   func(err error) bool { return errors.Is(err, errPermanent) },
		RetryAfter: func(err error) (time.Duration, bool) {
			var a afterErr
			if errors.As(err, &a) {
				return a.d, true
			}
			return 0, false
		},
		Jitter: func(d time.Duration) time.Duration { return d },
		Sleep: func(_ context.Context, d time.Duration) error {
			*slept = append(*slept, d)
			return nil
		},
	}
}

func TestDo(t *testing.T) {
	for _, tc := range []struct {
		name         string
		errs         []error
		maxAttempts  int
		wantAttempts int
		wantErr      error
		wantSlept    []time.Duration
	}{
		{"first try", nil, 5, 1, nil, nil},
		{"two transient then success", []error{errTransient, errTransient}, 5, 3, nil, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}},
		{"permanent stops at once", []error{errPermanent}, 5, 1, errPermanent, nil},
		{"transient then permanent", []error{errTransient, errPermanent}, 5, 2, errPermanent, []time.Duration{100 * time.Millisecond}},
		{"attempts exhausted", []error{errTransient, errTransient, errTransient, errTransient}, 3, 3, errTransient, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}},
		{"Retry-After longer than backoff", []error{afterErr{2 * time.Second}}, 5, 2, nil, []time.Duration{2 * time.Second}},
		{"Retry-After shorter than backoff", []error{afterErr{time.Millisecond}}, 5, 2, nil, []time.Duration{100 * time.Millisecond}},
		{"zero attempts means one", []error{errTransient}, 0, 1, errTransient, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var slept []time.Duration
			p := testPolicy(&slept)
			p.MaxAttempts = tc.maxAttempts
			attempt, calls := script(tc.errs...)
			res, err := p.Do(context.Background(), attempt)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Fatalf("Do error = %v, want %v", err, tc.wantErr)
			}
			if res.Attempts != tc.wantAttempts || *calls != tc.wantAttempts {
				t.Fatalf("attempts = %d (calls %d), want %d", res.Attempts, *calls, tc.wantAttempts)
			}
			if fmt.Sprint(slept) != fmt.Sprint(tc.wantSlept) {
				t.Fatalf("slept %v, want %v", slept, tc.wantSlept)
			}
			var total time.Duration
			for _, d := range slept {
				total += d
			}
			if res.Waited != total {
				t.Fatalf("Waited = %v, want %v", res.Waited, total)
			}
		})
	}
}

func TestDoMaxDelay(t *testing.T) {
	var slept []time.Duration
	p := testPolicy(&slept)
	p.BaseDelay = time.Second
	p.MaxDelay = 3 * time.Second
	p.MaxAttempts = 5
	attempt, _ := script(errTransient, errTransient, errTransient, errTransient)
	if _, err := p.Do(context.Background(), attempt); err != nil {
		t.Fatalf("Do: %v", err)
	}
	want := []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second}
	if fmt.Sprint(slept) != fmt.Sprint(want) {
		t.Fatalf("slept %v, want %v", slept, want)
	}
}

func TestDoDeadline(t *testing.T) {
	t.Run("Retry-After beyond the deadline stops without waiting", func(t *testing.T) {
		var slept []time.Duration
		p := testPolicy(&slept)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		attempt, calls := script(afterErr{time.Minute})
		res, err := p.Do(ctx, attempt)
		if !errors.Is(err, ErrNoTimeLeft) || res.Attempts != 1 || *calls != 1 || len(slept) != 0 {
			t.Fatalf("Do = %+v, %v (slept %v); want ErrNoTimeLeft after 1 attempt, no wait", res, err, slept)
		}
		var a afterErr
		if !errors.As(err, &a) {
			t.Fatalf("error %v lost the attempt's error", err)
		}
	})
	t.Run("reserve is kept", func(t *testing.T) {
		var slept []time.Duration
		p := testPolicy(&slept)
		p.Reserve = time.Second
		ctx, cancel := context.WithTimeout(context.Background(), 1100*time.Millisecond)
		defer cancel()
		attempt, _ := script(errTransient)
		if _, err := p.Do(ctx, attempt); !errors.Is(err, ErrNoTimeLeft) {
			t.Fatalf("Do = %v, want ErrNoTimeLeft: a 100ms wait plus an attempt does not fit in 100ms beyond the reserve", err)
		}
	})
	t.Run("attempt context is bounded", func(t *testing.T) {
		var slept []time.Duration
		p := testPolicy(&slept)
		p.AttemptTimeout = 300 * time.Millisecond
		p.Reserve = 500 * time.Millisecond
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		var left, given time.Duration
		before := time.Now()
		_, err := p.Do(ctx, func(ctx context.Context) error {
			d, ok := ctx.Deadline()
			if !ok {
				return errors.New("attempt has no deadline")
			}
			// At least 300ms after Do was called (not "some time left",
			// which a loaded machine may have used up).
			left, given = time.Until(d), d.Sub(before)
			return nil
		})
		if err != nil || left > 300*time.Millisecond || given < 300*time.Millisecond {
			t.Fatalf("attempt had %v left, %v after the call (%v), want the 300ms attempt timeout", left, given, err)
		}
		ctx2, cancel2 := context.WithTimeout(context.Background(), 800*time.Millisecond)
		defer cancel2()
		p.AttemptTimeout = time.Hour
		_, err = p.Do(ctx2, func(ctx context.Context) error {
			d, _ := ctx.Deadline()
			left = time.Until(d)
			return nil
		})
		if err != nil || left > 300*time.Millisecond {
			t.Fatalf("attempt had %v left, want at most 800ms-500ms reserve", left)
		}
	})
	t.Run("cancelled context stops retries", func(t *testing.T) {
		p := Policy{BaseDelay: time.Hour, MaxAttempts: 5}
		ctx, cancel := context.WithCancel(context.Background())
		calls := 0
		_, err := p.Do(ctx, func(context.Context) error {
			calls++
			cancel()
			return errTransient
		})
		if !errors.Is(err, errTransient) || calls != 1 {
			t.Fatalf("Do = %v after %d calls, want the attempt's error after 1", err, calls)
		}
	})
}

func TestDefaultJitterRange(t *testing.T) {
	p := Policy{}
	for _, d := range []time.Duration{time.Millisecond, 200 * time.Millisecond, 30 * time.Second} {
		for range 1000 {
			if j := p.jitter(d); j < d/2 || j > d {
				t.Fatalf("jitter(%v) = %v, outside [%v, %v]", d, j, d/2, d)
			}
		}
	}
	if p.jitter(0) != 0 {
		t.Fatal("jitter(0) != 0")
	}
}

func TestDefaultSleepHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := (Policy{}).sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("sleep on a cancelled context = %v", err)
	}
}
