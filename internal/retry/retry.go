package retry

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// ErrNoTimeLeft is wrapped when retrying stopped because the next attempt
// would not finish before the invocation's deadline.
var ErrNoTimeLeft = errors.New("no time left before the invocation deadline")

// Policy retries transient failures with exponential backoff and jitter,
// bounded by MaxAttempts and by the context's deadline. The zero value
// makes one attempt.
type Policy struct {
	// BaseDelay is the delay before the second attempt; it doubles after
	// each, up to MaxDelay. The actual delay is drawn from [d/2, d].
	BaseDelay time.Duration
	// MaxDelay caps one delay; 0 means 30s.
	MaxDelay time.Duration
	// MaxAttempts bounds the attempts; values below 1 mean 1.
	MaxAttempts int
	// AttemptTimeout bounds one attempt; 0 means only the context's deadline.
	AttemptTimeout time.Duration
	// Reserve is kept free before the context's deadline, so the caller can
	// still report the failure: no attempt or wait reaches into it.
	Reserve time.Duration
	// Permanent reports errors not worth a retry.
	Permanent func(error) bool
	// RetryAfter returns the delay a failure asked for; the wait is at least
	// that long.
	RetryAfter func(error) (time.Duration, bool)
	// Jitter draws a delay in [d/2, d]; nil uses math/rand/v2.
	Jitter func(d time.Duration) time.Duration
	// Sleep waits d or until ctx is done; nil uses a timer.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Result says how a Do went.
type Result struct {
	// Attempts made, at least 1.
	Attempts int
	// Waited is the total time spent between attempts.
	Waited time.Duration
}

// Do calls attempt until it succeeds, fails permanently, MaxAttempts are
// spent or the deadline is too near. Each attempt gets a context bounded by
// AttemptTimeout. The error is the last attempt's, wrapped with
// ErrNoTimeLeft when the deadline stopped the retries.
func (p Policy) Do(ctx context.Context, attempt func(ctx context.Context) error) (Result, error) {
	var res Result
	maxAttempts := max(p.MaxAttempts, 1)
	delay := p.BaseDelay
	for {
		res.Attempts++
		err := p.once(ctx, attempt)
		if err == nil {
			return res, nil
		}
		if p.Permanent != nil && p.Permanent(err) {
			return res, err
		}
		if res.Attempts >= maxAttempts {
			return res, err
		}
		if ctx.Err() != nil {
			return res, err
		}
		wait := p.jitter(min(delay, p.maxDelay()))
		if p.RetryAfter != nil {
			if ra, ok := p.RetryAfter(err); ok && ra > wait {
				wait = ra
			}
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline)-p.Reserve < wait+minAttemptTime {
			return res, fmt.Errorf("%w after %d attempts (next wait %s): %w", ErrNoTimeLeft, res.Attempts, wait.Round(time.Millisecond), err)
		}
		if serr := p.sleep(ctx, wait); serr != nil {
			return res, err
		}
		res.Waited += wait
		delay *= 2
	}
}

// minAttemptTime is the least time worth starting an attempt with.
const minAttemptTime = 50 * time.Millisecond

func (p Policy) once(ctx context.Context, attempt func(ctx context.Context) error) error {
	timeout := p.AttemptTimeout
	if deadline, ok := ctx.Deadline(); ok && p.Reserve > 0 {
		left := time.Until(deadline) - p.Reserve
		if left < minAttemptTime {
			left = minAttemptTime
		}
		if timeout == 0 || left < timeout {
			timeout = left
		}
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	return attempt(ctx)
}

func (p Policy) maxDelay() time.Duration {
	if p.MaxDelay > 0 {
		return p.MaxDelay
	}
	return 30 * time.Second
}

func (p Policy) jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	if p.Jitter != nil {
		return p.Jitter(d)
	}
	return d/2 + rand.N(d/2+1)
}

func (p Policy) sleep(ctx context.Context, d time.Duration) error {
	if p.Sleep != nil {
		return p.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
