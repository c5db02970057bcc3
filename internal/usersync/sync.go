package usersync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/retry"
)

// Log keys of the sync's lines.
const (
	LogPool      = "userpool"
	LogPass      = "pass"
	LogPage      = "page"
	LogUsername  = "username"
	LogEventID   = "eventid"
	LogEventName = "eventname"
	LogError     = "error"
	LogHolder    = "holder"
	LogUntil     = "until"
)

// unseenBatch is how many unseen records the deleting phase reads at once.
const unseenBatch = 100

// Sender delivers one event; *delivery.Sender is the real one. A nil
// error means the sink acknowledged the event.
type Sender interface {
	Send(ctx context.Context, ev *events.Event) (int, error)
}

// ErrDelivery is wrapped when an event was not acknowledged and the run
// stopped without advancing the state past it.
var ErrDelivery = errors.New("event not delivered")

// Engine syncs user pools: it pages through every user, compares each with
// the state, sends one event per change and advances the state only after
// the sink acknowledged it.
type Engine struct {
	Cognito CognitoAPI
	// Limiter paces every Cognito request (the --rate ceiling).
	Limiter Waiter
	// Retry retries transient Cognito failures (throttling, 429, 5xx,
	// connection errors); its Permanent is set by the engine.
	Retry  retry.Policy
	Store  Store
	Sender Sender
	Policy events.AttributePolicy
	// Baseline records the users of a pool's first pass without events.
	Baseline bool
	// Reserve is the time kept before the context's deadline: the run
	// checkpoints and returns when less is left (a Lambda invocation).
	Reserve time.Duration
	Log     *slog.Logger
	// Now gives the time of UserDeleted events; nil means time.Now.
	Now func() time.Time
	// Progress, when set, is called after every page and deletion check.
	Progress func(Stats)
	// MaxPages, when positive, ends a run after that many ListUsers
	// pages, checkpointed as at a deadline.
	MaxPages int
	// Holder names this run in the pool's lease (the Lambda request id);
	// empty means "<hostname> pid <pid>".
	Holder string
	// ResendOnPolicyChange sends a UserUpdated event for a record that
	// changed form only because the attribute policy changed; by default
	// it is recorded without an event and counted (Stats.PolicyChanged).
	ResendOnPolicyChange bool
}

// DefaultLease is how long a run without a deadline holds a pool's lease.
const DefaultLease = 15 * time.Minute

// Stats counts what one run did for one pool.
type Stats struct {
	Pool      string
	Pages     int
	Users     int
	Created   int
	Updated   int
	Deleted   int
	Delivered int
	Failed    int
	// Baselined counts users recorded silently.
	Baselined int
	// Restarts counts passes restarted after a refused pagination token.
	Restarts int
	// PolicyChanged counts records that changed form only because the
	// attribute policy changed, recorded without an event.
	PolicyChanged int
	// Requests counts Cognito requests, retries included.
	Requests int64
	// Complete is true when a pass ended in this run.
	Complete bool
	Duration time.Duration
}

// Add sums o into s.
func (s *Stats) Add(o Stats) {
	s.Pages += o.Pages
	s.Users += o.Users
	s.Created += o.Created
	s.Updated += o.Updated
	s.Deleted += o.Deleted
	s.Delivered += o.Delivered
	s.Failed += o.Failed
	s.Baselined += o.Baselined
	s.Restarts += o.Restarts
	s.PolicyChanged += o.PolicyChanged
	s.Requests += o.Requests
	s.Duration += o.Duration
}

// SyncPool runs the pool's pass from its checkpoint: to the end of the
// pass, or until the context's deadline is Reserve away (the checkpoint
// is saved and Stats.Complete is false). A delivery that fails transiently
// stops the run with an error wrapping ErrDelivery, the state left before
// the event; a permanent failure (the sink refused the event, a record that
// makes no event) is counted in Stats.Failed and the run goes on.
//
// The run holds the pool's lease (Store.Lease) until the context's
// deadline, or DefaultLease, and gives it back on every path; when another
// run holds it, SyncPool sends nothing and returns a *LeaseHeldError.
func (e *Engine) SyncPool(ctx context.Context, pool string) (stats Stats, err error) {
	r := &run{e: e, pool: pool, start: time.Now(), c: &cognito{api: e.Cognito, limiter: e.Limiter, retry: e.Retry}}
	r.stats.Pool = pool
	defer func() {
		stats = r.stats
		stats.Requests = r.c.requests.Load()
		stats.Duration = time.Since(r.start)
	}()
	until, ok := ctx.Deadline()
	if !ok {
		until = time.Now().Add(DefaultLease)
	}
	release, err := e.Store.Lease(ctx, pool, e.holder(), until)
	if err != nil {
		var held *LeaseHeldError
		if errors.As(err, &held) {
			r.log().Warn("pool lease held by another run: sending nothing", LogPool, pool, LogHolder, held.Holder, LogUntil, held.Until.UTC().Format(time.RFC3339))
		}
		return r.stats, err
	}
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if rerr := release(rctx); rerr != nil {
			err = errors.Join(err, rerr)
		}
	}()
	return r.stats, r.sync(ctx)
}

// holder is the name of this run in a lease.
func (e *Engine) holder() string {
	if e.Holder != "" {
		return e.Holder
	}
	host, _ := os.Hostname()
	return fmt.Sprintf("%s pid %d", host, os.Getpid())
}
