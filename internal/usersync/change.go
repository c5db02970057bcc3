package usersync

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/sink"
)

// change is one user's change found by a pass, before it is sent.
type change struct {
	kind    events.UserChangeKind
	user    *events.User
	version int64
	// pending is the record written before the event is sent (Pending
	// set); done the one written once it was acknowledged.
	pending, done Record
	// deleted is set for a UserDeleted event, whose time is now.
	deleted bool
}

// pendingSum is the digest of a change that Record.PendingSum keeps.
func pendingSum(kind events.UserChangeKind, data []byte) [pendingSumLen]byte {
	h := sha256.New()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write(data)
	var out [pendingSumLen]byte
	copy(out[:], h.Sum(nil))
	return out
}

// nextVersion is the version of a change of digest sum to the user of
// prev (nil: a new sub): the one after the last acknowledged, unless a
// change was already tried under it: the same change (a retry) keeps its
// version, a different one takes the next.
func nextVersion(prev *Record, sum [pendingSumLen]byte) int64 {
	if prev == nil {
		return 1
	}
	v := prev.Version + 1
	if prev.Pending >= v {
		if prev.PendingSum == sum {
			return prev.Pending
		}
		return prev.Pending + 1
	}
	return v
}

// examine compares one user with its record (nil: a sub the state does
// not know). A user unchanged, recorded by a baseline or changed only by
// the attribute policy goes into the batch; ok is true when an event is
// due.
func (r *run) examine(u *events.User, prev *Record) (ch change, ok bool) {
	sub, _ := u.Attr(events.AttrSub)
	if sub == "" {
		r.fail(u.Username, fmt.Errorf("making event of user %q: %w: no %q attribute", u.Username, events.ErrBadUser, events.AttrSub))
		return change{}, false
	}
	c := u.Canonical(r.e.Policy)
	data, err := json.Marshal(&c)
	if err != nil {
		r.fail(u.Username, fmt.Errorf("encoding user %q: %w", u.Username, err))
		return change{}, false
	}
	seen := Record{Sub: sub, Username: u.Username, Data: data, Pass: r.pass.Number, Delivered: true}
	if prev != nil {
		seen.Version = prev.Version
	}
	settled := prev != nil && prev.Delivered && prev.Pending == 0
	if settled && bytes.Equal(prev.Data, data) {
		if prev.Pass != r.pass.Number || prev.Username != u.Username {
			r.batch = append(r.batch, seen)
		}
		return change{}, false
	}
	if settled && r.pass.PrevPolicy != nil && !r.e.ResendOnPolicyChange {
		old := u.Canonical(*r.pass.PrevPolicy)
		if was, err := json.Marshal(&old); err == nil && bytes.Equal(was, prev.Data) {
			r.stats.PolicyChanged++
			r.pass.PolicyChanged++
			r.batch = append(r.batch, seen)
			return change{}, false
		}
	}
	kind := events.UserUpdated
	if prev == nil || !prev.Delivered {
		kind = events.UserCreated
	}
	if r.pass.Baseline {
		r.stats.Baselined++
		r.batch = append(r.batch, seen)
		return change{}, false
	}
	sum := pendingSum(kind, data)
	ch = change{kind: kind, user: u, version: nextVersion(prev, sum), done: seen}
	ch.done.Version = ch.version
	if kind == events.UserUpdated {
		ch.pending = *prev
	} else {
		// Never acknowledged: the record is the latest attempt's.
		ch.pending = Record{Sub: sub, Username: u.Username, Data: data}
		if prev != nil {
			ch.pending.Version = prev.Version
		}
	}
	ch.pending.Pass = r.pass.Number
	ch.pending.Pending, ch.pending.PendingSum = ch.version, sum
	return ch, true
}

// deliverAll records the changes as pending (with the batch so far), then
// sends them: acknowledged ones go into the batch as delivered, refused
// ones stay pending (Stats.Failed); a transient failure stops with an
// error wrapping ErrDelivery.
func (r *run) deliverAll(ctx context.Context, changes []change) error {
	if len(changes) == 0 {
		return nil
	}
	for i := range changes {
		r.batch = append(r.batch, changes[i].pending)
	}
	if err := r.commit(ctx, nil); err != nil {
		return err
	}
	for i := range changes {
		ch := &changes[i]
		ev, err := r.event(ch)
		if err != nil {
			r.fail(ch.user.Username, err)
			continue
		}
		if err := r.send(ctx, ev, ch.user.Username); err != nil {
			if errors.Is(err, errSkipped) {
				continue
			}
			return err
		}
		switch ch.kind {
		case events.UserCreated:
			r.stats.Created++
		case events.UserUpdated:
			r.stats.Updated++
		case events.UserDeleted:
			r.stats.Deleted++
		}
		if !ch.deleted {
			r.batch = append(r.batch, ch.done)
		}
	}
	return nil
}

func (r *run) event(ch *change) (*events.Event, error) {
	c := events.UserChange{Kind: ch.kind, Version: ch.version}
	if ch.deleted {
		c.Time = r.now()
	}
	return events.NewUserEvent(c, r.arn, ch.user, r.e.Policy)
}

// deleted delivers the UserDeleted event of rec, carrying its last
// record; acked is true when the sink acknowledged it (or none was due: a
// user whose creation was never sent), so the record can go.
func (r *run) deleted(ctx context.Context, rec *Record) (acked bool, err error) {
	if !rec.Delivered && rec.Pending == 0 {
		return true, nil
	}
	var u events.User
	if err := json.Unmarshal(rec.Data, &u); err != nil {
		r.fail(rec.Username, fmt.Errorf("%w: %w: decoding the record of sub %s: %w", ErrState, ErrDamaged, rec.Sub, err))
		return false, nil
	}
	sum := pendingSum(events.UserDeleted, rec.Data)
	ch := change{kind: events.UserDeleted, user: &u, version: nextVersion(rec, sum), pending: *rec, deleted: true}
	ch.pending.Pending, ch.pending.PendingSum = ch.version, sum
	failed := r.stats.Failed
	if err := r.deliverAll(ctx, []change{ch}); err != nil {
		return false, err
	}
	return r.stats.Failed == failed, nil
}

// fail counts a permanent failure and logs it with its reason. The
// user's record stays as it is (a pending change stays pending).
func (r *run) fail(username string, err error) {
	r.stats.Failed++
	r.log().Error("user event failed", LogPool, r.pool, LogUsername, username, LogError, err.Error())
}

// send delivers ev: nil when acknowledged; a permanent failure is counted
// and errSkipped returned; a transient one stops the run.
func (r *run) send(ctx context.Context, ev *events.Event, username string) error {
	if _, err := r.e.Sender.Send(ctx, ev); err != nil {
		if sink.IsPermanent(err) {
			r.stats.Failed++
			r.log().Error("user event failed", LogPool, r.pool, LogUsername, username, LogEventID, ev.ID, LogEventName, ev.EventName, LogError, err.Error())
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
