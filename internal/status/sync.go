package status

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// The state table's keys and attributes (internal/usersync's doc.go lists
// the items): a pool's checkpoint is pk "pool#ID", sk "pass" with its JSON
// in "c"; its lease is sk "lease" with "holder" and "expires" (Unix ms).
const (
	ddbPK, ddbSK, ddbCheck = "pk", "sk", "c"
	ddbHolder, ddbExpires  = "holder", "expires"
	ddbSKPass, ddbSKLease  = "pass", "lease"
	ddbPoolPrefix          = "pool#"
)

// syncState reads each pool's checkpoint and lease from the state table
// (a Scan that keeps only those items: it reads, and is billed for, every
// item of the table) and the sync function's last invocation.
func syncState(ctx context.Context, c Clients, r Resources, now time.Time) (*Sync, error) {
	s := &Sync{Function: r.SyncFunction, Table: r.StateTable, Pools: []PoolState{}}
	if r.SyncFunction != "" {
		pts, err := minuteSums(ctx, c.CloudWatch, "AWS/Lambda", "Invocations", "FunctionName", r.SyncFunction, now)
		if err != nil {
			return s, err
		}
		for _, p := range pts {
			if t := aws.ToTime(p.Timestamp); aws.ToFloat64(p.Sum) > 0 && (s.LastRun == nil || t.After(*s.LastRun)) {
				s.LastRun = &t
			}
		}
	}
	pools := map[string]*PoolState{}
	pool := func(pk string) *PoolState {
		id := strings.TrimPrefix(pk, ddbPoolPrefix)
		if pools[id] == nil {
			pools[id] = &PoolState{Pool: id}
		}
		return pools[id]
	}
	p := dynamodb.NewScanPaginator(c.DynamoDB, &dynamodb.ScanInput{
		TableName:                 aws.String(r.StateTable),
		FilterExpression:          aws.String("#sk = :pass OR #sk = :lease"),
		ExpressionAttributeNames:  map[string]string{"#sk": ddbSK},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":pass": &ddbtypes.AttributeValueMemberS{Value: ddbSKPass}, ":lease": &ddbtypes.AttributeValueMemberS{Value: ddbSKLease}},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return s, err
		}
		for _, item := range page.Items {
			pk, _ := item[ddbPK].(*ddbtypes.AttributeValueMemberS)
			sk, _ := item[ddbSK].(*ddbtypes.AttributeValueMemberS)
			if pk == nil || sk == nil || !strings.HasPrefix(pk.Value, ddbPoolPrefix) {
				continue
			}
			ps := pool(pk.Value)
			switch sk.Value {
			case ddbSKPass:
				c, ok := item[ddbCheck].(*ddbtypes.AttributeValueMemberS)
				var pass struct {
					Number    int64  `json:"number"`
					Completed int64  `json:"completed"`
					Phase     string `json:"phase"`
				}
				if !ok || json.Unmarshal([]byte(c.Value), &pass) != nil {
					return s, fmt.Errorf("item pk %q sk %q: the checkpoint does not decode", pk.Value, sk.Value)
				}
				ps.Pass, ps.Completed, ps.Phase = pass.Number, pass.Completed, pass.Phase
			case ddbSKLease:
				l := &Lease{}
				if h, ok := item[ddbHolder].(*ddbtypes.AttributeValueMemberS); ok {
					l.Holder = h.Value
				}
				if e, ok := item[ddbExpires].(*ddbtypes.AttributeValueMemberN); ok {
					if ms, err := strconv.ParseInt(e.Value, 10, 64); err == nil {
						l.Expires = time.UnixMilli(ms).UTC()
					}
				}
				l.Expired = !l.Expires.After(now)
				ps.Lease = l
			}
		}
	}
	for _, ps := range pools {
		s.Pools = append(s.Pools, *ps)
	}
	slices.SortFunc(s.Pools, func(a, b PoolState) int { return strings.Compare(a.Pool, b.Pool) })
	return s, nil
}

// triggersOf lists the pool's triggers that call function (an ARN).
func triggersOf(ctx context.Context, api *cip.Client, pool, function string) (*Triggers, error) {
	out, err := api.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(pool)})
	if err != nil {
		return nil, err
	}
	if out.UserPool == nil {
		return nil, fmt.Errorf("DescribeUserPool answered without user pool %s", pool)
	}
	t := &Triggers{UserPool: pool, Function: function, Attached: []string{}}
	lc := out.UserPool.LambdaConfig
	if lc == nil {
		return t, nil
	}
	set := map[string]*string{
		"PreSignUp": lc.PreSignUp, "CustomMessage": lc.CustomMessage, "PostConfirmation": lc.PostConfirmation,
		"PreAuthentication": lc.PreAuthentication, "PostAuthentication": lc.PostAuthentication,
		"DefineAuthChallenge": lc.DefineAuthChallenge, "CreateAuthChallenge": lc.CreateAuthChallenge,
		"VerifyAuthChallengeResponse": lc.VerifyAuthChallengeResponse, "PreTokenGeneration": lc.PreTokenGeneration,
		"UserMigration": lc.UserMigration,
	}
	if lc.PreTokenGenerationConfig != nil {
		set["PreTokenGeneration"] = lc.PreTokenGenerationConfig.LambdaArn
	}
	for name, arn := range set {
		if aws.ToString(arn) == function {
			t.Attached = append(t.Attached, name)
		}
	}
	slices.Sort(t.Attached)
	return t, nil
}
