package usersync

import (
	"context"
	"errors"
	"log/slog"
	"reflect"
	"time"

	"github.com/cognito-events/cognito-events/events"
)

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
		pass = Pass{Format: StateFormat}
	}
	r.pass = pass
	if r.arn, err = r.c.poolARN(ctx, r.pool); err != nil {
		return err
	}
	policy := r.e.Policy
	policyMoved := r.pass.Policy == nil || !samePolicy(*r.pass.Policy, policy)
	if r.pass.Phase == PhaseIdle {
		r.pass = Pass{Number: r.pass.Number + 1, Completed: r.pass.Completed, Phase: PhaseListing,
			Baseline: r.e.Baseline && r.pass.Completed == 0, Format: StateFormat, Policy: r.pass.Policy}
	}
	if policyMoved {
		// A state written before policies were recorded (nil) is taken to
		// be under this one: nothing to compare against.
		if r.pass.Policy != nil {
			r.pass.PrevPolicy = r.pass.Policy
		}
		r.pass.Policy = &policy
	}
	if err := r.commit(ctx, nil); err != nil {
		return err
	}
	if r.pass.Phase == PhaseListing {
		if done, err := r.list(ctx); err != nil || !done {
			return err
		}
	}
	if done, err := r.deletes(ctx); err != nil || !done {
		return err
	}
	if n := r.pass.PolicyChanged; n > 0 {
		r.log().Warn("attribute policy changed: records changed form without events", LogPool, r.pool, LogPolicyChanged, n)
	}
	r.pass.Completed++
	r.pass.Phase = PhaseIdle
	r.pass.Baseline = false
	r.pass.Token, r.pass.After, r.pass.Page = "", "", 0
	r.pass.PrevPolicy, r.pass.PolicyChanged = nil, 0
	if err := r.commit(ctx, nil); err != nil {
		return err
	}
	r.stats.Complete = true
	return nil
}

func samePolicy(a, b events.AttributePolicy) bool {
	return reflect.DeepEqual(a.Allow, b.Allow) && reflect.DeepEqual(a.Deny, b.Deny)
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
		subs := make([]string, 0, len(p.users))
		for i := range p.users {
			if sub, ok := p.users[i].Attr(events.AttrSub); ok && sub != "" {
				subs = append(subs, sub)
			}
		}
		stored, err := r.e.Store.GetUsers(ctx, r.pool, subs)
		if err != nil {
			return false, err
		}
		var changes []change
		for i := range p.users {
			r.stats.Users++
			sub, _ := p.users[i].Attr(events.AttrSub)
			var prev *Record
			if old, ok := stored[sub]; ok && sub != "" {
				prev = &old
			}
			if ch, ok := r.examine(&p.users[i], prev); ok {
				changes = append(changes, ch)
			}
		}
		if err := r.deliverAll(ctx, changes); err != nil {
			// Keep what was acknowledged; the checkpoint stays on this page.
			return false, errors.Join(err, r.commit(ctx, nil))
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

// deletes confirms, with AdminGetUser, each user the complete listing did
// not see; done is false when the deadline stopped it. A username found
// with another sub was deleted and created again: the stored sub is
// deleted (the new one was or will be listed as created).
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
			if sub, _ := u.Attr(events.AttrSub); found && sub == rec.Sub {
				// Created or changed after its page was read.
				r.stats.Users++
				ch, ok := r.examine(&u, rec)
				if ok {
					if err := r.deliverAll(ctx, []change{ch}); err != nil {
						return false, errors.Join(err, r.commit(ctx, gone))
					}
				}
			} else {
				acked, err := r.deleted(ctx, rec)
				if err != nil {
					return false, errors.Join(err, r.commit(ctx, gone))
				}
				if acked {
					gone = append(gone, rec.Sub)
				}
			}
			r.pass.After = rec.Sub
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
