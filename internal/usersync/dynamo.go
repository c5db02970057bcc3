package usersync

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DynamoAPI is the DynamoDB calls DynamoStore makes; *dynamodb.Client is
// the real one.
type DynamoAPI interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
	BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, optFns ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
}

var _ DynamoAPI = (*dynamodb.Client)(nil)

// TableInput is the CreateTable request of a state table named name, of
// the schema DynamoStore reads and writes: string partition key "pk" and
// sort key "sk", billed on demand. The stack creates the deployed table
// with the same keys; tests and local runs create theirs with this.
func TableInput(name string) *dynamodb.CreateTableInput {
	return &dynamodb.CreateTableInput{
		TableName: aws.String(name),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{
			{AttributeName: aws.String(ddbPK), AttributeType: ddbtypes.ScalarAttributeTypeS},
			{AttributeName: aws.String(ddbSK), AttributeType: ddbtypes.ScalarAttributeTypeS},
		},
		KeySchema: []ddbtypes.KeySchemaElement{
			{AttributeName: aws.String(ddbPK), KeyType: ddbtypes.KeyTypeHash},
			{AttributeName: aws.String(ddbSK), KeyType: ddbtypes.KeyTypeRange},
		},
		BillingMode: ddbtypes.BillingModePayPerRequest,
	}
}

// Attribute names of the table (doc.go lists the items).
const (
	ddbPK        = "pk"
	ddbSK        = "sk"
	ddbPass      = "p"
	ddbDelivered = "v"
	ddbData      = "d"
	ddbCheck     = "c"
	ddbUsername  = "u"
	ddbVersion   = "n"
	ddbPending   = "q"
	ddbPendSum   = "h"
	ddbHolder    = "holder"
	ddbExpires   = "expires"
	// ddbLeaseToken names the Lease call that wrote a pool's lease.
	ddbLeaseToken = "token"
	ddbSKPass     = "pass"
	ddbSKLease    = "lease"
	ddbSKSub      = "sub#"
	// ddbSKUser is the sort key prefix of format 1 records (migrated).
	ddbSKUser = "user#"
	// ddbBatchWrite is BatchWriteItem's limit of items per call.
	ddbBatchWrite = 25
	// ddbMaxRounds bounds the calls spent on unprocessed items.
	ddbMaxRounds = 8
)

// DynamoStore keeps the state in a DynamoDB table (doc.go).
type DynamoStore struct {
	API   DynamoAPI
	Table string
}

var _ Store = (*DynamoStore)(nil)

func ddbPoolKey(pool string) string { return "pool#" + pool }

func ddbKey(pool, sk string) map[string]ddbtypes.AttributeValue {
	return map[string]ddbtypes.AttributeValue{
		ddbPK: &ddbtypes.AttributeValueMemberS{Value: ddbPoolKey(pool)},
		ddbSK: &ddbtypes.AttributeValueMemberS{Value: sk},
	}
}

// Close implements Store; there is nothing to release.
func (s *DynamoStore) Close() error { return nil }

// damagedItem is the error of an item that does not decode, naming its
// key and the way out.
func (s *DynamoStore) damagedItem(pool, sk string, err error) error {
	return fmt.Errorf("%w: %w: table %s, item pk %q sk %q: %w (delete the pool's items, pk %q, to start its state over; SYNC_BASELINE=true records its users without sending them)",
		ErrState, ErrDamaged, s.Table, ddbPoolKey(pool), sk, err, ddbPoolKey(pool))
}

// LoadPass implements Store, migrating a format 1 pool first.
func (s *DynamoStore) LoadPass(ctx context.Context, pool string) (Pass, bool, error) {
	out, err := s.API.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), Key: ddbKey(pool, ddbSKPass), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return Pass{}, false, fmt.Errorf("%w: reading the checkpoint of %s from table %s: %w", ErrState, pool, s.Table, err)
	}
	if out.Item == nil {
		return Pass{}, false, nil
	}
	c, ok := out.Item[ddbCheck].(*ddbtypes.AttributeValueMemberS)
	if !ok {
		return Pass{}, false, s.damagedItem(pool, ddbSKPass, fmt.Errorf("no string attribute %q", ddbCheck))
	}
	var p Pass
	if err := json.Unmarshal([]byte(c.Value), &p); err != nil {
		return Pass{}, false, s.damagedItem(pool, ddbSKPass, err)
	}
	if p.Format < StateFormat {
		if p, err = s.migrate(ctx, pool, p); err != nil {
			return Pass{}, false, err
		}
	}
	return p, true, nil
}

// migrate moves a format 1 pool's items (sort key user#<username>) to
// format 2 (sub#<sub>, version 0), a query page at a time, each written
// before its old item is deleted, then writes the checkpoint as format 2:
// a migration stopped anywhere goes on at the next run, and nothing is
// sent.
func (s *DynamoStore) migrate(ctx context.Context, pool string, p Pass) (Pass, error) {
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(s.Table),
		KeyConditionExpression:    aws.String("#pk = :pk AND begins_with(#sk, :user)"),
		ExpressionAttributeNames:  map[string]string{"#pk": ddbPK, "#sk": ddbSK},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":pk": &ddbtypes.AttributeValueMemberS{Value: ddbPoolKey(pool)}, ":user": &ddbtypes.AttributeValueMemberS{Value: ddbSKUser}},
		ConsistentRead:            aws.Bool(true),
		Limit:                     aws.Int32(100),
	}
	for {
		res, err := s.API.Query(ctx, in)
		if err != nil {
			return Pass{}, fmt.Errorf("%w: migrating the state of %s in table %s: %w", ErrState, pool, s.Table, err)
		}
		var recs []Record
		var olds []string
		for _, item := range res.Items {
			sk, _ := item[ddbSK].(*ddbtypes.AttributeValueMemberS)
			r, err := decodeDynamoV1(item) // fails when sk is nil
			if err != nil {
				name := ""
				if sk != nil {
					name = sk.Value
				}
				return Pass{}, s.damagedItem(pool, name, err)
			}
			recs = append(recs, r)
			olds = append(olds, sk.Value)
		}
		if err := s.write(ctx, pool, Batch{Put: recs}); err != nil {
			return Pass{}, err
		}
		var dels []ddbtypes.WriteRequest
		for _, sk := range olds {
			dels = append(dels, ddbtypes.WriteRequest{DeleteRequest: &ddbtypes.DeleteRequest{Key: ddbKey(pool, sk)}})
		}
		if err := s.batchWrite(ctx, pool, dels); err != nil {
			return Pass{}, err
		}
		if len(res.LastEvaluatedKey) == 0 {
			break
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
	p = migratedPass(p)
	if err := s.putPass(ctx, pool, p); err != nil {
		return Pass{}, err
	}
	return p, nil
}

// GetUsers implements Store with BatchGetItem (eventually consistent: a
// stale read can only repeat an event, with the same id).
func (s *DynamoStore) GetUsers(ctx context.Context, pool string, subs []string) (map[string]Record, error) {
	out := make(map[string]Record, len(subs))
	keys := make([]map[string]ddbtypes.AttributeValue, 0, len(subs))
	for _, n := range subs {
		keys = append(keys, ddbKey(pool, ddbSKSub+n))
	}
	for start := 0; start < len(keys); start += 100 {
		req := map[string]ddbtypes.KeysAndAttributes{s.Table: {Keys: keys[start:min(start+100, len(keys))]}}
		for round := 0; len(req) > 0; round++ {
			if round == ddbMaxRounds {
				return nil, fmt.Errorf("%w: reading users of %s: keys still unprocessed after %d calls", ErrState, pool, round)
			}
			res, err := s.API.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
			if err != nil {
				return nil, fmt.Errorf("%w: reading users of %s from table %s: %w", ErrState, pool, s.Table, err)
			}
			for _, item := range res.Responses[s.Table] {
				r, err := decodeDynamoRecord(item)
				if err != nil {
					return nil, s.damagedItem(pool, skOfItem(item), err)
				}
				out[r.Sub] = r
			}
			req = res.UnprocessedKeys
		}
	}
	return out, nil
}

// Commit implements Store: the records and deletions with BatchWriteItem,
// then the checkpoint with PutItem. A crash between them repeats a page,
// whose records then compare equal: no event is lost or changed.
func (s *DynamoStore) Commit(ctx context.Context, pool string, b Batch) error {
	if err := s.write(ctx, pool, b); err != nil {
		return err
	}
	return s.putPass(ctx, pool, b.Pass)
}

// write writes the batch's records and deletions.
func (s *DynamoStore) write(ctx context.Context, pool string, b Batch) error {
	var writes []ddbtypes.WriteRequest
	for _, r := range b.Put {
		item := ddbKey(pool, ddbSKSub+r.Sub)
		item[ddbPass] = &ddbtypes.AttributeValueMemberN{Value: strconv.FormatInt(r.Pass, 10)}
		item[ddbDelivered] = &ddbtypes.AttributeValueMemberBOOL{Value: r.Delivered}
		item[ddbData] = &ddbtypes.AttributeValueMemberS{Value: string(r.Data)}
		item[ddbUsername] = &ddbtypes.AttributeValueMemberS{Value: r.Username}
		item[ddbVersion] = &ddbtypes.AttributeValueMemberN{Value: strconv.FormatInt(r.Version, 10)}
		if r.Pending > 0 {
			item[ddbPending] = &ddbtypes.AttributeValueMemberN{Value: strconv.FormatInt(r.Pending, 10)}
			item[ddbPendSum] = &ddbtypes.AttributeValueMemberB{Value: r.PendingSum[:]}
		}
		writes = append(writes, ddbtypes.WriteRequest{PutRequest: &ddbtypes.PutRequest{Item: item}})
	}
	for _, n := range b.Delete {
		writes = append(writes, ddbtypes.WriteRequest{DeleteRequest: &ddbtypes.DeleteRequest{Key: ddbKey(pool, ddbSKSub+n)}})
	}
	return s.batchWrite(ctx, pool, writes)
}

func (s *DynamoStore) batchWrite(ctx context.Context, pool string, writes []ddbtypes.WriteRequest) error {
	for start := 0; start < len(writes); start += ddbBatchWrite {
		req := map[string][]ddbtypes.WriteRequest{s.Table: writes[start:min(start+ddbBatchWrite, len(writes))]}
		for round := 0; len(req) > 0; round++ {
			if round == ddbMaxRounds {
				return fmt.Errorf("%w: writing users of %s: items still unprocessed after %d calls", ErrState, pool, round)
			}
			res, err := s.API.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: req})
			if err != nil {
				return fmt.Errorf("%w: writing users of %s to table %s: %w", ErrState, pool, s.Table, err)
			}
			req = res.UnprocessedItems
		}
	}
	return nil
}

func (s *DynamoStore) putPass(ctx context.Context, pool string, p Pass) error {
	c, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("%w: encoding the checkpoint of %s: %w", ErrState, pool, err)
	}
	item := ddbKey(pool, ddbSKPass)
	item[ddbCheck] = &ddbtypes.AttributeValueMemberS{Value: string(c)}
	if _, err := s.API.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: item}); err != nil {
		return fmt.Errorf("%w: writing the checkpoint of %s to table %s: %w", ErrState, pool, s.Table, err)
	}
	return nil
}

// Unseen implements Store with a Query of the pool's users after after,
// filtered on the pass number.
func (s *DynamoStore) Unseen(ctx context.Context, pool string, pass int64, after string, limit int) ([]Record, error) {
	in := &dynamodb.QueryInput{
		TableName:              aws.String(s.Table),
		KeyConditionExpression: aws.String("#pk = :pk AND begins_with(#sk, :sub)"),
		FilterExpression:       aws.String("#p < :pass"),
		ExpressionAttributeNames: map[string]string{
			"#pk": ddbPK, "#sk": ddbSK, "#p": ddbPass,
		},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{
			":pk":   &ddbtypes.AttributeValueMemberS{Value: ddbPoolKey(pool)},
			":sub":  &ddbtypes.AttributeValueMemberS{Value: ddbSKSub},
			":pass": &ddbtypes.AttributeValueMemberN{Value: strconv.FormatInt(pass, 10)},
		},
		ConsistentRead: aws.Bool(true),
	}
	if after != "" {
		in.ExclusiveStartKey = ddbKey(pool, ddbSKSub+after)
	}
	var out []Record
	for {
		res, err := s.API.Query(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("%w: listing unseen users of %s in table %s: %w", ErrState, pool, s.Table, err)
		}
		for _, item := range res.Items {
			r, err := decodeDynamoRecord(item)
			if err != nil {
				return nil, s.damagedItem(pool, skOfItem(item), err)
			}
			out = append(out, r)
			if len(out) == limit {
				return out, nil
			}
		}
		if len(res.LastEvaluatedKey) == 0 {
			return out, nil
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
}

func skOfItem(item map[string]ddbtypes.AttributeValue) string {
	if sk, ok := item[ddbSK].(*ddbtypes.AttributeValueMemberS); ok {
		return sk.Value
	}
	return "?"
}

func ddbInt(item map[string]ddbtypes.AttributeValue, name string, required bool) (int64, error) {
	v, ok := item[name].(*ddbtypes.AttributeValueMemberN)
	if !ok {
		if required || item[name] != nil {
			return 0, fmt.Errorf("no number attribute %q", name)
		}
		return 0, nil
	}
	n, err := strconv.ParseInt(v.Value, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("attribute %q: %q is not a count", name, v.Value)
	}
	return n, nil
}

func decodeDynamoRecord(item map[string]ddbtypes.AttributeValue) (Record, error) {
	sk, _ := item[ddbSK].(*ddbtypes.AttributeValueMemberS)
	if sk == nil || len(sk.Value) <= len(ddbSKSub) || sk.Value[:len(ddbSKSub)] != ddbSKSub {
		return Record{}, fmt.Errorf("not a user item")
	}
	r := Record{Sub: sk.Value[len(ddbSKSub):]}
	var err error
	if r.Pass, err = ddbInt(item, ddbPass, true); err != nil {
		return Record{}, err
	}
	if r.Version, err = ddbInt(item, ddbVersion, true); err != nil {
		return Record{}, err
	}
	if r.Pending, err = ddbInt(item, ddbPending, false); err != nil {
		return Record{}, err
	}
	v, ok1 := item[ddbDelivered].(*ddbtypes.AttributeValueMemberBOOL)
	u, ok2 := item[ddbUsername].(*ddbtypes.AttributeValueMemberS)
	d, ok3 := item[ddbData].(*ddbtypes.AttributeValueMemberS)
	if !ok1 || !ok2 || !ok3 || u.Value == "" {
		return Record{}, fmt.Errorf("attributes %q, %q or %q missing or of another type", ddbDelivered, ddbUsername, ddbData)
	}
	r.Delivered, r.Username, r.Data = v.Value, u.Value, []byte(d.Value)
	if r.Pending > 0 {
		h, ok := item[ddbPendSum].(*ddbtypes.AttributeValueMemberB)
		if !ok || len(h.Value) != pendingSumLen {
			return Record{}, fmt.Errorf("attribute %q missing or not %d bytes", ddbPendSum, pendingSumLen)
		}
		copy(r.PendingSum[:], h.Value)
	}
	return r, nil
}

// decodeDynamoV1 reads a format 1 item (sort key user#<username>).
func decodeDynamoV1(item map[string]ddbtypes.AttributeValue) (Record, error) {
	sk, _ := item[ddbSK].(*ddbtypes.AttributeValueMemberS)
	if sk == nil || len(sk.Value) <= len(ddbSKUser) {
		return Record{}, fmt.Errorf("not a user item")
	}
	pass, err := ddbInt(item, ddbPass, true)
	if err != nil {
		return Record{}, err
	}
	v, _ := item[ddbDelivered].(*ddbtypes.AttributeValueMemberBOOL)
	d, ok := item[ddbData].(*ddbtypes.AttributeValueMemberS)
	if v == nil || !ok {
		return Record{}, fmt.Errorf("attributes %q or %q missing", ddbDelivered, ddbData)
	}
	return v1Record(sk.Value[len(ddbSKUser):], pass, v.Value, []byte(d.Value))
}
