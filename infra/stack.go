package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudtrail"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdadestinations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/cognito-events/cognito-events/internal/config"
)

// DefaultCodeDir is where `make build` puts the forwarder.
const DefaultCodeDir = "build/forwarder"

// ErrNoCode says the forwarder has not been built.
var ErrNoCode = errors.New("forwarder code not found")

// StackProps configures one region's stack.
type StackProps struct {
	awscdk.StackProps
	// Config is the parsed configuration. Required.
	Config *config.Config
	// CodeDir holds the forwarder's bootstrap. Default DefaultCodeDir.
	CodeDir string
}

// CheckCode reports whether dir holds the forwarder's bootstrap, with the
// fix in the error.
func CheckCode(dir string) error {
	bootstrap := filepath.Join(dir, "bootstrap")
	if fi, err := os.Stat(bootstrap); err != nil || fi.IsDir() {
		return fmt.Errorf("%w: run \"make build\" first: %s not found", ErrNoCode, filepath.ToSlash(bootstrap))
	}
	return nil
}

// NewCognitoEventsStack builds the stack of one region: the trail (unless
// an existing one is used), and per route the rule, its archive, the
// forwarder with its log group and role, the dead-letter and failure
// queues, the optional buffer queue, and the alarms.
func NewCognitoEventsStack(scope constructs.Construct, id string, props *StackProps) (awscdk.Stack, error) {
	if props == nil || props.Config == nil {
		return nil, errors.New("building stack: no configuration in StackProps")
	}
	codeDir := props.CodeDir
	if codeDir == "" {
		codeDir = DefaultCodeDir
	}
	if err := CheckCode(codeDir); err != nil {
		return nil, err
	}
	cfg := props.Config
	for i := range cfg.Routes {
		if _, err := cfg.Routes[i].Pattern(); err != nil {
			return nil, fmt.Errorf("route %q: %w", cfg.Routes[i].Name, err)
		}
	}

	sprops := props.StackProps
	if sprops.Description == nil {
		sprops.Description = jsii.String("cognito-events: Cognito user-pool changes as CloudEvents (CloudTrail -> EventBridge -> Lambda -> sink)")
	}
	stack := awscdk.NewStack(scope, jsii.String(id), &sprops)

	if cfg.Trail.Mode == config.TrailCreate {
		newTrail(stack, cfg.Trail)
	}
	var alarmAction awscloudwatch.IAlarmAction
	if cfg.Alarms.Email != "" {
		alarmAction = newAlarmTopic(stack, cfg.Alarms.Email)
	}
	defaultBus := awsevents.EventBus_FromEventBusName(stack, jsii.String("DefaultBus"), jsii.String("default"))
	for i := range cfg.Routes {
		newRoute(stack, &cfg.Routes[i], codeDir, defaultBus, alarmAction)
	}
	return stack, nil
}

// newTrail creates a single-region trail of management events and its
// bucket: encrypted, private, TLS only, versioned, expiring, validated.
func newTrail(stack awscdk.Stack, t config.Trail) {
	scope := constructs.NewConstruct(stack, jsii.String("Trail"))
	bucket := awss3.NewBucket(scope, jsii.String("Bucket"), &awss3.BucketProps{
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:        jsii.Bool(true),
		Versioned:         jsii.Bool(true),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		RemovalPolicy:     awscdk.RemovalPolicy_RETAIN,
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id:                          jsii.String("ExpireTrailLogs"),
			Expiration:                  awscdk.Duration_Days(jsii.Number(t.BucketExpirationDays)),
			NoncurrentVersionExpiration: awscdk.Duration_Days(jsii.Number(1)),
		}},
	})
	cdknag.NagSuppressions_AddResourceSuppressions(bucket, &[]*cdknag.NagPackSuppression{{
		Id:     jsii.String("AwsSolutions-S1"),
		Reason: jsii.String("This bucket only receives CloudTrail log files, whose integrity log file validation proves; access logs of it would be a second log of a log, billed per request."),
	}}, jsii.Bool(false))

	trail := awscloudtrail.NewTrail(scope, jsii.String("Trail"), &awscloudtrail.TrailProps{
		Bucket:                     bucket,
		EnableFileValidation:       jsii.Bool(true),
		IsMultiRegionTrail:         jsii.Bool(false),
		IncludeGlobalServiceEvents: jsii.Bool(false),
		SendToCloudWatchLogs:       jsii.Bool(false),
	})
	if len(t.ExcludeEventSources) > 0 {
		cfn := trail.Node().DefaultChild().(awscloudtrail.CfnTrail)
		cfn.AddPropertyOverride(jsii.String("AdvancedEventSelectors"), []any{map[string]any{
			"Name": "Management events, less the excluded sources",
			"FieldSelectors": []any{
				map[string]any{"Field": "eventCategory", "Equals": []string{"Management"}},
				map[string]any{"Field": "eventSource", "NotEquals": t.ExcludeEventSources},
			},
		}})
		cfn.AddPropertyDeletionOverride(jsii.String("EventSelectors"))
	}
}

// newAlarmTopic creates the SNS topic alarms notify, encrypted with a key
// CloudWatch may use, and subscribes email to it.
func newAlarmTopic(stack awscdk.Stack, email string) awscloudwatch.IAlarmAction {
	key := awskms.NewKey(stack, jsii.String("AlarmTopicKey"), &awskms.KeyProps{
		Description:       jsii.String("cognito-events: encrypts the alarm topic"),
		EnableKeyRotation: jsii.Bool(true),
		RemovalPolicy:     awscdk.RemovalPolicy_DESTROY,
	})
	key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("CloudWatchAlarmsPublish"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:Decrypt", "kms:GenerateDataKey*"),
		Resources:  jsii.Strings("*"),
	}), jsii.Bool(false))
	topic := awssns.NewTopic(stack, jsii.String("AlarmTopic"), &awssns.TopicProps{
		DisplayName: jsii.String("cognito-events alarms"),
		MasterKey:   key,
		EnforceSSL:  jsii.Bool(true),
	})
	topic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(email), nil))
	return awscloudwatchactions.NewSnsAction(topic)
}

// newRoute creates one route's resources under a construct named after it.
func newRoute(stack awscdk.Stack, r *config.Route, codeDir string, bus awsevents.IEventBus, alarmAction awscloudwatch.IAlarmAction) {
	scope := constructs.NewConstruct(stack, jsii.String(r.Name))
	pattern, _ := r.Pattern() // checked by NewCognitoEventsStack
	state, _ := r.RuleState() // likewise
	timeout := awscdk.Duration_Seconds(jsii.Number(r.Timeout().Seconds()))

	dlq := newQueue(scope, "DeadLetterQueue", nil)
	suppressDLQ(dlq, "It is the dead-letter queue of the route: EventBridge puts here the events it could not deliver to the route's target.")

	logs := awslogs.NewLogGroup(scope, jsii.String("Logs"), &awslogs.LogGroupProps{
		Retention:     retention(r.Function.LogRetentionDays),
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	role := awsiam.NewRole(scope, jsii.String("Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String(fmt.Sprintf("cognito-events forwarder of route %s", r.Name)),
	})
	logs.GrantWrite(role)
	for _, s := range r.Statements() {
		resources := make([]*string, len(s.Resources))
		for i, res := range s.Resources {
			resources[i] = resolve(res)
		}
		role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String(s.Sid),
			Actions:   jsii.Strings(s.Actions...),
			Resources: &resources,
		}))
		if s.Sid == config.SidListUserPools {
			cdknag.NagSuppressions_AddResourceSuppressions(role, &[]*cdknag.NagPackSuppression{{
				Id:        jsii.String("AwsSolutions-IAM5"),
				Reason:    jsii.String("cognito-idp:ListUserPools has no resource-level permissions; it is granted only when pool lookup is enabled, and ListUserPoolClients is limited to user pool ARNs."),
				AppliesTo: &[]any{"Resource::*", "Resource::arn:<AWS::Partition>:cognito-idp:<AWS::Region>:<AWS::AccountId>:userpool/*"},
			}}, jsii.Bool(true))
		}
	}

	fn := awslambda.NewFunction(scope, jsii.String("Function"), &awslambda.FunctionProps{
		Description:           jsii.String(fmt.Sprintf("cognito-events forwarder of route %s to %s", r.Name, r.Sink.Kind)),
		Runtime:               awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:          awslambda.Architecture_ARM_64(),
		Handler:               jsii.String("bootstrap"),
		Code:                  awslambda.Code_FromAsset(jsii.String(codeDir), nil),
		MemorySize:            jsii.Number(r.Function.MemoryMB),
		Timeout:               timeout,
		Environment:           envMap(r.Environment()),
		LoggingFormat:         awslambda.LoggingFormat_JSON,
		ApplicationLogLevelV2: awslambda.ApplicationLogLevel(r.Function.LogLevel),
		SystemLogLevelV2:      awslambda.SystemLogLevel_WARN,
		LogGroup:              logs,
		Role:                  role,
	})

	rule := awsevents.NewRule(scope, jsii.String("Rule"), &awsevents.RuleProps{
		Description: jsii.String(truncate(fmt.Sprintf("cognito-events route %s: Cognito user-pool calls selected by %s", r.Name, strings.Join(r.Selection.Operations, ", ")), 512)),
		// Replaced below by the generated pattern, verbatim.
		EventPattern: &awsevents.EventPattern{Source: jsii.Strings(pattern.Source...)},
	})
	cfnRule := rule.Node().DefaultChild().(awsevents.CfnRule)
	cfnRule.AddPropertyOverride(jsii.String("EventPattern"), pattern.Map())
	if state != "ENABLED" {
		cfnRule.AddPropertyOverride(jsii.String("State"), jsii.String(state))
	}
	maxAge := awscdk.Duration_Seconds(jsii.Number(r.Delivery.MaxEventAgeSeconds))
	retries := jsii.Number(*r.Delivery.RetryAttempts)

	var failureQueue, bufferQueue awssqs.Queue
	if r.Delivery.Buffered {
		// SQS redelivers a message after its visibility timeout; AWS
		// advises six times the function timeout for event sources.
		visibility := min(6*r.Timeout().Seconds(), 12*3600)
		bufferQueue = newQueue(scope, "BufferQueue", &awssqs.QueueProps{
			VisibilityTimeout: awscdk.Duration_Seconds(jsii.Number(visibility)),
			DeadLetterQueue:   &awssqs.DeadLetterQueue{Queue: dlq, MaxReceiveCount: jsii.Number(5)},
		})
		rule.AddTarget(awseventstargets.NewSqsQueue(bufferQueue, &awseventstargets.SqsQueueProps{
			DeadLetterQueue: dlq,
			MaxEventAge:     maxAge,
			RetryAttempts:   retries,
		}))
		fn.AddEventSource(awslambdaeventsources.NewSqsEventSource(bufferQueue, &awslambdaeventsources.SqsEventSourceProps{
			BatchSize:               jsii.Number(r.Delivery.BatchSize),
			ReportBatchItemFailures: jsii.Bool(true),
		}))
	} else {
		failureQueue = newQueue(scope, "FailureQueue", nil)
		suppressDLQ(failureQueue, "It is the function's on-failure destination: Lambda puts here the invocation records of events the forwarder failed on.")
		fn.ConfigureAsyncInvoke(&awslambda.EventInvokeConfigOptions{
			OnFailure:     awslambdadestinations.NewSqsDestination(failureQueue),
			MaxEventAge:   awscdk.Duration_Hours(jsii.Number(6)),
			RetryAttempts: jsii.Number(2),
		})
		rule.AddTarget(awseventstargets.NewLambdaFunction(fn, &awseventstargets.LambdaFunctionProps{
			DeadLetterQueue: dlq,
			MaxEventAge:     maxAge,
			RetryAttempts:   retries,
		}))
	}

	archive := awsevents.NewArchive(scope, jsii.String("Archive"), &awsevents.ArchiveProps{
		SourceEventBus: bus,
		Description:    jsii.String(fmt.Sprintf("cognito-events route %s: the events its rule matches, for replay", r.Name)),
		EventPattern:   &awsevents.EventPattern{Source: jsii.Strings(pattern.Source...)},
		Retention:      archiveRetention(*r.Delivery.ArchiveRetentionDays),
	})
	archive.Node().DefaultChild().(awsevents.CfnArchive).AddPropertyOverride(jsii.String("EventPattern"), pattern.Map())

	newAlarms(scope, r, fn, rule, dlq, failureQueue, alarmAction)

	out := func(name, value, description string) {
		awscdk.NewCfnOutput(scope, jsii.String(name), &awscdk.CfnOutputProps{Value: jsii.String(value), Description: jsii.String(description)})
	}
	out("LogGroupName", *logs.LogGroupName(), "forwarder log group of route "+r.Name)
	out("FunctionName", *fn.FunctionName(), "forwarder function of route "+r.Name)
	out("RuleArn", *rule.RuleArn(), "EventBridge rule of route "+r.Name)
	out("ArchiveName", *archive.ArchiveName(), "EventBridge archive of route "+r.Name+" (replay from it)")
	out("DeadLetterQueueUrl", *dlq.QueueUrl(), "dead-letter queue of route "+r.Name)
	if failureQueue != nil {
		out("FailureQueueUrl", *failureQueue.QueueUrl(), "on-failure destination of route "+r.Name)
	}
}

// newAlarms alarms on anything that means an event may not have arrived:
// messages in the dead-letter or failure queue, function errors, and the
// rule's failed invocations.
func newAlarms(scope constructs.Construct, r *config.Route, fn awslambda.Function, rule awsevents.Rule, dlq, failureQueue awssqs.Queue, action awscloudwatch.IAlarmAction) {
	five := awscdk.Duration_Minutes(jsii.Number(5))
	alarm := func(id string, metric awscloudwatch.IMetric, description string) {
		a := awscloudwatch.NewAlarm(scope, jsii.String(id), &awscloudwatch.AlarmProps{
			Metric:             metric,
			Threshold:          jsii.Number(1),
			EvaluationPeriods:  jsii.Number(1),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
			AlarmDescription:   jsii.String(fmt.Sprintf("cognito-events route %s: %s", r.Name, description)),
		})
		if action != nil {
			a.AddAlarmAction(action)
		}
	}
	alarm("DeadLetterQueueAlarm", dlq.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Maximum")}),
		"events in the dead-letter queue: EventBridge or the buffer could not deliver them")
	if failureQueue != nil {
		alarm("FailureQueueAlarm", failureQueue.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Maximum")}),
			"events in the failure queue: the forwarder gave up on them")
	}
	alarm("FunctionErrorsAlarm", fn.MetricErrors(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Sum")}),
		"forwarder invocations failed; they are retried")
	alarm("FailedInvocationsAlarm", awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
		Namespace:     jsii.String("AWS/Events"),
		MetricName:    jsii.String("FailedInvocations"),
		DimensionsMap: &map[string]*string{"RuleName": rule.RuleName()},
		Period:        five,
		Statistic:     jsii.String("Sum"),
	}), "EventBridge failed to invoke the rule's target")
}

// newQueue creates an SQS queue encrypted with SQS-managed keys that
// refuses requests without TLS and keeps messages 14 days.
func newQueue(scope constructs.Construct, id string, props *awssqs.QueueProps) awssqs.Queue {
	if props == nil {
		props = &awssqs.QueueProps{}
	}
	props.Encryption = awssqs.QueueEncryption_SQS_MANAGED
	props.EnforceSSL = jsii.Bool(true)
	props.RetentionPeriod = awscdk.Duration_Days(jsii.Number(14))
	return awssqs.NewQueue(scope, jsii.String(id), props)
}

func suppressDLQ(q awssqs.Queue, why string) {
	cdknag.NagSuppressions_AddResourceSuppressions(q, &[]*cdknag.NagPackSuppression{{
		Id:     jsii.String("AwsSolutions-SQS3"),
		Reason: jsii.String(why + " A dead-letter queue of a dead-letter queue would only move the problem."),
	}}, jsii.Bool(false))
}

// resolve turns a config resource with ${AWS::…} placeholders into a
// CloudFormation Fn::Sub; plain ARNs stay as they are.
func resolve(res string) *string {
	if strings.Contains(res, "${") {
		return awscdk.Fn_Sub(jsii.String(res), nil)
	}
	return jsii.String(res)
}

// truncate cuts s to at most n bytes (descriptions have length limits),
// marking the cut with "...".
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n-3], "") + "..."
}

func envMap(env map[string]string) *map[string]*string {
	m := make(map[string]*string, len(env))
	for k, v := range env {
		m[k] = jsii.String(v)
	}
	return &m
}

// retentions maps the retention days CloudWatch Logs accepts (config
// validates the value) to the CDK's names for them.
var retentions = map[int]awslogs.RetentionDays{
	1: awslogs.RetentionDays_ONE_DAY, 3: awslogs.RetentionDays_THREE_DAYS, 5: awslogs.RetentionDays_FIVE_DAYS,
	7: awslogs.RetentionDays_ONE_WEEK, 14: awslogs.RetentionDays_TWO_WEEKS, 30: awslogs.RetentionDays_ONE_MONTH,
	60: awslogs.RetentionDays_TWO_MONTHS, 90: awslogs.RetentionDays_THREE_MONTHS, 120: awslogs.RetentionDays_FOUR_MONTHS,
	150: awslogs.RetentionDays_FIVE_MONTHS, 180: awslogs.RetentionDays_SIX_MONTHS, 365: awslogs.RetentionDays_ONE_YEAR,
	400: awslogs.RetentionDays_THIRTEEN_MONTHS, 545: awslogs.RetentionDays_EIGHTEEN_MONTHS, 731: awslogs.RetentionDays_TWO_YEARS,
	1096: awslogs.RetentionDays_THREE_YEARS, 1827: awslogs.RetentionDays_FIVE_YEARS, 2192: awslogs.RetentionDays_SIX_YEARS,
	2557: awslogs.RetentionDays_SEVEN_YEARS, 2922: awslogs.RetentionDays_EIGHT_YEARS, 3288: awslogs.RetentionDays_NINE_YEARS,
	3653: awslogs.RetentionDays_TEN_YEARS,
}

func retention(days int) awslogs.RetentionDays {
	if r, ok := retentions[days]; ok {
		return r
	}
	return awslogs.RetentionDays_ONE_MONTH // unreachable after config validation
}

func archiveRetention(days int) awscdk.Duration {
	if days == 0 {
		return nil // kept indefinitely
	}
	return awscdk.Duration_Days(jsii.Number(days))
}
