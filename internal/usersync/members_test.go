package usersync

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/cognito-events/cognito-events/internal/emulator/moto"
	"github.com/cognito-events/cognito-events/internal/lambdafn"
)

func TestParsePoolARN(t *testing.T) {
	p, err := ParsePoolARN("arn:aws:cognito-idp:eu-west-1:222222222222:userpool/eu-west-1_AbCdEfGhI")
	if err != nil {
		t.Fatal(err)
	}
	if p.Account != "222222222222" || p.Region != "eu-west-1" || p.ID != "eu-west-1_AbCdEfGhI" ||
		p.RoleARN() != "arn:aws:iam::222222222222:role/cognito-events-sync-reader-eu-west-1" {
		t.Errorf("%+v, role %s", p, p.RoleARN())
	}
	for _, bad := range []string{
		"eu-west-1_AbCdEfGhI",
		"arn:aws:cognito-idp:eu-west-1:2222:userpool/eu-west-1_AbCdEfGhI",
		"arn:aws:cognito-idp:us-east-1:222222222222:userpool/eu-west-1_AbCdEfGhI",
		"arn:aws:cognito-idp:eu-west-1:222222222222:userpool/eu-west-1_AbC/x",
	} {
		if _, err := ParsePoolARN(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// memberPool creates a pool with n users in account through STS
// AssumeRole on moto (which acts in the role's account) and returns its
// client and ARN.
func memberPool(tb testing.TB, account string, n int) (*cip.Client, MemberPool) {
	tb.Helper()
	srv := moto.Shared(tb)
	role := "arn:aws:iam::" + account + ":role/" + MemberRolePrefix + moto.Region
	cfg, err := lambdafn.AssumeRole(srv.Config(), role, nil)
	if err != nil {
		tb.Fatal(err)
	}
	client := NewCognito(cfg, nil)
	var arn string
	moto.Retry(tb, "creating member pool", func(ctx context.Context) error {
		out, err := client.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String(tb.Name())})
		if err == nil {
			arn = aws.ToString(out.UserPool.Arn)
		}
		return err
	}, nil)
	p, err := ParsePoolARN(arn)
	if err != nil || p.Account != account {
		tb.Fatalf("pool ARN %s (account %s, want %s): %v", arn, p.Account, account, err)
	}
	for i := range n {
		createUser(tb, client, p.ID, fmt.Sprintf("user%03d", i))
	}
	return client, p
}

// TestHubSyncMemberPools: the hub's sync with two member pools (two
// accounts, on moto) reads each through its account's reader role, sends
// events whose source is each pool's ARN, keeps a state and a lease per
// pool (a held lease on one pool leaves the other's run alone), and does
// not discover the hub account's own pools.
func TestHubSyncMemberPools(t *testing.T) {
	srv := moto.Shared(t)
	_, hubPool := motoPool(t, 1) // in the default account: must not be synced
	_, a := memberPool(t, "222222222222", 3)
	clientB, b := memberPool(t, "333333333333", 2)
	store := motoTable(t)
	rec := &recorder{}
	e := newEngine(t, NewCognito(srv.Config(), nil), t.TempDir()+"/unused.db", rec)
	e.Store = store
	f := &Function{
		Engine:  e,
		Members: []MemberPool{a, b},
		Rate:    1000,
		MemberCognito: func(p MemberPool) (CognitoAPI, error) {
			return MemberCognito(srv.Config(), p, nil, nil)
		},
	}
	stats, err := f.Handle(context.Background(), nil)
	if err != nil || !stats.Complete {
		t.Fatalf("Handle: %+v, %v", stats, err)
	}
	sources := map[string]int{}
	for _, ev := range rec.take() {
		sources[ev.Source]++
	}
	if sources[a.ARN] != 3 || sources[b.ARN] != 2 || len(sources) != 2 {
		t.Errorf("events by source %v: want 3 from %s and 2 from %s, none from the hub's %s", sources, a.ARN, b.ARN, hubPool)
	}
	if len(f.limiters) != 2 {
		t.Errorf("%d limiters for two accounts in one region, want one per account and region", len(f.limiters))
	}

	// One state per pool: each pool's partition holds its own users.
	for _, p := range []struct {
		pool MemberPool
		n    int
	}{{a, 3}, {b, 2}} {
		out, err := store.API.(*dynamodb.Client).Query(context.Background(), &dynamodb.QueryInput{
			TableName:                 aws.String(store.Table),
			KeyConditionExpression:    aws.String("#pk = :pk AND begins_with(#sk, :user)"),
			ExpressionAttributeNames:  map[string]string{"#pk": ddbPK, "#sk": ddbSK},
			ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":pk": &ddbtypes.AttributeValueMemberS{Value: ddbPoolKey(p.pool.ID)}, ":user": &ddbtypes.AttributeValueMemberS{Value: ddbSKSub}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if int(out.Count) != p.n {
			t.Errorf("pool %s: %d user items in its state, want %d", p.pool.ID, out.Count, p.n)
		}
	}

	// One lease per pool: another run holds a's; b's run goes on.
	release, err := store.Lease(context.Background(), a.ID, "another run", time.Now().Add(time.Minute))
	if err != nil {
		t.Fatalf("taking a's lease: %v", err)
	}
	defer release(context.Background())
	createUser(t, clientB, b.ID, "late")
	if _, err := f.Handle(context.Background(), nil); err != nil {
		t.Fatalf("second Handle: %v", err)
	}
	got := rec.take()
	if len(got) != 1 || got[0].Source != b.ARN || got[0].EventName != "UserCreated" {
		var s []string
		for _, ev := range got {
			s = append(s, ev.EventName+" "+ev.Source)
		}
		t.Errorf("second run sent %s; want one UserCreated from %s (a's lease held elsewhere)", strings.Join(s, ", "), b.ARN)
	}
}

// TestHubSyncDiscoversMemberPools: with discovery places, the hub's sync
// lists every pool of each member account and region through its reader
// role and syncs each once, a listed pool that discovery also finds
// included; the events carry each pool's ARN.
func TestHubSyncDiscoversMemberPools(t *testing.T) {
	srv := moto.Shared(t)
	_, a1 := memberPool(t, "555555555555", 2)
	_, a2 := memberPool(t, "555555555555", 1)
	_, b := memberPool(t, "666666666666", 3)
	var places []MemberPool
	for _, s := range []string{"aws:555555555555:" + moto.Region, "aws:666666666666:" + moto.Region} {
		p, err := ParsePlace(s)
		if err != nil {
			t.Fatal(err)
		}
		places = append(places, p)
	}
	if _, err := ParsePlace("aws:5555:us-east-1"); err == nil {
		t.Error("a bad place was accepted")
	}
	rec := &recorder{}
	e := newEngine(t, NewCognito(srv.Config(), nil), t.TempDir()+"/unused.db", rec)
	e.Store = motoTable(t)
	var assumed int
	f := &Function{
		Engine: e, Members: []MemberPool{a2}, Discover: places, Rate: 1000,
		MemberCognito: func(p MemberPool) (CognitoAPI, error) {
			assumed++
			return MemberCognito(srv.Config(), p, nil, nil)
		},
	}
	if stats, err := f.Handle(context.Background(), nil); err != nil || !stats.Complete {
		t.Fatalf("Handle: %+v, %v", stats, err)
	}
	sources := map[string]int{}
	for _, ev := range rec.take() {
		sources[ev.Source]++
	}
	if sources[a1.ARN] != 2 || sources[a2.ARN] != 1 || sources[b.ARN] != 3 || len(sources) != 3 {
		t.Errorf("events by source %v: want 2 from %s, 1 from %s, 3 from %s", sources, a1.ARN, a2.ARN, b.ARN)
	}
	if assumed != 2 {
		t.Errorf("%d AssumeRole sessions, want one per account and region", assumed)
	}
	if len(f.Members) != 1 {
		t.Errorf("discovery changed the function's listed pools: %v", f.Members)
	}
}
