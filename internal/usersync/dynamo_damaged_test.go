package usersync

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// oddDynamo answers a format 1 checkpoint and, to the migration's query,
// items whose sort key is missing or not a string: what a table edited by
// hand, or not of the documented schema, could hold. Other calls are not
// expected (the embedded nil interface would panic on them).
type oddDynamo struct {
	DynamoAPI
	items []map[string]ddbtypes.AttributeValue
}

func (o *oddDynamo) GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	return &dynamodb.GetItemOutput{Item: map[string]ddbtypes.AttributeValue{
		ddbCheck: &ddbtypes.AttributeValueMemberS{Value: `{"Number":1,"Completed":1,"Format":1}`},
	}}, nil
}

func (o *oddDynamo) Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	return &dynamodb.QueryOutput{Items: o.items}, nil
}

// TestDynamoMigrateOddSortKey: a format 1 item without a string sort key
// is a damaged state (ErrDamaged naming the table), not a nil dereference.
func TestDynamoMigrateOddSortKey(t *testing.T) {
	for name, sk := range map[string]ddbtypes.AttributeValue{
		"missing":   nil,
		"a number":  &ddbtypes.AttributeValueMemberN{Value: "1"},
		"too short": &ddbtypes.AttributeValueMemberS{Value: ddbSKUser},
	} {
		t.Run(name, func(t *testing.T) {
			item := map[string]ddbtypes.AttributeValue{ddbPass: &ddbtypes.AttributeValueMemberN{Value: "1"}}
			if sk != nil {
				item[ddbSK] = sk
			}
			s := &DynamoStore{API: &oddDynamo{items: []map[string]ddbtypes.AttributeValue{item}}, Table: "state"}
			_, _, err := s.LoadPass(context.Background(), "eu-west-1_A")
			if !errors.Is(err, ErrDamaged) || !errors.Is(err, ErrState) {
				t.Fatalf("LoadPass: %v, want ErrDamaged", err)
			}
		})
	}
}
