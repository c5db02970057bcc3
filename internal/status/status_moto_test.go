package status

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfn "github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/cognito-events/cognito-events/internal/emulator/moto"
	"github.com/cognito-events/cognito-events/internal/forwarder/emf"
	"github.com/cognito-events/cognito-events/internal/usersync"
)

func TestMain(m *testing.M) { moto.Main(m) }

const (
	testStack    = "cognito-events-us-east-1"
	testFunction = "cognito-events-us-east-1-appclientsFunction"
	testSyncFn   = "cognito-events-us-east-1-nightlySyncFunction"
	testTrigger  = "arn:aws:lambda:us-east-1:123456789012:function:cognito-events-us-east-1-signupsTriggerFunction"
)

// seed builds, on moto, what a deployed stack with three routes has:
// app-clients (a rule, a forwarder with metrics, a dead-letter queue with
// 3 messages, an alarm in ALARM), nightly (a user sync with its state
// table, a checkpoint and a lease) and signups (a triggers route whose
// pool calls its function for two triggers), and the stack whose outputs
// name them as the CDK app does. It returns the pool ids.
func seed(t *testing.T, cfg aws.Config, now time.Time) (syncPool, triggerPool string) {
	t.Helper()
	ctx := context.Background()
	eb, q, cw, ddb, idp := eventbridge.NewFromConfig(cfg), sqs.NewFromConfig(cfg), cloudwatch.NewFromConfig(cfg, QueryProtocol), dynamodb.NewFromConfig(cfg), cip.NewFromConfig(cfg)
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	rule, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("appclientsRule765CF5D6"), State: ebtypes.RuleStateEnabled, EventPattern: aws.String(`{"source":["aws.cognito-idp"]}`)})
	must("PutRule", err)
	dlq, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("appclients-dlq")})
	must("CreateQueue", err)
	for i := range 3 {
		_, err := q.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: dlq.QueueUrl, MessageBody: aws.String(fmt.Sprintf(`{"n":%d}`, i))})
		must("SendMessage", err)
	}
	syncFail, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("nightly-sync-failures")})
	must("CreateQueue", err)
	metric := func(name, fn string, v float64, at time.Time) {
		_, err := cw.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String(emf.Namespace), MetricData: []cwtypes.MetricDatum{{
			MetricName: aws.String(name), Value: aws.Float64(v), Timestamp: aws.Time(at), Unit: cwtypes.StandardUnitCount,
			Dimensions: []cwtypes.Dimension{{Name: aws.String(DimFunctionName), Value: aws.String(fn)}},
		}}})
		must("PutMetricData", err)
	}
	metric(emf.MetricDelivered, testFunction, 1, now.Add(-3*time.Hour))
	metric(emf.MetricDelivered, testFunction, 1, now.Add(-2*time.Hour))
	metric(emf.MetricFailed, testFunction, 1, now.Add(-90*time.Minute))
	metric(emf.MetricDelivered, testFunction, 1, now.Add(-30*time.Hour)) // outside the window
	metric(emf.MetricDelivered, "another-function", 5, now.Add(-time.Hour))
	alarm := func(name, dim, value string) {
		_, err := cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
			AlarmName: aws.String(name), Namespace: aws.String("AWS/SQS"), MetricName: aws.String("ApproximateNumberOfMessagesVisible"),
			Dimensions: []cwtypes.Dimension{{Name: aws.String(dim), Value: aws.String(value)}},
			Statistic:  cwtypes.StatisticMaximum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(0),
			ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
		})
		must("PutMetricAlarm", err)
		_, err = cw.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String(name), StateValue: cwtypes.StateValueAlarm, StateReason: aws.String("test")})
		must("SetAlarmState", err)
	}
	alarm("appclientsDeadLetterAlarm", "QueueName", "appclients-dlq")
	alarm("someoneElsesAlarm", "QueueName", "other-queue")

	const table = "nightly-state"
	_, err = ddb.CreateTable(ctx, usersync.TableInput(table))
	must("CreateTable", err)
	pool, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("synced")})
	must("CreateUserPool", err)
	syncPool = aws.ToString(pool.UserPool.Id)
	check, err := json.Marshal(usersync.Pass{Number: 4, Completed: 3, Format: usersync.StateFormat})
	must("encoding the checkpoint", err)
	_, err = ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]ddbtypes.AttributeValue{
		"pk": &ddbtypes.AttributeValueMemberS{Value: "pool#" + syncPool}, "sk": &ddbtypes.AttributeValueMemberS{Value: "pass"},
		"c": &ddbtypes.AttributeValueMemberS{Value: string(check)},
	}})
	must("PutItem", err)
	store := &usersync.DynamoStore{API: ddb, Table: table}
	_, err = store.Lease(ctx, syncPool, "run-1234", now.Add(10*time.Minute).Truncate(time.Millisecond))
	must("taking the lease", err)
	_, err = cw.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("AWS/Lambda"), MetricData: []cwtypes.MetricDatum{{
		MetricName: aws.String("Invocations"), Value: aws.Float64(1), Timestamp: aws.Time(now.Add(-time.Hour)),
		Dimensions: []cwtypes.Dimension{{Name: aws.String("FunctionName"), Value: aws.String(testSyncFn)}},
	}}})
	must("PutMetricData", err)

	tp, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("signups"), LambdaConfig: &ciptypes.LambdaConfigType{
		PreSignUp: aws.String(testTrigger), PostConfirmation: aws.String(testTrigger), PostAuthentication: aws.String("arn:aws:lambda:us-east-1:123456789012:function:theirs"),
	}})
	must("CreateUserPool", err)
	triggerPool = aws.ToString(tp.UserPool.Id)

	outputs := map[string][2]string{
		"appclientsFunctionName":    {testFunction, "forwarder function of route app-clients"},
		"appclientsRuleArn":         {aws.ToString(rule.RuleArn), "EventBridge rule of route app-clients"},
		"appclientsArchiveName":     {"appclients-archive", "EventBridge archive of route app-clients (replay from it)"},
		"appclientsDeadLetterUrl":   {aws.ToString(dlq.QueueUrl), "dead-letter queue of route app-clients"},
		"appclientsLogGroupName":    {"/aws/lambda/x", "forwarder log group of route app-clients"},
		"nightlyFunctionName":       {testSyncFn, "user sync function of route nightly"},
		"nightlyStateTableName":     {table, "user sync state table of route nightly"},
		"nightlyFailureQueueUrl":    {aws.ToString(syncFail.QueueUrl), "on-failure destination of the user sync of route nightly"},
		"signupsUserPoolId":         {triggerPool, "USER_POOL_ID of triggers route signups"},
		"signupsTriggerFunctionArn": {testTrigger, "trigger function of route signups"},
	}
	var b strings.Builder
	b.WriteString(`{"Resources": {"Placeholder": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "status-placeholder"}}}, "Outputs": {`)
	first := true
	for k, v := range outputs {
		if !first {
			b.WriteString(",")
		}
		first = false
		fmt.Fprintf(&b, "%q: {\"Value\": %q, \"Description\": %q}", k, v[0], v[1])
	}
	b.WriteString("}}")
	_, err = cfn.NewFromConfig(cfg).CreateStack(ctx, &cfn.CreateStackInput{StackName: aws.String(testStack), TemplateBody: aws.String(b.String())})
	must("CreateStack", err)
	return syncPool, triggerPool
}

func TestCollect(t *testing.T) {
	if testing.Short() {
		t.Skip("uses moto_server")
	}
	srv := moto.Shared(t)
	srv.Reset(t)
	now := time.Now().UTC().Truncate(time.Minute)
	syncPool, triggerPool := seed(t, srv.Config(), now)

	got, err := Collect(context.Background(), NewClients(srv.Config()), testStack, "us-east-1", nil, now)
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	if len(got) != 3 || got[0].Route != "app-clients" || got[1].Route != "nightly" || got[2].Route != "signups" {
		t.Fatalf("routes %+v", got)
	}
	for _, r := range got {
		if len(r.Errors) > 0 {
			t.Errorf("route %s: errors %v", r.Route, r.Errors)
		}
	}
	app := got[0]
	if len(app.Rules) != 1 || app.Rules[0].Name != "appclientsRule765CF5D6" || app.Rules[0].State != "ENABLED" {
		t.Errorf("rules %+v", app.Rules)
	}
	if d := app.Deliveries; d == nil || d.Delivered != 2 || d.Failed != 1 || d.LastDelivery == nil || !d.LastDelivery.Equal(now.Add(-2*time.Hour)) {
		t.Errorf("deliveries %+v (last %v), want 2 delivered, 1 failed, last at %v", d, d.LastDelivery, now.Add(-2*time.Hour))
	}
	if len(app.Queues) != 1 || app.Queues[0].Name != "appclients-dlq" || app.Queues[0].Messages != 3 {
		t.Errorf("queues %+v", app.Queues)
	}
	if !slices.Equal(app.Alarms, []string{"appclientsDeadLetterAlarm"}) {
		t.Errorf("alarms %v", app.Alarms)
	}

	sync := got[1].Sync
	if sync == nil || len(sync.Pools) != 1 {
		t.Fatalf("sync %+v", sync)
	}
	p := sync.Pools[0]
	if p.Pool != syncPool || p.Pass != 4 || p.Completed != 3 || p.Lease == nil || p.Lease.Holder != "run-1234" || p.Lease.Expired || !p.Lease.Expires.Equal(now.Add(10*time.Minute)) {
		t.Errorf("pool %+v lease %+v", p, p.Lease)
	}
	if sync.LastRun == nil || !sync.LastRun.Equal(now.Add(-time.Hour)) {
		t.Errorf("last run %v", sync.LastRun)
	}
	if len(got[1].Queues) != 1 || got[1].Queues[0].Messages != 0 {
		t.Errorf("sync queues %+v", got[1].Queues)
	}

	tr := got[2].Triggers
	if tr == nil || tr.UserPool != triggerPool || !slices.Equal(tr.Attached, []string{"PostConfirmation", "PreSignUp"}) {
		t.Errorf("triggers %+v", tr)
	}

	var text bytes.Buffer
	Write(&text, got)
	for _, want := range []string{
		"route app-clients (us-east-1, stack cognito-events-us-east-1)",
		"  rule            appclientsRule765CF5D6: ENABLED",
		"in 24 h delivered 2, failed 1, skipped 0; last delivery " + now.Add(-2*time.Hour).Format(time.RFC3339),
		"  dead letters    appclients-dlq: 3 messages, 0 in flight",
		"  alarms in ALARM appclientsDeadLetterAlarm",
		"pool " + syncPool + ": pass 4 (3 completed); lease held by run-1234 until ",
		"  triggers        pool " + triggerPool + " calls the trigger function for: PostConfirmation, PreSignUp",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}

	t.Run("one route", func(t *testing.T) {
		got, err := Collect(context.Background(), NewClients(srv.Config()), testStack, "us-east-1", []string{"nightly"}, now)
		if err != nil || len(got) != 1 || got[0].Route != "nightly" {
			t.Fatalf("Collect: %v, %+v", err, got)
		}
		_, err = Collect(context.Background(), NewClients(srv.Config()), testStack, "us-east-1", []string{"nope"}, now)
		if err == nil || !strings.Contains(err.Error(), "it has app-clients, nightly, signups") {
			t.Fatalf("unknown route: %v", err)
		}
	})
	t.Run("no stack", func(t *testing.T) {
		_, err := Collect(context.Background(), NewClients(srv.Config()), "nope", "us-east-1", nil, now)
		if err == nil || !strings.Contains(err.Error(), "describing stack nope in us-east-1") {
			t.Fatalf("missing stack: %v", err)
		}
	})
}
