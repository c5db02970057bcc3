package usersync

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/retry"
	"github.com/cognito-events/cognito-events/internal/sink"
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
}

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
	s.Requests += o.Requests
	s.Duration += o.Duration
}

// run is the state of one SyncPool call.
type run struct {
	e     *Engine
	c     *cognito
	pool  string
	arn   string
	pass  Pass
	stats Stats
	start time.Time
	batch []Record
}

// SyncPool runs the pool's pass from its checkpoint: to the end of the
// pass, or until the context's deadline is Reserve away (the checkpoint
// is saved and Stats.Complete is false). A delivery that fails transiently
// stops the run with an error wrapping ErrDelivery, the state left before
// the event; a permanent failure (the sink refused the event, a record that
// makes no event) is counted in Stats.Failed and the run goes on.
func (e *Engine) SyncPool(ctx context.Context, pool string) (Stats, error) {
	r := &run{e: e, pool: pool, start: time.Now(), c: &cognito{api: e.Cognito, limiter: e.Limiter, retry: e.Retry}}
	r.stats.Pool = pool
	err := r.sync(ctx)
	r.stats.Requests = r.c.requests.Load()
	r.stats.Duration = time.Since(r.start)
	return r.stats, err
}

func (r *run) log() *slog.Logger {
	if r.e.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.e.Log
}

func (r *run) now() time.Time {
	if r.e.Now != nil {
		return r.e.Now()
	}
	return time.Now()
}

// timeUp reports whether the deadline is less than Reserve away.
func (r *run) timeUp(ctx context.Context) bool { return r.e.timeUp(ctx) }

func (r *run) progress() {
	if r.e.Progress != nil {
		s := r.stats
		s.Requests = r.c.requests.Load()
		s.Duration = time.Since(r.start)
		r.e.Progress(s)
	}
}

func (r *run) sync(ctx context.Context) error {
	pass, found, err := r.e.Store.LoadPass(ctx, r.pool)
	if err != nil {
		return err
	}
	if !found {
		pass = Pass{}
	}
	r.pass = pass
	if r.arn, err = r.c.poolARN(ctx, r.pool); err != nil {
		return err
	}
	if r.pass.Phase == PhaseIdle {
		r.pass = Pass{Number: r.pass.Number + 1, Completed: r.pass.Completed, Phase: PhaseListing,
			Baseline: r.e.Baseline && r.pass.Completed == 0}
		if err := r.commit(ctx, nil); err != nil {
			return err
		}
	}
	if r.pass.Phase == PhaseListing {
		if done, err := r.list(ctx); err != nil || !done {
			return err
		}
	}
	if done, err := r.deletes(ctx); err != nil || !done {
		return err
	}
	r.pass.Completed++
	r.pass.Phase = PhaseIdle
	r.pass.Baseline = false
	r.pass.Token, r.pass.After, r.pass.Page = "", "", 0
	if err := r.commit(ctx, nil); err != nil {
		return err
	}
	r.stats.Complete = true
	return nil
}

// commit writes the records gathered since the last commit, the deletions
// and the checkpoint.
func (r *run) commit(ctx context.Context, deletes []string) error {
	err := r.e.Store.Commit(ctx, r.pool, Batch{Put: r.batch, Delete: deletes, Pass: r.pass})
	r.batch = r.batch[:0]
	return err
}

// list pages through ListUsers from the checkpoint; done is false when
// the deadline stopped it.
func (r *run) list(ctx context.Context) (done bool, err error) {
	for {
		if r.timeUp(ctx) || (r.e.MaxPages > 0 && r.stats.Pages >= r.e.MaxPages) {
			return false, nil
		}
		p, err := r.c.listUsers(ctx, r.pool, r.pass.Token)
		if errors.Is(err, ErrBadToken) {
			r.log().Warn("pagination token refused: restarting the pass", LogPool, r.pool, LogPass, r.pass.Number, LogPage, r.pass.Page, LogError, err.Error())
			r.stats.Restarts++
			r.pass.Token, r.pass.Page = "", 0
			if err := r.commit(ctx, nil); err != nil {
				return false, err
			}
			continue
		}
		if err != nil {
			return false, err
		}
		r.stats.Pages++
		names := make([]string, len(p.users))
		for i := range p.users {
			names[i] = p.users[i].Username
		}
		stored, err := r.e.Store.GetUsers(ctx, r.pool, names)
		if err != nil {
			return false, err
		}
		for i := range p.users {
			r.stats.Users++
			old, ok := stored[p.users[i].Username]
			var prev *Record
			if ok {
				prev = &old
			}
			if err := r.handle(ctx, &p.users[i], prev); err != nil {
				// Keep what was acknowledged; the checkpoint stays on this page.
				return false, errors.Join(err, r.commit(ctx, nil))
			}
		}
		r.pass.Page++
		r.pass.Token = p.next
		if p.next == "" {
			r.pass.Phase = PhaseDeleting
			r.pass.After = ""
		}
		if err := r.commit(ctx, nil); err != nil {
			return false, err
		}
		r.progress()
		if p.next == "" {
			return true, nil
		}
	}
}

// handle compares one listed user with its record and delivers the change.
func (r *run) handle(ctx context.Context, u *events.User, prev *Record) error {
	c := u.Canonical(r.e.Policy)
	data, err := json.Marshal(&c)
	if err != nil {
		return fmt.Errorf("encoding user %q: %w", u.Username, err)
	}
	seen := Record{Username: u.Username, Data: data, Pass: r.pass.Number, Delivered: true}
	if prev != nil && prev.Delivered && bytes.Equal(prev.Data, data) {
		if prev.Pass != r.pass.Number {
			r.batch = append(r.batch, seen)
		}
		return nil
	}
	kind := events.UserUpdated
	if prev == nil || !prev.Delivered {
		kind = events.UserCreated
	}
	if r.pass.Baseline {
		r.stats.Baselined++
		r.batch = append(r.batch, seen)
		return nil
	}
	ev, err := events.NewUserEvent(events.UserChange{Kind: kind}, r.arn, u, r.e.Policy)
	if err != nil {
		r.fail(u.Username, err, prev)
		return nil
	}
	if err := r.send(ctx, ev, u.Username, prev); err != nil {
		if errors.Is(err, errSkipped) {
			return nil
		}
		return err
	}
	if kind == events.UserCreated {
		r.stats.Created++
	} else {
		r.stats.Updated++
	}
	r.batch = append(r.batch, seen)
	return nil
}

// fail counts a permanent failure and marks the user seen without
// changing what was last delivered.
func (r *run) fail(username string, err error, prev *Record) {
	r.stats.Failed++
	r.log().Error("user event failed", LogPool, r.pool, LogUsername, username, LogError, err.Error())
	keep := Record{Username: username, Pass: r.pass.Number}
	if prev != nil {
		keep.Data, keep.Delivered = prev.Data, prev.Delivered
	}
	r.batch = append(r.batch, keep)
}

// send delivers ev: nil when acknowledged; a permanent failure is counted
// (and nil returned after fail); a transient one stops the run.
func (r *run) send(ctx context.Context, ev *events.Event, username string, prev *Record) error {
	if _, err := r.e.Sender.Send(ctx, ev); err != nil {
		if sink.IsPermanent(err) {
			r.fail(username, err, prev)
			return errSkipped
		}
		r.stats.Failed++
		r.log().Error("user event not delivered: stopping", LogPool, r.pool, LogUsername, username, LogEventID, ev.ID, LogEventName, ev.EventName, LogError, err.Error())
		return fmt.Errorf("%w: user %q of %s: %w", ErrDelivery, username, r.pool, err)
	}
	r.stats.Delivered++
	r.log().Info("user event delivered", LogPool, r.pool, LogUsername, username, LogEventID, ev.ID, LogEventName, ev.EventName)
	return nil
}

// errSkipped is what send returns after a permanent failure it counted.
var errSkipped = errors.New("skipped")

// deletes confirms, with AdminGetUser, each user the complete listing did
// not see; done is false when the deadline stopped it.
func (r *run) deletes(ctx context.Context) (done bool, err error) {
	for {
		if r.timeUp(ctx) {
			return false, nil
		}
		recs, err := r.e.Store.Unseen(ctx, r.pool, r.pass.Number, r.pass.After, unseenBatch)
		if err != nil {
			return false, err
		}
		var gone []string
		for i := range recs {
			rec := &recs[i]
			if r.timeUp(ctx) {
				return false, r.commit(ctx, gone)
			}
			u, found, err := r.c.getUser(ctx, r.pool, rec.Username)
			if err != nil {
				return false, errors.Join(err, r.commit(ctx, gone))
			}
			if found {
				// Created or changed after its page was read.
				r.stats.Users++
				if err := r.handle(ctx, &u, rec); err != nil {
					return false, errors.Join(err, r.commit(ctx, gone))
				}
			} else if err := r.deleted(ctx, rec); err != nil {
				if !errors.Is(err, errSkipped) {
					return false, errors.Join(err, r.commit(ctx, gone))
				}
			} else {
				gone = append(gone, rec.Username)
			}
			r.pass.After = rec.Username
		}
		if err := r.commit(ctx, gone); err != nil {
			return false, err
		}
		r.progress()
		if len(recs) < unseenBatch {
			return true, nil
		}
	}
}

// deleted delivers the UserDeleted event of rec. A user no consumer heard
// of (never delivered) goes without an event.
func (r *run) deleted(ctx context.Context, rec *Record) error {
	if !rec.Delivered {
		return nil
	}
	var u events.User
	if err := json.Unmarshal(rec.Data, &u); err != nil {
		r.fail(rec.Username, fmt.Errorf("%w: decoding the record of %q: %w", ErrState, rec.Username, err), rec)
		return errSkipped
	}
	ev, err := events.NewUserEvent(events.UserChange{Kind: events.UserDeleted, Time: r.now()}, r.arn, &u, r.e.Policy)
	if err != nil {
		r.fail(rec.Username, err, rec)
		return errSkipped
	}
	if err := r.send(ctx, ev, rec.Username, rec); err != nil {
		return err
	}
	r.stats.Deleted++
	return nil
}
