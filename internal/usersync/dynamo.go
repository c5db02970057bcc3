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
	ddbSKPass    = "pass"
	ddbSKUser    = "user#"
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

// LoadPass implements Store.
func (s *DynamoStore) LoadPass(ctx context.Context, pool string) (Pass, bool, error) {
	out, err := s.API.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), Key: ddbKey(pool, ddbSKPass), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return Pass{}, false, fmt.Errorf("%w: reading the checkpoint of %s from table %s: %w", ErrState, pool, s.Table, err)
	}
	c, ok := out.Item[ddbCheck].(*ddbtypes.AttributeValueMemberS)
	if !ok {
		return Pass{}, false, nil
	}
	var p Pass
	if err := json.Unmarshal([]byte(c.Value), &p); err != nil {
		return Pass{}, false, fmt.Errorf("%w: decoding the checkpoint of %s: %w", ErrState, pool, err)
	}
	return p, true, nil
}

// GetUsers implements Store with BatchGetItem (eventually consistent: a
// stale read can only repeat an event, with the same id).
func (s *DynamoStore) GetUsers(ctx context.Context, pool string, usernames []string) (map[string]Record, error) {
	out := make(map[string]Record, len(usernames))
	keys := make([]map[string]ddbtypes.AttributeValue, 0, len(usernames))
	for _, n := range usernames {
		keys = append(keys, ddbKey(pool, ddbSKUser+n))
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
					return nil, fmt.Errorf("%w: %s: %w", ErrState, pool, err)
				}
				out[r.Username] = r
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
	var writes []ddbtypes.WriteRequest
	for _, r := range b.Put {
		item := ddbKey(pool, ddbSKUser+r.Username)
		item[ddbPass] = &ddbtypes.AttributeValueMemberN{Value: strconv.FormatInt(r.Pass, 10)}
		item[ddbDelivered] = &ddbtypes.AttributeValueMemberBOOL{Value: r.Delivered}
		item[ddbData] = &ddbtypes.AttributeValueMemberS{Value: string(r.Data)}
		writes = append(writes, ddbtypes.WriteRequest{PutRequest: &ddbtypes.PutRequest{Item: item}})
	}
	for _, n := range b.Delete {
		writes = append(writes, ddbtypes.WriteRequest{DeleteRequest: &ddbtypes.DeleteRequest{Key: ddbKey(pool, ddbSKUser+n)}})
	}
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
	c, err := json.Marshal(b.Pass)
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
		KeyConditionExpression: aws.String("#pk = :pk AND begins_with(#sk, :user)"),
		FilterExpression:       aws.String("#p < :pass"),
		ExpressionAttributeNames: map[string]string{
			"#pk": ddbPK, "#sk": ddbSK, "#p": ddbPass,
		},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{
			":pk":   &ddbtypes.AttributeValueMemberS{Value: ddbPoolKey(pool)},
			":user": &ddbtypes.AttributeValueMemberS{Value: ddbSKUser},
			":pass": &ddbtypes.AttributeValueMemberN{Value: strconv.FormatInt(pass, 10)},
		},
		ConsistentRead: aws.Bool(true),
	}
	if after != "" {
		in.ExclusiveStartKey = ddbKey(pool, ddbSKUser+after)
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
				return nil, fmt.Errorf("%w: %s: %w", ErrState, pool, err)
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

func decodeDynamoRecord(item map[string]ddbtypes.AttributeValue) (Record, error) {
	sk, _ := item[ddbSK].(*ddbtypes.AttributeValueMemberS)
	if sk == nil || len(sk.Value) <= len(ddbSKUser) {
		return Record{}, fmt.Errorf("an item without a user sort key")
	}
	r := Record{Username: sk.Value[len(ddbSKUser):]}
	p, _ := item[ddbPass].(*ddbtypes.AttributeValueMemberN)
	if p == nil {
		return Record{}, fmt.Errorf("user %q: no %s attribute", r.Username, ddbPass)
	}
	n, err := strconv.ParseInt(p.Value, 10, 64)
	if err != nil {
		return Record{}, fmt.Errorf("user %q: %s: %w", r.Username, ddbPass, err)
	}
	r.Pass = n
	if v, ok := item[ddbDelivered].(*ddbtypes.AttributeValueMemberBOOL); ok {
		r.Delivered = v.Value
	}
	if d, ok := item[ddbData].(*ddbtypes.AttributeValueMemberS); ok {
		r.Data = []byte(d.Value)
	}
	return r, nil
}
