package usersync

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/cognito-events/cognito-events/internal/emulator/moto"
)

// motoTable creates a state table of the documented schema on moto.
func motoTable(tb testing.TB) *DynamoStore {
	tb.Helper()
	srv := moto.Shared(tb)
	api := dynamodb.NewFromConfig(srv.Config())
	name := "sync-" + strings.NewReplacer("/", "-", " ", "_").Replace(tb.Name())
	moto.Retry(tb, "creating table", func(ctx context.Context) error {
		_, err := api.CreateTable(ctx, TableInput(name))
		return err
	}, moto.IsExists)
	return &DynamoStore{API: api, Table: name}
}

// TestStores holds both stores to the Store contract.
func TestStores(t *testing.T) {
	stores := []struct {
		name string
		open func(testing.TB) Store
	}{
		{"bolt", func(tb testing.TB) Store {
			s, err := OpenBolt(filepath.Join(tb.TempDir(), "state.db"))
			if err != nil {
				tb.Fatalf("opening: %v", err)
			}
			tb.Cleanup(func() { s.Close() })
			return s
		}},
		{"dynamodb", func(tb testing.TB) Store { return motoTable(tb) }},
	}
	ctx := context.Background()
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			s := st.open(t)
			if _, found, err := s.LoadPass(ctx, "p_1"); err != nil || found {
				t.Fatalf("empty store: found %v, err %v", found, err)
			}
			var put []Record
			for i := range 130 {
				put = append(put, Record{Sub: fmt.Sprintf("u%03d", i), Username: fmt.Sprintf("name%03d", i), Data: []byte(`{"i":` + fmt.Sprint(i) + `}`), Pass: int64(1 + i%2), Delivered: i%3 != 0, Version: int64(i)})
			}
			put[1].Pending, put[1].PendingSum = 5, pendingSum("UserUpdated", []byte("x"))
			pass := Pass{Number: 2, Phase: PhaseDeleting, Token: "tok", Page: 3, Format: StateFormat}
			if err := s.Commit(ctx, "p_1", Batch{Put: put, Pass: pass}); err != nil {
				t.Fatalf("commit: %v", err)
			}
			got, found, err := s.LoadPass(ctx, "p_1")
			if err != nil || !found || got != pass {
				t.Fatalf("pass %+v found %v err %v, want %+v", got, found, err, pass)
			}
			users, err := s.GetUsers(ctx, "p_1", []string{"u000", "u001", "nobody"})
			if err != nil || len(users) != 2 || string(users["u001"].Data) != `{"i":1}` || users["u001"].Pass != 2 || !users["u001"].Delivered || users["u000"].Delivered ||
				users["u001"].Username != "name001" || users["u001"].Version != 1 || users["u001"].Pending != 5 || users["u001"].PendingSum != put[1].PendingSum {
				t.Fatalf("GetUsers: %+v, err %v", users, err)
			}
			if err := s.Commit(ctx, "p_1", Batch{Delete: []string{"u002"}, Pass: pass}); err != nil {
				t.Fatalf("delete: %v", err)
			}
			var unseen []string
			after := ""
			for {
				recs, err := s.Unseen(ctx, "p_1", 2, after, 7)
				if err != nil {
					t.Fatalf("unseen: %v", err)
				}
				for _, r := range recs {
					unseen = append(unseen, r.Sub)
					after = r.Sub
				}
				if len(recs) < 7 {
					break
				}
			}
			// Pass 1 users are the even ones, u002 deleted: 64.
			if len(unseen) != 64 || unseen[0] != "u000" || unseen[1] != "u004" {
				t.Fatalf("unseen %d users starting %v", len(unseen), unseen[:min(3, len(unseen))])
			}
			if other, _ := s.GetUsers(ctx, "p_2", []string{"u000"}); len(other) != 0 {
				t.Fatalf("pools not kept apart: %v", other)
			}
		})
	}
}

// TestSyncMotoDynamo runs a sync with the state in DynamoDB, as the Lambda
// does: a full sync, a repeat with no events, a deletion.
func TestSyncMotoDynamo(t *testing.T) {
	client, pool := motoPool(t, 70)
	store := motoTable(t)
	rec := &recorder{}
	run := func() Stats {
		t.Helper()
		e := newEngine(t, client, filepath.Join(t.TempDir(), "unused.db"), rec)
		e.Store = store
		s, err := e.SyncPool(context.Background(), pool)
		if err != nil || !s.Complete {
			t.Fatalf("sync: %+v, err %v", s, err)
		}
		return s
	}
	if run(); len(rec.take()) != 70 {
		t.Fatalf("first sync did not create 70 users")
	}
	if run(); len(rec.take()) != 0 {
		t.Fatalf("repeat sent events")
	}
	moto.Retry(t, "deleting", func(ctx context.Context) error {
		_, err := client.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: aws.String(pool), Username: aws.String("user010")})
		return err
	}, nil)
	if run(); fmt.Sprint(byKind(rec.take())) != "map[UserDeleted:1]" {
		t.Fatalf("deletion not reported once")
	}
}

// retriedPut answers the first lease write as the SDK sees a write whose
// answer was lost and retried: the write took effect, and the retry's
// condition failed.
type retriedPut struct {
	DynamoAPI
	done bool
}

func (r *retriedPut) PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	if r.done || in.ConditionExpression == nil {
		return r.DynamoAPI.PutItem(ctx, in, optFns...)
	}
	r.done = true
	if _, err := r.DynamoAPI.PutItem(ctx, in, optFns...); err != nil {
		return nil, err
	}
	return r.DynamoAPI.PutItem(ctx, in, optFns...)
}

// TestLeaseRetriedWrite: a lease write that took effect but was retried
// (its answer lost) is this run's lease, not "another run"'s; any other
// Lease call, even with the same holder and deadline, finds it held; and
// the release frees it.
func TestLeaseRetriedWrite(t *testing.T) {
	store := motoTable(t)
	store.API = &retriedPut{DynamoAPI: store.API}
	ctx := context.Background()
	until := time.Now().Add(time.Minute)
	release, err := store.Lease(ctx, "us-east-1_retried", "run-1", until)
	if err != nil {
		t.Fatalf("a retried lease write: %v", err)
	}
	if _, err := store.Lease(ctx, "us-east-1_retried", "run-2", until); !errors.Is(err, ErrLeaseHeld) {
		t.Fatalf("another holder took a held lease: err %v", err)
	}
	if _, err := store.Lease(ctx, "us-east-1_retried", "run-1", until.Add(time.Second)); !errors.Is(err, ErrLeaseHeld) {
		t.Fatalf("the same holder with another deadline (another run of the process) took a held lease: err %v", err)
	}
	// Two runs may carry one name and one deadline (two local runtimes
	// number their requests alike; a Lambda retry keeps its request id).
	if _, err := store.Lease(ctx, "us-east-1_retried", "run-1", until); !errors.Is(err, ErrLeaseHeld) {
		t.Fatalf("another run with the same holder and deadline took a held lease: err %v", err)
	}
	if err := release(ctx); err != nil {
		t.Fatal(err)
	}
	release2, err := store.Lease(ctx, "us-east-1_retried", "run-2", until)
	if err != nil {
		t.Fatalf("the lease after its release: %v", err)
	}
	if err := release2(ctx); err != nil {
		t.Fatal(err)
	}
}
