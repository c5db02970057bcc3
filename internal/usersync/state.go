package usersync

import (
	"context"
	"errors"
)

// Record is what the state keeps of one user.
type Record struct {
	// Username is the user's Cognito username, the key.
	Username string
	// Data is the user's canonical record as last delivered (or recorded
	// by a baseline): the data of its last event, attributes already
	// limited by the policy. A UserDeleted event carries it.
	Data []byte
	// Pass is the number of the last pass that saw the user.
	Pass int64
	// Delivered is false when the user's last event was not acknowledged
	// (a permanent failure): the next pass tries again, and a deletion of
	// a user no consumer heard of is not reported.
	Delivered bool
}

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
	// After is the last username handled in the deleting phase.
	After string `json:"after,omitempty"`
}

// Batch is what one step of a pass writes: records, deletions and the
// checkpoint, written after the events they stand for were acknowledged.
type Batch struct {
	Put    []Record
	Delete []string
	Pass   Pass
}

// Store keeps the state of the sync: one Pass and one Record per user, per
// pool. BoltStore (a local file) and DynamoStore (the Lambda's table)
// implement it.
type Store interface {
	// LoadPass returns the pool's checkpoint; found is false for a pool
	// never synced.
	LoadPass(ctx context.Context, pool string) (p Pass, found bool, err error)
	// GetUsers returns the records of the named users that the state
	// holds (at most one page of them).
	GetUsers(ctx context.Context, pool string, usernames []string) (map[string]Record, error)
	// Commit writes the batch: the records before the checkpoint.
	Commit(ctx context.Context, pool string, b Batch) error
	// Unseen returns up to limit records, in username order after after,
	// whose Pass is below pass.
	Unseen(ctx context.Context, pool string, pass int64, after string, limit int) ([]Record, error)
	// Close releases the store.
	Close() error
}

// ErrState is wrapped by errors reading or writing the state.
var ErrState = errors.New("sync state")
