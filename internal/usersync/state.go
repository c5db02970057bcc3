package usersync

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cognito-events/cognito-events/events"
)

// Record is what the state keeps of one user, keyed by its sub: a
// username deleted and created again is a new sub, so a new Record.
type Record struct {
	// Sub is the user's sub attribute, the key.
	Sub string
	// Username is the user's Cognito username, for AdminGetUser.
	Username string
	// Data is the user's canonical record as last delivered (or recorded
	// by a baseline): the data of its last event, attributes already
	// limited by the policy. A UserDeleted event carries it. While the
	// user's creation was never acknowledged (Delivered false) it is the
	// record of the attempt.
	Data []byte
	// Pass is the number of the last pass that saw the user.
	Pass int64
	// Delivered is false while the user's UserCreated event was never
	// acknowledged.
	Delivered bool
	// Version is the version of the user's last acknowledged change (0:
	// none, or recorded by a baseline). The next change is Version+1.
	Version int64
	// Pending is the version of a change sent (or about to be) and not
	// yet acknowledged, 0 when none; PendingSum is a digest of that
	// change's kind and record. A change retried with the same digest
	// keeps the version, so its id; a different one takes the next.
	Pending    int64
	PendingSum [pendingSumLen]byte
}

// pendingSumLen is the length of Record.PendingSum (a truncated SHA-256).
const pendingSumLen = 16

// Phase is where a pass of one pool stands.
type Phase string

// The phases of a pass.
const (
	// PhaseIdle: no pass in progress; the next run starts one.
	PhaseIdle Phase = ""
	// PhaseListing: paging through ListUsers.
	PhaseListing Phase = "listing"
	// PhaseDeleting: the listing was complete; users it did not see are
	// being confirmed gone with AdminGetUser.
	PhaseDeleting Phase = "deleting"
)

// StateFormat is the format of the state this version writes: 2, users
// keyed by sub with versions. Format 1 (keyed by username, no versions) is
// migrated when a pool's checkpoint is first read.
const StateFormat = 2

// Pass is the checkpoint of one pool: where its current pass stands, so a
// run stopped anywhere resumes there.
type Pass struct {
	// Number of the current (or last) pass, from 1.
	Number int64 `json:"number"`
	// Completed counts the passes that went through to the end. 0 means
	// the pool was never synced completely: users are created (or
	// recorded silently, with Baseline).
	Completed int64 `json:"completed"`
	Phase     Phase `json:"phase,omitempty"`
	// Token is the ListUsers pagination token of the next page; empty
	// at the start of a pass.
	Token string `json:"token,omitempty"`
	// Page counts the pages of this pass already handled.
	Page int64 `json:"page"`
	// Baseline is set when this pass records users without events.
	Baseline bool `json:"baseline,omitempty"`
	// After is the last sub handled in the deleting phase.
	After string `json:"after,omitempty"`
	// Format is the state's format (StateFormat); 0 is format 1.
	Format int `json:"format,omitempty"`
	// Policy is the attribute policy the records are written under;
	// PrevPolicy, during a pass that started under a new policy, the one
	// before it: a record whose only difference is the policy's changes
	// form without an event (unless Engine.ResendOnPolicyChange).
	Policy     *events.AttributePolicy `json:"policy,omitempty"`
	PrevPolicy *events.AttributePolicy `json:"prevPolicy,omitempty"`
	// PolicyChanged counts, in this pass, the records that changed form
	// only because the policy changed.
	PolicyChanged int64 `json:"policyChanged,omitempty"`
}

// Batch is what one step of a pass writes: records, deletions (subs) and
// the checkpoint, written after the events they stand for were
// acknowledged.
type Batch struct {
	Put    []Record
	Delete []string
	Pass   Pass
}

// Store keeps the state of the sync: one Pass and one Record per user
// (per sub), per pool. BoltStore (a local file) and DynamoStore (the
// Lambda's table) implement it.
type Store interface {
	// LoadPass returns the pool's checkpoint, migrating an older format
	// first; found is false for a pool never synced.
	LoadPass(ctx context.Context, pool string) (p Pass, found bool, err error)
	// GetUsers returns the records of the given subs that the state holds
	// (at most one page of them), by sub.
	GetUsers(ctx context.Context, pool string, subs []string) (map[string]Record, error)
	// Commit writes the batch: the records before the checkpoint.
	Commit(ctx context.Context, pool string, b Batch) error
	// Unseen returns up to limit records, in sub order after after, whose
	// Pass is below pass.
	Unseen(ctx context.Context, pool string, pass int64, after string, limit int) ([]Record, error)
	// Lease makes holder the only run of the pool until until, or fails
	// with a *LeaseHeldError. release gives the lease back (a no-op when
	// the store is already exclusive to one process, as a file is).
	Lease(ctx context.Context, pool, holder string, until time.Time) (release func(context.Context) error, err error)
	// Close releases the store.
	Close() error
}

// ErrState is wrapped by errors reading or writing the state.
var ErrState = errors.New("sync state")

// ErrDamaged is wrapped, with ErrState, when the state cannot be decoded:
// a damaged file or item. The run stops; nothing is sent.
var ErrDamaged = errors.New("damaged")

// ErrLeaseHeld is wrapped by LeaseHeldError.
var ErrLeaseHeld = errors.New("lease held")

// LeaseHeldError says which run holds a pool's lease, until when.
type LeaseHeldError struct {
	Pool   string
	Holder string
	Until  time.Time
}

func (e *LeaseHeldError) Error() string {
	return fmt.Sprintf("pool %s: another run (%s) holds its lease until %s", e.Pool, e.Holder, e.Until.UTC().Format(time.RFC3339))
}

// Unwrap makes errors.Is(err, ErrLeaseHeld) true.
func (e *LeaseHeldError) Unwrap() error { return ErrLeaseHeld }
