package usersync

import (
	"context"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/cognito-events/cognito-events/internal/emulator/fakecognito"
)

// countingDynamo counts DynamoStore's calls and the request units they
// cost on demand: a write unit per 1 KB of each item written or deleted,
// a read unit per 4 KB of each item read strongly consistent (half for
// BatchGetItem's eventually consistent reads), per 4 KB of all the items a
// Query examines (its filter applies after the read).
type countingDynamo struct {
	DynamoAPI
	mu    sync.Mutex
	calls map[string]int
	// items written, their bytes, and the sizes of user items by key.
	userPuts, userBytes int
	size                map[string]int
	rru, wru            float64
}

func (c *countingDynamo) add(op string, rru, wru float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.calls == nil {
		c.calls = map[string]int{}
	}
	c.calls[op]++
	c.rru += rru
	c.wru += wru
}

func (c *countingDynamo) reset() (calls map[string]int, rru, wru float64, puts, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	calls, rru, wru, puts, bytes = c.calls, c.rru, c.wru, c.userPuts, c.userBytes
	c.calls, c.rru, c.wru, c.userPuts, c.userBytes = nil, 0, 0, 0, 0
	return
}

// itemSize is an item's size as DynamoDB bills it: each attribute's name
// plus its value (a string's bytes, a number's digits/2+1, 1 for a bool).
func itemSize(item map[string]ddbtypes.AttributeValue) int {
	n := 0
	for k, v := range item {
		n += len(k)
		switch v := v.(type) {
		case *ddbtypes.AttributeValueMemberS:
			n += len(v.Value)
		case *ddbtypes.AttributeValueMemberN:
			n += (len(strings.TrimLeft(v.Value, "-0"))+1)/2 + 1
		case *ddbtypes.AttributeValueMemberBOOL:
			n++
		}
	}
	return n
}

func units(bytes, per int) float64 { return math.Ceil(float64(max(bytes, 1)) / float64(per)) }

func skOf(item map[string]ddbtypes.AttributeValue) string {
	if s, ok := item[ddbSK].(*ddbtypes.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}

func (c *countingDynamo) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	out, err := c.DynamoAPI.GetItem(ctx, in, o...)
	if err == nil {
		c.add("GetItem", units(itemSize(out.Item), 4096), 0)
	}
	return out, err
}

func (c *countingDynamo) PutItem(ctx context.Context, in *dynamodb.PutItemInput, o ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	c.add("PutItem", 0, units(itemSize(in.Item), 1024))
	return c.DynamoAPI.PutItem(ctx, in, o...)
}

func (c *countingDynamo) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	out, err := c.DynamoAPI.BatchGetItem(ctx, in, o...)
	if err == nil {
		var rru float64
		for _, items := range out.Responses {
			for _, it := range items {
				rru += units(itemSize(it), 4096) / 2
			}
		}
		c.add("BatchGetItem", rru, 0)
	}
	return out, err
}

func (c *countingDynamo) BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	var wru float64
	for _, reqs := range in.RequestItems {
		for _, r := range reqs {
			if r.PutRequest != nil {
				n := itemSize(r.PutRequest.Item)
				wru += units(n, 1024)
				c.mu.Lock()
				c.userPuts++
				c.userBytes += n
				if c.size == nil {
					c.size = map[string]int{}
				}
				c.size[skOf(r.PutRequest.Item)] = n
				c.mu.Unlock()
			} else if r.DeleteRequest != nil {
				c.mu.Lock()
				n := c.size[skOf(r.DeleteRequest.Key)]
				c.mu.Unlock()
				wru += units(n, 1024)
			}
		}
	}
	c.add("BatchWriteItem", 0, wru)
	return c.DynamoAPI.BatchWriteItem(ctx, in, o...)
}

func (c *countingDynamo) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	out, err := c.DynamoAPI.Query(ctx, in, o...)
	if err == nil {
		// The items examined are the stored users from the start key on,
		// up to ScannedCount of them: their sizes are the last written.
		c.mu.Lock()
		start := ""
		if in.ExclusiveStartKey != nil {
			start = skOf(in.ExclusiveStartKey)
		}
		bytes, seen := 0, 0
		for _, k := range slices.Sorted(maps.Keys(c.size)) {
			if seen == int(out.ScannedCount) {
				break
			}
			if k > start {
				bytes += c.size[k]
				seen++
			}
		}
		c.mu.Unlock()
		c.add("Query", units(bytes, 4096), 0)
	}
	return out, err
}

// TestStateCost counts what DynamoStore really does per user and pass
// against moto (users from a loopback Cognito): a first pass (every user
// created), a pass with no change, and a pass with 10% of the users
// deleted. The figures in doc.go come from its log (go test -v -run
// TestStateCost).
func TestStateCost(t *testing.T) {
	const users = 600
	f, client := fakeClient(t, fakecognito.Options{Users: users})
	store := motoTable(t)
	count := &countingDynamo{DynamoAPI: store.API}
	store.API = count
	rec := &recorder{}
	passes := []struct {
		name           string
		users          int
		events         int
		puts           int
		batchGetsPerPg int
	}{
		// Each event's record is written twice: pending before the
		// event is sent, delivered after (so a retry keeps its id).
		{"first", users, users, 2 * users, 1},
		{"no change", users, 0, users, 1},
		{"10% deleted", users * 9 / 10, users / 10, users*9/10 + users/10, 1},
	}
	for _, p := range passes {
		f.SetUsers(p.users)
		e := newEngine(t, client, t.TempDir()+"/unused.db", rec)
		e.Store = store
		s, err := e.SyncPool(context.Background(), f.PoolID())
		if err != nil || !s.Complete || len(rec.take()) != p.events {
			t.Fatalf("%s pass: %+v, err %v; want %d events", p.name, s, err, p.events)
		}
		calls, rru, wru, puts, bytes := count.reset()
		pages := (p.users + PageSize - 1) / PageSize
		if calls["BatchGetItem"] != pages*p.batchGetsPerPg || puts != p.puts {
			t.Fatalf("%s pass: calls %v, %d records written; want %d BatchGetItem, %d records", p.name, calls, puts, pages, p.puts)
		}
		perUser := float64(bytes) / float64(max(puts, 1))
		if perUser < 100 || perUser > 1024 {
			t.Fatalf("%s pass: %.0f bytes per user item, outside 100-1024", p.name, perUser)
		}
		t.Logf("%s pass, %d users, %d pages: calls %v; %.0f bytes per user item; %.3f RRU and %.3f WRU per user",
			p.name, p.users, pages, calls, perUser, rru/float64(users), wru/float64(users))
	}
}
