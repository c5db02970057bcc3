package usersync

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	bolt "go.etcd.io/bbolt"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/emulator/moto"
	"github.com/cognito-events/cognito-events/internal/sink"
)

// refuser acknowledges every event except those of the usernames in
// refuse, which it refuses permanently (as a sink answering 400).
type refuser struct {
	recorder
	mu     sync.Mutex
	refuse map[string]bool
	tried  []*events.Event
}

func (f *refuser) Send(ctx context.Context, ev *events.Event) (int, error) {
	var u events.User
	_ = json.Unmarshal(ev.Data, &u)
	f.mu.Lock()
	refuse := f.refuse[u.Username]
	if refuse {
		f.tried = append(f.tried, ev)
	}
	f.mu.Unlock()
	if refuse {
		return 1, fmt.Errorf("%w: HTTP 400: bad event", sink.ErrPermanent)
	}
	return f.recorder.Send(ctx, ev)
}

func motoCall(tb testing.TB, what string, f func(ctx context.Context) error) {
	tb.Helper()
	moto.Retry(tb, what, f, nil)
}

// TestSyncMotoToggleIDs: disable, enable, disable over three passes are
// three changes with three ids, although the first and the third record
// are the same (moto, like Cognito, does not move UserLastModifiedDate).
func TestSyncMotoToggleIDs(t *testing.T) {
	client, pool := motoPool(t, 3)
	state := filepath.Join(t.TempDir(), "state.db")
	rec := &recorder{}
	if _, err := syncOnce(t, client, state, pool, rec, nil); err != nil {
		t.Fatalf("first pass: %v", err)
	}
	created := rec.take()
	if len(created) != 3 {
		t.Fatalf("first pass: %d events, want 3", len(created))
	}
	// The sequence of user001's UserCreated, then of each change after it:
	// strictly increasing, though the three changes share their time.
	var seqs []string
	for _, ev := range created {
		var u events.User
		if err := json.Unmarshal(ev.Data, &u); err != nil {
			t.Fatalf("decoding %s: %v", ev.Data, err)
		}
		if u.Username == "user001" {
			seqs = append(seqs, ev.Sequence)
		}
	}
	ids := map[string]bool{}
	var first []byte
	for i, step := range []string{"disable", "enable", "disable"} {
		motoCall(t, step, func(ctx context.Context) error {
			var err error
			if step == "disable" {
				_, err = client.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(pool), Username: aws.String("user001")})
			} else {
				_, err = client.AdminEnableUser(ctx, &cip.AdminEnableUserInput{UserPoolId: aws.String(pool), Username: aws.String("user001")})
			}
			return err
		})
		if _, err := syncOnce(t, client, state, pool, rec, nil); err != nil {
			t.Fatalf("pass after %s: %v", step, err)
		}
		got := rec.take()
		if len(got) != 1 || got[0].EventName != "UserUpdated" {
			t.Fatalf("pass after %s: %v, want one UserUpdated", step, byKind(got))
		}
		if i == 0 {
			first = got[0].Data
		}
		if i == 2 && string(got[0].Data) != string(first) {
			t.Fatalf("the third record differs from the first: the test shows nothing")
		}
		ids[got[0].ID] = true
		seqs = append(seqs, got[0].Sequence)
	}
	if len(ids) != 3 {
		t.Fatalf("disable/enable/disable gave %d distinct ids, want 3", len(ids))
	}
	want := []string{"00000000000000000001", "00000000000000000002", "00000000000000000003", "00000000000000000004"}
	if fmt.Sprint(seqs) != fmt.Sprint(want) {
		t.Fatalf("sequences of created, disable, enable, disable: %q, want %q", seqs, want)
	}
	for i := 1; i < len(seqs); i++ {
		if seqs[i-1] >= seqs[i] {
			t.Errorf("sequence %q does not follow %q", seqs[i], seqs[i-1])
		}
	}
}

// TestSyncMotoRecreated: a username deleted and created again between two
// passes is a new sub: one UserDeleted for the old subject (its last
// record) and one UserCreated for the new one, nothing else.
func TestSyncMotoRecreated(t *testing.T) {
	for _, st := range []string{"bolt", "dynamodb"} {
		t.Run(st, func(t *testing.T) {
			client, pool := motoPool(t, 5)
			rec := &recorder{}
			var table *DynamoStore
			if st == "dynamodb" {
				table = motoTable(t)
			}
			state := filepath.Join(t.TempDir(), "state.db")
			sync := func() []*events.Event {
				t.Helper()
				path := state
				if table != nil {
					path = filepath.Join(t.TempDir(), "unused.db")
				}
				_, err := syncOnce(t, client, path, pool, rec, func(e *Engine) {
					if table != nil {
						e.Store.Close()
						e.Store = table
					}
				})
				if err != nil {
					t.Fatalf("sync: %v", err)
				}
				return rec.take()
			}
			subject := map[string]string{}
			for _, ev := range sync() {
				var u events.User
				_ = json.Unmarshal(ev.Data, &u)
				subject[u.Username] = ev.Subject
			}
			motoCall(t, "deleting", func(ctx context.Context) error {
				_, err := client.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: aws.String(pool), Username: aws.String("user002")})
				return err
			})
			createUser(t, client, pool, "user002")
			got := sync()
			if fmt.Sprint(byKind(got)) != "map[UserCreated:1 UserDeleted:1]" {
				t.Fatalf("events %v, want one UserCreated and one UserDeleted", byKind(got))
			}
			for _, ev := range got {
				switch ev.EventName {
				case "UserDeleted":
					if ev.Subject != subject["user002"] {
						t.Errorf("UserDeleted subject %s, want the old %s", ev.Subject, subject["user002"])
					}
					if ev.Sequence != events.FormatSequence(2) {
						t.Errorf("UserDeleted sequence %q, want the old sub's second change", ev.Sequence)
					}
				case "UserCreated":
					if ev.Subject == subject["user002"] || !strings.HasPrefix(ev.Subject, "user/") {
						t.Errorf("UserCreated subject %s, want a new sub", ev.Subject)
					}
					if ev.Sequence != events.FormatSequence(1) {
						t.Errorf("UserCreated sequence %q, want the new subject's first", ev.Sequence)
					}
				}
			}
			if again := sync(); len(again) != 0 {
				t.Fatalf("next pass: %v", byKind(again))
			}
		})
	}
}

// TestSyncMotoPendingID: a change the sink refused keeps its id when
// retried by the next pass; once the record changed again, the retry is a
// new change with a new id; after that is acknowledged, nothing repeats.
func TestSyncMotoPendingID(t *testing.T) {
	client, pool := motoPool(t, 3)
	state := filepath.Join(t.TempDir(), "state.db")
	snd := &refuser{}
	if _, err := syncOnce(t, client, state, pool, snd, nil); err != nil {
		t.Fatalf("first pass: %v", err)
	}
	snd.take()
	setEmail := func(v string) {
		motoCall(t, "updating", func(ctx context.Context) error {
			_, err := client.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(pool), Username: aws.String("user000"),
				UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(v)}}})
			return err
		})
	}
	setEmail("a@example.com")
	snd.refuse = map[string]bool{"user000": true}
	for range 2 {
		s, err := syncOnce(t, client, state, pool, snd, nil)
		if err != nil || s.Failed != 1 {
			t.Fatalf("refused pass: %+v, %v", s, err)
		}
	}
	if len(snd.tried) != 2 || snd.tried[0].ID != snd.tried[1].ID {
		t.Fatalf("a retried change changed id: %d tries", len(snd.tried))
	}
	if snd.tried[0].Sequence != events.FormatSequence(2) || snd.tried[1].Sequence != snd.tried[0].Sequence {
		t.Fatalf("a retried change's sequences %q, %q, want %q twice", snd.tried[0].Sequence, snd.tried[1].Sequence, events.FormatSequence(2))
	}
	setEmail("b@example.com")
	if _, err := syncOnce(t, client, state, pool, snd, nil); err != nil {
		t.Fatalf("pass: %v", err)
	}
	if len(snd.tried) != 3 || snd.tried[2].ID == snd.tried[0].ID {
		t.Fatalf("a different change kept the refused one's id")
	}
	if snd.tried[2].Sequence <= snd.tried[0].Sequence {
		t.Fatalf("the superseding change's sequence %q is not after the refused one's %q", snd.tried[2].Sequence, snd.tried[0].Sequence)
	}
	snd.refuse = nil
	if _, err := syncOnce(t, client, state, pool, snd, nil); err != nil {
		t.Fatalf("pass: %v", err)
	}
	got := snd.take()
	if len(got) != 1 || got[0].ID != snd.tried[2].ID {
		t.Fatalf("acknowledged retry: %d events, want the pending one's id", len(got))
	}
	if got[0].Sequence != snd.tried[2].Sequence {
		t.Fatalf("acknowledged retry: sequence %q, want the pending one's %q", got[0].Sequence, snd.tried[2].Sequence)
	}
	if _, err := syncOnce(t, client, state, pool, snd, nil); err != nil || len(snd.take()) != 0 {
		t.Fatalf("after acknowledgement: %v", err)
	}
}

// toV1Bolt rewrites a state file into format 1, as the sync wrote it
// before versions: records keyed by username, 9 bytes of header.
func toV1Bolt(tb testing.TB, path, pool string) {
	tb.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		tb.Fatalf("opening: %v", err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(poolBucket(pool))
		old, err := b.CreateBucket(boltUsersName)
		if err != nil {
			return err
		}
		if err := b.Bucket(boltSubsName).ForEach(func(k, v []byte) error {
			r, err := decodeBoltRecord(string(k), v)
			if err != nil {
				return err
			}
			w := make([]byte, 9, 9+len(r.Data))
			binary.BigEndian.PutUint64(w, uint64(r.Pass))
			w[8] = 1
			return old.Put([]byte(r.Username), append(w, r.Data...))
		}); err != nil {
			return err
		}
		if err := b.DeleteBucket(boltSubsName); err != nil {
			return err
		}
		var p Pass
		if err := json.Unmarshal(b.Get(boltPassKey), &p); err != nil {
			return err
		}
		p.Format, p.Policy = 0, nil
		c, _ := json.Marshal(p)
		return b.Put(boltPassKey, c)
	})
	if err != nil {
		tb.Fatalf("rewriting to format 1: %v", err)
	}
}

// TestSyncMotoMigrates: a format 1 state file (keyed by username, no
// versions) is migrated without sending anything; the next change is an
// event as usual.
func TestSyncMotoMigrates(t *testing.T) {
	client, pool := motoPool(t, 70)
	state := filepath.Join(t.TempDir(), "state.db")
	rec := &recorder{}
	if _, err := syncOnce(t, client, state, pool, rec, nil); err != nil || len(rec.take()) != 70 {
		t.Fatalf("first pass: %v", err)
	}
	toV1Bolt(t, state, pool)
	s, err := syncOnce(t, client, state, pool, rec, nil)
	if got := rec.take(); err != nil || len(got) != 0 || !s.Complete {
		t.Fatalf("pass on a format 1 state: %v, %+v, err %v; want nothing sent", byKind(got), s, err)
	}
	motoCall(t, "disabling", func(ctx context.Context) error {
		_, err := client.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(pool), Username: aws.String("user065")})
		return err
	})
	if _, err := syncOnce(t, client, state, pool, rec, nil); err != nil {
		t.Fatalf("pass: %v", err)
	}
	if got := rec.take(); fmt.Sprint(byKind(got)) != "map[UserUpdated:1]" {
		t.Fatalf("after migration: %v, want one UserUpdated", byKind(got))
	}
}

// TestSyncMotoMigratesDynamo: a format 1 table (items user#<username>
// with p, v, d) is migrated without sending anything.
func TestSyncMotoMigratesDynamo(t *testing.T) {
	client, pool := motoPool(t, 65)
	table := motoTable(t)
	rec := &recorder{}
	run := func() []*events.Event {
		t.Helper()
		_, err := syncOnce(t, client, filepath.Join(t.TempDir(), "unused.db"), pool, rec, func(e *Engine) { e.Store.Close(); e.Store = table })
		if err != nil {
			t.Fatalf("sync: %v", err)
		}
		return rec.take()
	}
	if got := run(); len(got) != 65 {
		t.Fatalf("first pass: %d events", len(got))
	}
	ctx := context.Background()
	recs, err := table.Unseen(ctx, pool, 1<<40, "", 1000)
	if err != nil || len(recs) != 65 {
		t.Fatalf("reading back: %d, %v", len(recs), err)
	}
	var writes []ddbtypes.WriteRequest
	for _, r := range recs {
		item := ddbKey(pool, ddbSKUser+r.Username)
		item[ddbPass] = &ddbtypes.AttributeValueMemberN{Value: fmt.Sprint(r.Pass)}
		item[ddbDelivered] = &ddbtypes.AttributeValueMemberBOOL{Value: true}
		item[ddbData] = &ddbtypes.AttributeValueMemberS{Value: string(r.Data)}
		writes = append(writes, ddbtypes.WriteRequest{PutRequest: &ddbtypes.PutRequest{Item: item}},
			ddbtypes.WriteRequest{DeleteRequest: &ddbtypes.DeleteRequest{Key: ddbKey(pool, ddbSKSub+r.Sub)}})
	}
	if err := table.batchWrite(ctx, pool, writes); err != nil {
		t.Fatalf("writing format 1: %v", err)
	}
	p, _, err := table.LoadPass(ctx, pool)
	if err != nil {
		t.Fatalf("loading: %v", err)
	}
	p.Format, p.Policy = 0, nil
	if err := table.putPass(ctx, pool, p); err != nil {
		t.Fatalf("writing the format 1 checkpoint: %v", err)
	}
	if got := run(); len(got) != 0 {
		t.Fatalf("pass on a format 1 table: %v, want nothing sent", byKind(got))
	}
	if old, err := table.Unseen(ctx, pool, 1<<40, "", 1000); err != nil || len(old) != 65 {
		t.Fatalf("after migration: %d records, %v", len(old), err)
	}
}
