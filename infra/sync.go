package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdadestinations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/cognito-events/cognito-events/internal/config"
)

// SyncCodeDirName is the folder beside the forwarder's where `make build`
// puts the sync function (build/sync).
const SyncCodeDirName = "sync"

// SyncProps configures one route's user sync.
type SyncProps struct {
	// Route is the route's configuration; Route.Sync must be set.
	Route *config.Route
	// Region is the stack's region: the sync reads the route's pools of
	// that region, or discovers every pool there.
	Region string
	// CodeDir holds the sync function's bootstrap (build/sync).
	CodeDir string
	// DeadLetterQueue receives the schedule's invocations EventBridge
	// could not deliver: the route's, when it has a rule; nil creates one.
	DeadLetterQueue awssqs.IQueue
	// AlarmAction is notified by the alarms; nil notifies no one.
	AlarmAction awscloudwatch.IAlarmAction
}

// Sync is a route's user sync, in a construct named "Sync" under the
// route's: the schedule (an EventBridge rule), the state table, the
// function with its log group and role, the failure queue (and a
// dead-letter queue on a sync-only route), and the alarms.
type Sync struct {
	constructs.Construct
	Function        awslambda.Function
	Schedule        awsevents.Rule
	Table           awsdynamodb.Table
	FailureQueue    awssqs.Queue
	DeadLetterQueue awssqs.IQueue
}

// addRoute creates a route's constructs: its rule and forwarder when it
// has a rule (NewRoute), and its sync when it has one (NewSync), under one
// construct named after the route.
func addRoute(stack awscdk.Stack, r *config.Route, codeDir string, bus awsevents.IEventBus, action awscloudwatch.IAlarmAction) error {
	var scope constructs.Construct
	var dlq awssqs.IQueue
	if r.HasRule() {
		rt, err := NewRoute(stack, r.Name, &RouteProps{Route: r, CodeDir: codeDir, Bus: bus, AlarmAction: action})
		if err != nil {
			return err
		}
		scope, dlq = rt.Construct, rt.DeadLetterQueue
		if r.Enrich.User && len(r.Selection.UserPoolIDs) == 0 {
			if role, ok := rt.Node().TryFindChild(jsii.String("Role")).(awsiam.Role); ok {
				suppressEnrichPools(role)
			}
		}
	}
	if r.Sync == nil {
		return nil
	}
	region := *stack.Region()
	if _, ok := r.SyncPools(region); !ok {
		return nil // the route's pools are all in other regions
	}
	if scope == nil {
		scope = constructs.NewConstruct(stack, jsii.String(r.Name))
	}
	syncDir := filepath.Join(filepath.Dir(codeDir), SyncCodeDirName)
	if err := CheckCode(syncDir); err != nil {
		return fmt.Errorf("route %q: the sync function: %w", r.Name, err)
	}
	_, err := NewSync(scope, "Sync", &SyncProps{Route: r, Region: region, CodeDir: syncDir, DeadLetterQueue: dlq, AlarmAction: action})
	return err
}

// NewSync creates a route's user sync. The schedule is an EventBridge rule
// with a schedule expression rather than an EventBridge Scheduler
// schedule: it is the mechanism the routes already use (target
// dead-letter queue and retries, the FailedInvocations alarm), and it
// needs no role for the scheduler to assume.
func NewSync(scope constructs.Construct, id string, props *SyncProps) (*Sync, error) {
	if props == nil || props.Route == nil || props.Route.Sync == nil {
		return nil, errors.New("building sync: no route with a sync in SyncProps")
	}
	r, s := props.Route, props.Route.Sync
	if props.Region == "" || props.CodeDir == "" {
		return nil, fmt.Errorf("route %q: building sync: SyncProps needs Region and CodeDir", r.Name)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	out := &Sync{Construct: c}

	out.Table = awsdynamodb.NewTable(c, jsii.String("StateTable"), &awsdynamodb.TableProps{
		PartitionKey:  &awsdynamodb.Attribute{Name: jsii.String("pk"), Type: awsdynamodb.AttributeType_STRING},
		SortKey:       &awsdynamodb.Attribute{Name: jsii.String("sk"), Type: awsdynamodb.AttributeType_STRING},
		BillingMode:   awsdynamodb.BillingMode_PAY_PER_REQUEST,
		Encryption:    awsdynamodb.TableEncryption_AWS_MANAGED,
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
	})

	logs := awslogs.NewLogGroup(c, jsii.String("Logs"), &awslogs.LogGroupProps{
		Retention:     retention(r.Function.LogRetentionDays),
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	role := awsiam.NewRole(c, jsii.String("Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String(fmt.Sprintf("cognito-events user sync of route %s", r.Name)),
	})
	logs.GrantWrite(role)
	for _, st := range r.SyncStatements(props.Region) {
		role.AddToPrincipalPolicy(policyStatement(st))
	}
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("SyncState"),
		Actions:   jsii.Strings(config.SyncTableActions...),
		Resources: &[]*string{out.Table.TableArn()},
	}))
	if pools, _ := r.SyncPools(props.Region); len(pools) == 0 {
		cdknag.NagSuppressions_AddResourceSuppressions(role, &[]*cdknag.NagPackSuppression{{
			Id:        jsii.String("AwsSolutions-IAM5"),
			Reason:    jsii.String("The route selects no pool, so the sync reads every pool of the region: cognito-idp:ListUserPools has no resource-level permissions, and the read actions are limited to user pool ARNs of this account and region."),
			AppliesTo: &[]any{"Resource::*", "Resource::arn:<AWS::Partition>:cognito-idp:<AWS::Region>:<AWS::AccountId>:userpool/*"},
		}}, jsii.Bool(true))
	}

	suppressUnitReaders(role, r.SyncStatements(props.Region))

	env := r.SyncEnvironment(props.Region)
	env[config.EnvSyncStateTable] = *out.Table.TableName()
	fn := awslambda.NewFunction(c, jsii.String("Function"), &awslambda.FunctionProps{
		Description:           jsii.String(fmt.Sprintf("cognito-events user sync of route %s to %s", r.Name, r.Sink.Kind)),
		Runtime:               awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:          awslambda.Architecture_ARM_64(),
		Handler:               jsii.String("bootstrap"),
		Code:                  awslambda.Code_FromAsset(jsii.String(props.CodeDir), nil),
		MemorySize:            jsii.Number(s.MemoryMB),
		Timeout:               awscdk.Duration_Seconds(jsii.Number(r.SyncTimeout().Seconds())),
		Environment:           envMap(env),
		LoggingFormat:         awslambda.LoggingFormat_JSON,
		ApplicationLogLevelV2: awslambda.ApplicationLogLevel(r.Function.LogLevel),
		SystemLogLevelV2:      awslambda.SystemLogLevel_WARN,
		LogGroup:              logs,
		Role:                  role,
		// One run at a time: a second invocation (a schedule tick or a
		// retry while one runs) is throttled and retried by Lambda; the
		// state's per-pool lease stops whatever still overlaps.
		ReservedConcurrentExecutions: jsii.Number(1),
	})
	out.Function = fn

	out.FailureQueue = newQueue(c, "FailureQueue", nil)
	suppressDLQ(out.FailureQueue, "It is the sync function's on-failure destination: Lambda puts here the records of runs that failed after its retries.")
	fn.ConfigureAsyncInvoke(&awslambda.EventInvokeConfigOptions{
		OnFailure:     awslambdadestinations.NewSqsDestination(out.FailureQueue),
		MaxEventAge:   awscdk.Duration_Hours(jsii.Number(1)),
		RetryAttempts: jsii.Number(2),
	})
	out.DeadLetterQueue = props.DeadLetterQueue
	if out.DeadLetterQueue == nil {
		q := newQueue(c, "DeadLetterQueue", nil)
		suppressDLQ(q, "It is the dead-letter queue of the sync's schedule: EventBridge puts here the invocations it could not deliver.")
		out.DeadLetterQueue = q
	}
	out.Schedule = awsevents.NewRule(c, jsii.String("Schedule"), &awsevents.RuleProps{
		Description: jsii.String(truncate(fmt.Sprintf("cognito-events user sync of route %s, %s", r.Name, s.Schedule), 512)),
		Schedule:    awsevents.Schedule_Expression(jsii.String(s.Schedule)),
	})
	out.Schedule.AddTarget(awseventstargets.NewLambdaFunction(fn, &awseventstargets.LambdaFunctionProps{
		DeadLetterQueue: out.DeadLetterQueue,
		MaxEventAge:     awscdk.Duration_Hours(jsii.Number(1)),
		RetryAttempts:   jsii.Number(2),
	}))

	newSyncAlarms(c, r, out, props.DeadLetterQueue == nil, props.AlarmAction)

	output := func(name, value, description string) {
		awscdk.NewCfnOutput(c, jsii.String(name), &awscdk.CfnOutputProps{Value: jsii.String(value), Description: jsii.String(description)})
	}
	output("FunctionName", *fn.FunctionName(), "user sync function of route "+r.Name)
	output("LogGroupName", *logs.LogGroupName(), "user sync log group of route "+r.Name)
	output("StateTableName", *out.Table.TableName(), "user sync state table of route "+r.Name)
	output("FailureQueueUrl", *out.FailureQueue.QueueUrl(), "on-failure destination of the user sync of route "+r.Name)
	return out, nil
}

// suppressUnitReaders explains the hub sync's grants for the accounts
// under organizational units, which are known only when it runs: the
// reader role in any account, limited by aws:ResourceOrgPaths to the
// units, and the Organizations list actions, which have no resource-level
// permissions.
func suppressUnitReaders(role awsiam.Role, statements []config.Statement) {
	var applies []any
	for _, st := range statements {
		if st.Sid == config.SidAssumeUnitReader || st.Sid == config.SidListUnitAccounts {
			for _, res := range st.Resources {
				applies = append(applies, "Resource::"+strings.ReplaceAll(strings.ReplaceAll(res, "${", "<"), "}", ">"))
			}
		}
	}
	if len(applies) == 0 {
		return
	}
	cdknag.NagSuppressions_AddResourceSuppressions(role, &[]*cdknag.NagPackSuppression{{
		Id:        jsii.String("AwsSolutions-IAM5"),
		Reason:    jsii.String("sync.discoverMemberPools with organizational units: the accounts under the units are found at each run (organizations:ListAccountsForParent and ListOrganizationalUnitsForParent have no resource-level permissions), so the reader role is granted in any account whose organization path is under a configured unit (aws:ResourceOrgPaths)."),
		AppliesTo: &applies,
	}}, jsii.Bool(true))
}

// suppressEnrichPools explains the forwarder's ListUsers on every pool of
// the region, granted to enrich.user on a route that selects no pool.
func suppressEnrichPools(role awsiam.Role) {
	cdknag.NagSuppressions_AddResourceSuppressions(role, &[]*cdknag.NagPackSuppression{{
		Id:        jsii.String("AwsSolutions-IAM5"),
		Reason:    jsii.String("enrich.user looks up users of the pools the route's rule matches, and the route selects no pool, so every pool of this account and region: cognito-idp:ListUsers only, limited to user pool ARNs."),
		AppliesTo: &[]any{"Resource::arn:<AWS::Partition>:cognito-idp:<AWS::Region>:<AWS::AccountId>:userpool/*"},
	}}, jsii.Bool(true))
}

// newSyncAlarms alarms on a run that failed (function errors, the failure
// queue), on a schedule that could not invoke the function (its failed
// invocations, and its dead-letter queue when the sync owns it), and on
// throttled runs.
func newSyncAlarms(scope constructs.Construct, r *config.Route, s *Sync, ownDLQ bool, action awscloudwatch.IAlarmAction) {
	five := awscdk.Duration_Minutes(jsii.Number(5))
	alarm := alarmer(scope, "cognito-events user sync of route "+r.Name, action)
	maxVisible := &awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Maximum")}
	sum := &awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Sum")}
	alarm("FunctionErrorsAlarm", s.Function.MetricErrors(sum), "sync runs failed; Lambda retries them, and the next run goes on from the last checkpoint")
	alarm("FunctionThrottlesAlarm", s.Function.MetricThrottles(sum), "sync runs were throttled by Lambda")
	alarm("FailureQueueAlarm", s.FailureQueue.MetricApproximateNumberOfMessagesVisible(maxVisible), "sync runs in the failure queue: they failed after Lambda's retries")
	if ownDLQ {
		alarm("DeadLetterQueueAlarm", s.DeadLetterQueue.MetricApproximateNumberOfMessagesVisible(maxVisible), "schedule invocations in the dead-letter queue")
	}
	alarm("FailedInvocationsAlarm", awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
		Namespace:     jsii.String("AWS/Events"),
		MetricName:    jsii.String("FailedInvocations"),
		DimensionsMap: &map[string]*string{"RuleName": s.Schedule.RuleName()},
		Period:        five,
		Statistic:     jsii.String("Sum"),
	}), "EventBridge failed to invoke the sync function on schedule")
}
