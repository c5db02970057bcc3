package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/cognito-events/cognito-events/internal/config"
	fwconfig "github.com/cognito-events/cognito-events/internal/forwarder/config"
	"github.com/cognito-events/cognito-events/internal/sink"
	"github.com/cognito-events/cognito-events/internal/trigger"
)

// DefaultTriggerCodeDir is where `make build` puts the trigger function.
const DefaultTriggerCodeDir = "build/trigger"

// ErrNoTriggerCode says the trigger function has not been built.
var ErrNoTriggerCode = errors.New("trigger function code not found")

// TriggerRouteProps configures a triggers route's construct.
type TriggerRouteProps struct {
	// Route is the route's configuration; Route.Triggers must be set.
	Route *config.Route
	// CodeDir holds the forwarder's bootstrap. Default DefaultCodeDir.
	CodeDir string
	// TriggerCodeDir holds the trigger function's bootstrap. Default
	// DefaultTriggerCodeDir.
	TriggerCodeDir string
	// AlarmAction is notified by the route's alarms; nil notifies no one.
	AlarmAction awscloudwatch.IAlarmAction
}

// TriggerRoute is a triggers route's resources, under a construct named
// after it: the user pool and app client (created pools only), the
// trigger function with Cognito's invoke permission scoped to the pool,
// the trigger queue and its dead-letter queue, the forwarder reading the
// queue, and the alarms.
type TriggerRoute struct {
	constructs.Construct
	// UserPool and Client are nil when the route attaches to an existing
	// pool.
	UserPool awscognito.UserPool
	Client   awscognito.UserPoolClient
	// UserPoolArn is the pool's ARN, created or existing.
	UserPoolArn     *string
	TriggerFunction awslambda.Function
	Forwarder       awslambda.Function
	Queue           awssqs.Queue
	DeadLetterQueue awssqs.Queue
}

// NewTriggerRoute creates a triggers route: Cognito calls the trigger
// function, which sends each trigger event as a CloudEvent to the trigger
// queue and answers Cognito with the event unchanged; the forwarder reads
// the queue (FORWARDER_INPUT=sqs-cloudevents) and delivers to the route's
// sink. A created pool gets its LambdaConfig in the template; an existing
// one gets it from `cognito-events attach-triggers`, whose exact command
// is a stack output.
func NewTriggerRoute(scope constructs.Construct, id string, props *TriggerRouteProps) (*TriggerRoute, error) {
	if props == nil || props.Route == nil || props.Route.Triggers == nil {
		return nil, errors.New("building triggers route: no triggers configuration in TriggerRouteProps")
	}
	r, t := props.Route, props.Route.Triggers
	codeDir, triggerDir := props.CodeDir, props.TriggerCodeDir
	if codeDir == "" {
		codeDir = DefaultCodeDir
	}
	if triggerDir == "" {
		triggerDir = DefaultTriggerCodeDir
	}
	if fi, err := os.Stat(filepath.Join(triggerDir, "bootstrap")); err != nil || fi.IsDir() {
		return nil, fmt.Errorf("route %q: %w: run \"make build\" first: %s not found", r.Name, ErrNoTriggerCode, filepath.ToSlash(filepath.Join(triggerDir, "bootstrap")))
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	out := &TriggerRoute{Construct: c}
	stack := awscdk.Stack_Of(c)

	// The forwarder's timeout sizes the queue's visibility timeout: SQS
	// redelivers after it, and AWS advises six times the function's.
	timeout := r.Timeout()
	out.DeadLetterQueue = newQueue(c, "DeadLetterQueue", nil)
	suppressDLQ(out.DeadLetterQueue, "It is the dead-letter queue of the trigger queue: trigger events the forwarder failed on five times land here.")
	out.Queue = newQueue(c, "TriggerQueue", &awssqs.QueueProps{
		VisibilityTimeout: awscdk.Duration_Seconds(jsii.Number(min(6*timeout.Seconds(), 12*3600))),
		DeadLetterQueue:   &awssqs.DeadLetterQueue{Queue: out.DeadLetterQueue, MaxReceiveCount: jsii.Number(5)},
	})

	// The trigger function.
	triggerLogs := awslogs.NewLogGroup(c, jsii.String("TriggerLogs"), &awslogs.LogGroupProps{
		Retention:     retention(r.Function.LogRetentionDays),
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	triggerRole := awsiam.NewRole(c, jsii.String("TriggerRole"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String(fmt.Sprintf("cognito-events trigger function of route %s", r.Name)),
	})
	triggerLogs.GrantWrite(triggerRole)
	env := r.TriggerEnvironment()
	env[sink.EnvKind] = string(sink.KindSQS)
	env[sink.EnvSQSQueueURL] = *out.Queue.QueueUrl()
	out.TriggerFunction = awslambda.NewFunction(c, jsii.String("TriggerFunction"), &awslambda.FunctionProps{
		Description:           jsii.String(truncate(fmt.Sprintf("cognito-events trigger function of route %s: %s", r.Name, triggerNames(t.Events)), 256)),
		Runtime:               awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:          awslambda.Architecture_ARM_64(),
		Handler:               jsii.String("bootstrap"),
		Code:                  awslambda.Code_FromAsset(jsii.String(triggerDir), nil),
		MemorySize:            jsii.Number(t.MemoryMB),
		Timeout:               awscdk.Duration_Seconds(jsii.Number(config.TriggerFunctionTimeoutSec)),
		Environment:           envMap(env),
		LoggingFormat:         awslambda.LoggingFormat_JSON,
		ApplicationLogLevelV2: awslambda.ApplicationLogLevel(r.Function.LogLevel),
		SystemLogLevelV2:      awslambda.SystemLogLevel_WARN,
		LogGroup:              triggerLogs,
		Role:                  triggerRole,
	})
	out.Queue.GrantSendMessages(triggerRole)

	// The pool, and Cognito's permission to invoke the function for it.
	poolID := jsii.String(t.UserPool.ID)
	if t.UserPool.Mode == config.PoolCreate {
		out.UserPool, out.Client = newUserPool(c, t)
		wireTriggers(out.UserPool, t.Events, out.TriggerFunction)
		poolID, out.UserPoolArn = out.UserPool.UserPoolId(), out.UserPool.UserPoolArn()
	} else {
		out.UserPoolArn = awscdk.Fn_Sub(jsii.String("arn:${AWS::Partition}:cognito-idp:${AWS::Region}:${AWS::AccountId}:userpool/"+t.UserPool.ID), nil)
	}
	out.TriggerFunction.AddPermission(jsii.String("CognitoInvoke"), &awslambda.Permission{
		Principal:     awsiam.NewServicePrincipal(jsii.String("cognito-idp.amazonaws.com"), nil),
		SourceArn:     out.UserPoolArn,
		SourceAccount: stack.Account(),
	})
	if out.UserPool != nil {
		retainWithPool(c, out)
	}

	// The forwarder.
	logs := awslogs.NewLogGroup(c, jsii.String("Logs"), &awslogs.LogGroupProps{
		Retention:     retention(r.Function.LogRetentionDays),
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	role := newRole(c, r)
	logs.GrantWrite(role)
	fwEnv := r.Environment()
	fwEnv[fwconfig.EnvInput] = string(fwconfig.InputSQSCloudEvents)
	// Provenance: the forwarder delivers only events of this route's pool;
	// anything else sent to the queue goes to its dead-letter queue.
	fwEnv[fwconfig.EnvAllowedSources] = *out.UserPoolArn
	out.Forwarder = awslambda.NewFunction(c, jsii.String("Function"), &awslambda.FunctionProps{
		Description:           jsii.String(fmt.Sprintf("cognito-events forwarder of triggers route %s to %s", r.Name, r.Sink.Kind)),
		Runtime:               awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:          awslambda.Architecture_ARM_64(),
		Handler:               jsii.String("bootstrap"),
		Code:                  awslambda.Code_FromAsset(jsii.String(codeDir), nil),
		MemorySize:            jsii.Number(r.Function.MemoryMB),
		Timeout:               awscdk.Duration_Seconds(jsii.Number(timeout.Seconds())),
		Environment:           envMap(fwEnv),
		LoggingFormat:         awslambda.LoggingFormat_JSON,
		ApplicationLogLevelV2: awslambda.ApplicationLogLevel(r.Function.LogLevel),
		SystemLogLevelV2:      awslambda.SystemLogLevel_WARN,
		LogGroup:              logs,
		Role:                  role,
	})
	out.Forwarder.AddEventSource(awslambdaeventsources.NewSqsEventSource(out.Queue, &awslambdaeventsources.SqsEventSourceProps{
		BatchSize:               jsii.Number(r.Delivery.BatchSize),
		ReportBatchItemFailures: jsii.Bool(true),
	}))

	newTriggerAlarms(c, r, out, props.AlarmAction)

	output := func(name string, value *string, description string) {
		awscdk.NewCfnOutput(c, jsii.String(name), &awscdk.CfnOutputProps{Value: value, Description: jsii.String(description)})
	}
	output("UserPoolId", poolID, "USER_POOL_ID of triggers route "+r.Name)
	if out.Client != nil {
		output("UserPoolClientId", out.Client.UserPoolClientId(), "USER_POOL_CLIENT_ID of triggers route "+r.Name)
	} else {
		output("AttachCommand", awscdk.Fn_Join(jsii.String(""), &[]*string{
			jsii.String(fmt.Sprintf("cognito-events attach-triggers --user-pool-id %s --function-arn ", t.UserPool.ID)),
			out.TriggerFunction.FunctionArn(),
			jsii.String(" --triggers " + triggerNames(t.Events)),
		}), "writes the existing pool's LambdaConfig, every other setting kept (docs/triggers.md); add --dry-run to see the change first")
		output("DetachCommand", awscdk.Fn_Join(jsii.String(""), &[]*string{
			jsii.String(fmt.Sprintf("cognito-events detach-triggers --user-pool-id %s --function-arn ", t.UserPool.ID)),
			out.TriggerFunction.FunctionArn(),
		}), "removes the pool's triggers that call this stack's function, every other setting kept: run it BEFORE destroying the stack, or the pool's sign-ins fail (docs/triggers.md)")
	}
	output("TriggerFunctionArn", out.TriggerFunction.FunctionArn(), "trigger function of route "+r.Name)
	output("TriggerQueueUrl", out.Queue.QueueUrl(), "trigger queue of route "+r.Name+": SINK_SQS_QUEUE_URL of a function wrapped with package trigger")
	output("TriggerQueueArn", out.Queue.QueueArn(), "trigger queue of route "+r.Name+": grant a wrapped function sqs:SendMessage on it")
	output("TriggerLogGroupName", triggerLogs.LogGroupName(), "trigger function log group of route "+r.Name)
	output("LogGroupName", logs.LogGroupName(), "forwarder log group of route "+r.Name)
	output("FunctionName", out.Forwarder.FunctionName(), "forwarder function of route "+r.Name)
	output("DeadLetterQueueUrl", out.DeadLetterQueue.QueueUrl(), "dead-letter queue of the trigger queue of route "+r.Name)
	return out, nil
}

// retainWithPool keeps, when the stack is deleted, what a created pool's
// triggers call, since the pool itself is retained: the trigger function,
// its role and policy, Cognito's permission to invoke it and the trigger
// queue it sends to (its dead-letter queue too), so that the kept pool
// still signs users up and in. With the forwarder gone, events wait in the
// queue for its 14-day retention (docs/triggers.md).
func retainWithPool(c constructs.Construct, out *TriggerRoute) {
	for _, n := range *c.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		r, ok := n.(awscdk.CfnResource)
		if !ok {
			continue
		}
		switch *r.CfnResourceType() {
		case "AWS::Lambda::Function", "AWS::Lambda::Permission", "AWS::IAM::Role", "AWS::IAM::Policy", "AWS::SQS::Queue", "AWS::SQS::QueuePolicy":
		default:
			continue
		}
		if owner := r.Node().Scope(); owner != nil && isTriggerSide(*owner.Node().Path(), out) {
			r.ApplyRemovalPolicy(awscdk.RemovalPolicy_RETAIN, nil)
		}
	}
}

// isTriggerSide reports whether path is under the trigger function (its
// permission and, through the role, its policy), the trigger role, or
// one of the trigger queues; the forwarder's are not.
func isTriggerSide(path string, out *TriggerRoute) bool {
	for _, c := range []constructs.IConstruct{out.TriggerFunction, out.TriggerFunction.Role(), out.Queue, out.DeadLetterQueue} {
		if p := *c.Node().Path(); path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

func triggerNames(events []config.Trigger) string {
	names := make([]string, len(events))
	for i, e := range events {
		names[i] = string(e)
	}
	return strings.Join(names, ",")
}

// newTriggerAlarms alarms on what means a trigger event may not have
// arrived: messages in the dead-letter queue, events the trigger function
// did not queue (its TriggerEventsLost metric), trigger function errors (the
// event was not queued; Cognito still got its answer only if the function
// answered before failing) and forwarder errors.
func newTriggerAlarms(scope constructs.Construct, r *config.Route, out *TriggerRoute, action awscloudwatch.IAlarmAction) {
	five := awscdk.Duration_Minutes(jsii.Number(5))
	alarm := alarmer(scope, "cognito-events triggers route "+r.Name, action)
	alarm("DeadLetterQueueAlarm", out.DeadLetterQueue.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Maximum")}),
		"trigger events in the dead-letter queue: the forwarder could not deliver them")
	alarm("TriggerEventsLostAlarm", awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
		Namespace:     jsii.String(trigger.MetricNamespace),
		MetricName:    jsii.String(trigger.MetricLost),
		DimensionsMap: &map[string]*string{trigger.DimFunctionName: out.TriggerFunction.FunctionName()},
		Period:        five,
		Statistic:     jsii.String("Sum"),
	}), "trigger events not queued (sink failed or timed out, no time left, malformed payload, or disabled by a bad configuration): they are lost; the trigger function's log says why")
	alarm("TriggerErrorsAlarm", out.TriggerFunction.MetricErrors(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Sum")}),
		"trigger function invocations failed: those trigger events were not queued")
	alarm("FunctionErrorsAlarm", out.Forwarder.MetricErrors(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Sum")}),
		"forwarder invocations failed; the queue redelivers")
}
