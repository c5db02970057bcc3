package usersync

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Lease implements Store with the pool's lease item (pk "pool#<id>", sk
// "lease": holder, expires in Unix milliseconds, and a random token of
// this call), written only when absent or expired (a conditional PutItem),
// deleted on release only while it still carries this call's token. A run
// killed before releasing it (a Lambda timeout) leaves it to expire at its
// deadline. The token, not the holder's name, tells whose lease it is: two
// runs may carry one name (a Lambda retry keeps its request id; two local
// runtimes number their requests alike). The SDK retries a write whose
// answer was lost: when the retried conditional write fails because the
// first one took the lease, the item carries this call's token, and the
// lease is ours.
func (s *DynamoStore) Lease(ctx context.Context, pool, holder string, until time.Time) (func(context.Context) error, error) {
	now := time.Now()
	token := leaseToken()
	item := ddbKey(pool, ddbSKLease)
	item[ddbHolder] = &ddbtypes.AttributeValueMemberS{Value: holder}
	item[ddbLeaseToken] = &ddbtypes.AttributeValueMemberS{Value: token}
	item[ddbExpires] = &ddbtypes.AttributeValueMemberN{Value: strconv.FormatInt(until.UnixMilli(), 10)}
	_, err := s.API.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                 aws.String(s.Table),
		Item:                      item,
		ConditionExpression:       aws.String("attribute_not_exists(#pk) OR #e < :now"),
		ExpressionAttributeNames:  map[string]string{"#pk": ddbPK, "#e": ddbExpires},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":now": &ddbtypes.AttributeValueMemberN{Value: strconv.FormatInt(now.UnixMilli(), 10)}},
	})
	var ccf *ddbtypes.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		held, current := s.heldBy(ctx, pool)
		if current != token {
			return nil, held
		}
		err = nil // our own write, retried after its answer was lost
	}
	if err != nil {
		return nil, fmt.Errorf("%w: taking the lease of %s in table %s: %w", ErrState, pool, s.Table, err)
	}
	release := func(ctx context.Context) error {
		_, err := s.API.DeleteItem(ctx, &dynamodb.DeleteItemInput{
			TableName:                 aws.String(s.Table),
			Key:                       ddbKey(pool, ddbSKLease),
			ConditionExpression:       aws.String("#t = :me"),
			ExpressionAttributeNames:  map[string]string{"#t": ddbLeaseToken},
			ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":me": &ddbtypes.AttributeValueMemberS{Value: token}},
		})
		if errors.As(err, &ccf) {
			return nil // expired and taken by another run: not ours to delete
		}
		if err != nil {
			return fmt.Errorf("%w: releasing the lease of %s in table %s (it expires at %s): %w", ErrState, pool, s.Table, until.UTC().Format(time.RFC3339), err)
		}
		return nil
	}
	return release, nil
}

// heldBy reads who holds the pool's lease, until when, and the token of
// the call that wrote it ("" when it cannot be read).
func (s *DynamoStore) heldBy(ctx context.Context, pool string) (*LeaseHeldError, string) {
	held := &LeaseHeldError{Pool: pool, Holder: "another run"}
	out, err := s.API.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), Key: ddbKey(pool, ddbSKLease), ConsistentRead: aws.Bool(true)})
	if err != nil || out.Item == nil {
		return held, ""
	}
	if h, ok := out.Item[ddbHolder].(*ddbtypes.AttributeValueMemberS); ok {
		held.Holder = h.Value
	}
	if ms, err := ddbInt(out.Item, ddbExpires, true); err == nil {
		held.Until = time.UnixMilli(ms)
	}
	token := ""
	if t, ok := out.Item[ddbLeaseToken].(*ddbtypes.AttributeValueMemberS); ok {
		token = t.Value
	}
	return held, token
}

// leaseToken is a random token naming one Lease call.
func leaseToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on Linux
	return hex.EncodeToString(b[:])
}
