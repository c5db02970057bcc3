package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdadestinations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/cognito-events/cognito-events/internal/config"
	fwconfig "github.com/cognito-events/cognito-events/internal/forwarder/config"
)

// RouteProps configures one route's construct.
type RouteProps struct {
	// Route is the route's configuration. Required; its pattern must
	// generate.
	Route *config.Route
	// CodeDir holds the forwarder's bootstrap. Default DefaultCodeDir.
	CodeDir string
	// Bus is the bus the route's rules listen on and whose events its
	// archive keeps: the default bus, where CloudTrail's events arrive, or
	// the hub bus of an organization (organization.go). Required.
	Bus awsevents.IEventBus
	// AlarmAction is notified by the route's alarms; nil notifies no one.
	AlarmAction awscloudwatch.IAlarmAction
}

// Route is one route's resources, under a construct named after it: the
// rule, its archive, the forwarder with its log group and role, the
// dead-letter queue, the failure queue (direct route) or the buffer queue
// (buffered route), and the alarms.
type Route struct {
	constructs.Construct
	Function awslambda.Function
	// Rule is the route's first rule; Rules all of them: several when
	// config split the route's pattern to stay within EventBridge's size
	// limit (construct ids Rule, Rule2, ...), each with the same target.
	Rule  awsevents.Rule
	Rules []awsevents.Rule
	// Archive is the route's archive (output ArchiveName): for a split
	// route its pattern is the exact union of the rules' ("$or"), unless
	// that union is longer than config.MaxPatternSize; only then does each
	// rule get its own archive with its pattern (construct ids Archive,
	// Archive2, ...; outputs ArchiveName, Archive2Name, ...), Archives all
	// of them.
	Archive         awsevents.Archive
	Archives        []awsevents.Archive
	DeadLetterQueue awssqs.Queue
	// FailureQueue is the on-failure destination of a direct route; nil
	// when buffered.
	FailureQueue awssqs.Queue
	// BufferQueue feeds a buffered route's function; nil when direct.
	BufferQueue awssqs.Queue
}

// NewRoute creates one route's resources. A buffered route's function gets
// FORWARDER_INPUT=sqs, so it starts the SQS batch handler; a direct one
// takes EventBridge events, the forwarder's default.
func NewRoute(scope constructs.Construct, id string, props *RouteProps) (*Route, error) {
	if props == nil || props.Route == nil {
		return nil, errors.New("building route: no route configuration in RouteProps")
	}
	r := props.Route
	if props.Bus == nil {
		return nil, fmt.Errorf("route %q: no event bus in RouteProps", r.Name)
	}
	patterns, err := r.Rules()
	if err != nil {
		return nil, fmt.Errorf("route %q: %w", r.Name, err)
	}
	state, err := r.RuleState()
	if err != nil {
		return nil, fmt.Errorf("route %q: %w", r.Name, err)
	}
	codeDir := props.CodeDir
	if codeDir == "" {
		codeDir = DefaultCodeDir
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	out := &Route{Construct: c}
	timeout := awscdk.Duration_Seconds(jsii.Number(r.Timeout().Seconds()))

	dlq := newQueue(c, "DeadLetterQueue", nil)
	out.DeadLetterQueue = dlq
	suppressDLQ(dlq, "It is the dead-letter queue of the route: EventBridge puts here the events it could not deliver to the route's target.")

	logs := awslogs.NewLogGroup(c, jsii.String("Logs"), &awslogs.LogGroupProps{
		Retention:     retention(r.Function.LogRetentionDays),
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	role := newRole(c, r)
	logs.GrantWrite(role)

	fn := awslambda.NewFunction(c, jsii.String("Function"), &awslambda.FunctionProps{
		Description:           jsii.String(fmt.Sprintf("cognito-events forwarder of route %s to %s", r.Name, r.Sink.Kind)),
		Runtime:               awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:          awslambda.Architecture_ARM_64(),
		Handler:               jsii.String("bootstrap"),
		Code:                  awslambda.Code_FromAsset(jsii.String(codeDir), nil),
		MemorySize:            jsii.Number(r.Function.MemoryMB),
		Timeout:               timeout,
		Environment:           envMap(functionEnv(r)),
		LoggingFormat:         awslambda.LoggingFormat_JSON,
		ApplicationLogLevelV2: awslambda.ApplicationLogLevel(r.Function.LogLevel),
		SystemLogLevelV2:      awslambda.SystemLogLevel_WARN,
		LogGroup:              logs,
		Role:                  role,
	})
	out.Function = fn

	for i, p := range patterns {
		id, desc := "Rule", fmt.Sprintf("cognito-events route %s: Cognito user-pool calls selected by %s", r.Name, strings.Join(r.Selection.Operations, ", "))
		if p.Rules > 1 {
			desc = fmt.Sprintf("cognito-events route %s: rule %d of %d (the pattern is split by operation or by where they carry the selected ids): Cognito user-pool calls selected by %s", r.Name, p.Rule, p.Rules, strings.Join(r.Selection.Operations, ", "))
		}
		if i > 0 {
			id = fmt.Sprintf("Rule%d", i+1)
		}
		rule := awsevents.NewRule(c, jsii.String(id), &awsevents.RuleProps{
			Description: jsii.String(truncate(desc, 512)),
			// Replaced below by the generated pattern, verbatim.
			EventPattern: &awsevents.EventPattern{Source: jsii.Strings(p.Source...)},
			EventBus:     ruleBus(props.Bus),
		})
		out.Rules = append(out.Rules, rule)
		cfnRule := rule.Node().DefaultChild().(awsevents.CfnRule)
		cfnRule.AddPropertyOverride(jsii.String("EventPattern"), p.Map())
		if state != "ENABLED" {
			cfnRule.AddPropertyOverride(jsii.String("State"), jsii.String(state))
		}
	}
	out.Rule = out.Rules[0]
	maxAge := awscdk.Duration_Seconds(jsii.Number(r.Delivery.MaxEventAgeSeconds))
	retries := jsii.Number(*r.Delivery.RetryAttempts)

	if r.Delivery.Buffered {
		// SQS redelivers a message after its visibility timeout; AWS
		// advises six times the function timeout for event sources.
		visibility := min(6*r.Timeout().Seconds(), 12*3600)
		out.BufferQueue = newQueue(c, "BufferQueue", &awssqs.QueueProps{
			VisibilityTimeout: awscdk.Duration_Seconds(jsii.Number(visibility)),
			DeadLetterQueue:   &awssqs.DeadLetterQueue{Queue: dlq, MaxReceiveCount: jsii.Number(5)},
		})
		for _, rule := range out.Rules {
			rule.AddTarget(awseventstargets.NewSqsQueue(out.BufferQueue, &awseventstargets.SqsQueueProps{
				DeadLetterQueue: dlq,
				MaxEventAge:     maxAge,
				RetryAttempts:   retries,
			}))
		}
		fn.AddEventSource(awslambdaeventsources.NewSqsEventSource(out.BufferQueue, &awslambdaeventsources.SqsEventSourceProps{
			BatchSize:               jsii.Number(r.Delivery.BatchSize),
			ReportBatchItemFailures: jsii.Bool(true),
		}))
	} else {
		out.FailureQueue = newQueue(c, "FailureQueue", nil)
		suppressDLQ(out.FailureQueue, "It is the function's on-failure destination: Lambda puts here the invocation records of events the forwarder failed on.")
		fn.ConfigureAsyncInvoke(&awslambda.EventInvokeConfigOptions{
			OnFailure:     awslambdadestinations.NewSqsDestination(out.FailureQueue),
			MaxEventAge:   awscdk.Duration_Hours(jsii.Number(6)),
			RetryAttempts: jsii.Number(2),
		})
		for _, rule := range out.Rules {
			rule.AddTarget(awseventstargets.NewLambdaFunction(fn, &awseventstargets.LambdaFunctionProps{
				DeadLetterQueue: dlq,
				MaxEventAge:     maxAge,
				RetryAttempts:   retries,
			}))
		}
	}

	archives, err := archivePatterns(patterns)
	if err != nil {
		return nil, fmt.Errorf("building route %s: %w", r.Name, err)
	}
	for i, a := range archives {
		cid, description := "Archive", fmt.Sprintf("cognito-events route %s: the events its rule matches, for replay", r.Name)
		switch {
		case len(archives) > 1:
			description = fmt.Sprintf("cognito-events route %s: the events its rule %d of %d matches, for replay", r.Name, i+1, len(archives))
			if i > 0 {
				cid = fmt.Sprintf("Archive%d", i+1)
			}
		case len(patterns) > 1:
			description = fmt.Sprintf("cognito-events route %s: the events its %d rules match, for replay", r.Name, len(patterns))
		}
		archive := awsevents.NewArchive(c, jsii.String(cid), &awsevents.ArchiveProps{
			SourceEventBus: props.Bus,
			Description:    jsii.String(description),
			EventPattern:   &awsevents.EventPattern{Source: jsii.Strings(patterns[0].Source...)},
			Retention:      archiveRetention(*r.Delivery.ArchiveRetentionDays),
		})
		cfn := archive.Node().DefaultChild().(awsevents.CfnArchive)
		cfn.AddPropertyOverride(jsii.String("EventPattern"), a)
		if _, ok := a["source"]; !ok {
			// The override merges into the Archive's own pattern: drop
			// its source, which a union carries in each alternative.
			cfn.AddPropertyDeletionOverride(jsii.String("EventPattern.source"))
		}
		out.Archives = append(out.Archives, archive)
	}
	out.Archive = out.Archives[0]

	newAlarms(c, r, fn, out.Rules, dlq, out.FailureQueue, props.AlarmAction)

	output := func(name, value, description string) {
		awscdk.NewCfnOutput(c, jsii.String(name), &awscdk.CfnOutputProps{Value: jsii.String(value), Description: jsii.String(description)})
	}
	output("LogGroupName", *logs.LogGroupName(), "forwarder log group of route "+r.Name)
	output("FunctionName", *fn.FunctionName(), "forwarder function of route "+r.Name)
	for i, rule := range out.Rules {
		if i == 0 {
			output("RuleArn", *rule.RuleArn(), "EventBridge rule of route "+r.Name)
		} else {
			output(fmt.Sprintf("Rule%dArn", i+1), *rule.RuleArn(), fmt.Sprintf("EventBridge rule %d of route %s", i+1, r.Name))
		}
	}
	for i, a := range out.Archives {
		if i == 0 {
			output("ArchiveName", *a.ArchiveName(), "EventBridge archive of route "+r.Name+" (replay from it)")
		} else {
			output(fmt.Sprintf("Archive%dName", i+1), *a.ArchiveName(), fmt.Sprintf("EventBridge archive of rule %d of route %s (replay from it)", i+1, r.Name))
		}
	}
	output("DeadLetterQueueUrl", *dlq.QueueUrl(), "dead-letter queue of route "+r.Name)
	if out.FailureQueue != nil {
		output("FailureQueueUrl", *out.FailureQueue.QueueUrl(), "on-failure destination of route "+r.Name)
	}
	return out, nil
}

// ruleBus is the bus to name in a rule's EventBusName: none for the
// account's default bus (a rule's default), bus otherwise.
func ruleBus(bus awsevents.IEventBus) awsevents.IEventBus {
	if name := bus.EventBusName(); name != nil && *name == "default" {
		return nil
	}
	return bus
}

// functionEnv is the forwarder's environment: the route's variables, and
// FORWARDER_INPUT=sqs on a buffered route.
func functionEnv(r *config.Route) map[string]string {
	env := r.Environment()
	if r.Delivery.Buffered {
		env[fwconfig.EnvInput] = string(fwconfig.InputSQS)
	}
	return env
}

// newRole creates the forwarder's role with the sink statements config
// derives for the route.
func newRole(scope constructs.Construct, r *config.Route) awsiam.Role {
	role := awsiam.NewRole(scope, jsii.String("Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String(fmt.Sprintf("cognito-events forwarder of route %s", r.Name)),
	})
	for _, s := range r.Statements() {
		role.AddToPrincipalPolicy(policyStatement(s))
		if s.Sid == config.SidListUserPools {
			cdknag.NagSuppressions_AddResourceSuppressions(role, &[]*cdknag.NagPackSuppression{{
				Id:        jsii.String("AwsSolutions-IAM5"),
				Reason:    jsii.String("cognito-idp:ListUserPools has no resource-level permissions; it is granted only when pool lookup is enabled, and ListUserPoolClients is limited to user pool ARNs."),
				AppliesTo: &[]any{"Resource::*", "Resource::arn:<AWS::Partition>:cognito-idp:<AWS::Region>:<AWS::AccountId>:userpool/*"},
			}}, jsii.Bool(true))
		}
	}
	return role
}

// policyStatement is the IAM statement of s: its placeholders resolved
// (Fn::Sub), its conditions kept.
func policyStatement(s config.Statement) awsiam.PolicyStatement {
	resources := make([]*string, len(s.Resources))
	for i, res := range s.Resources {
		resources[i] = resolve(res)
	}
	props := &awsiam.PolicyStatementProps{Sid: jsii.String(s.Sid), Actions: jsii.Strings(s.Actions...), Resources: &resources}
	if len(s.Conditions) > 0 {
		conds := map[string]any{}
		for _, c := range s.Conditions {
			values := make([]*string, len(c.Values))
			for i, v := range c.Values {
				values[i] = resolve(v)
			}
			m, _ := conds[c.Test].(map[string]any)
			if m == nil {
				m = map[string]any{}
				conds[c.Test] = m
			}
			m[c.Key] = values
		}
		props.Conditions = &conds
	}
	return awsiam.NewPolicyStatement(props)
}

// newAlarms alarms on anything that means an event may not have arrived:
// messages in the dead-letter or failure queue, function errors, and the
// rule's failed invocations.
func newAlarms(scope constructs.Construct, r *config.Route, fn awslambda.Function, rules []awsevents.Rule, dlq, failureQueue awssqs.Queue, action awscloudwatch.IAlarmAction) {
	five := awscdk.Duration_Minutes(jsii.Number(5))
	alarm := alarmer(scope, "cognito-events route "+r.Name, action)
	alarm("DeadLetterQueueAlarm", dlq.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Maximum")}),
		"events in the dead-letter queue: EventBridge or the buffer could not deliver them")
	if failureQueue != nil {
		alarm("FailureQueueAlarm", failureQueue.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Maximum")}),
			"events in the failure queue: the forwarder gave up on them")
	}
	alarm("FunctionErrorsAlarm", fn.MetricErrors(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Sum")}),
		"forwarder invocations failed; they are retried")
	for i, rule := range rules {
		id := "FailedInvocationsAlarm"
		if i > 0 {
			id = fmt.Sprintf("FailedInvocationsAlarm%d", i+1)
		}
		alarm(id, awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
			Namespace:     jsii.String("AWS/Events"),
			MetricName:    jsii.String("FailedInvocations"),
			DimensionsMap: &map[string]*string{"RuleName": rule.RuleName()},
			Period:        five,
			Statistic:     jsii.String("Sum"),
		}), "EventBridge failed to invoke the rule's target")
	}
}

// archivePatterns returns the patterns of the route's archives, as
// CloudFormation property overrides: the rule's for a route of one rule;
// for a split route, the exact union of its rules' patterns, a top-level
// "$or" whose alternatives are the rules' patterns verbatim, when that fits
// config.MaxPatternSize (EventBridge's default event pattern size quota,
// which the rules keep too); otherwise each rule's own pattern, one
// archive per rule. Either way an archive keeps exactly the events some
// rule of the route matches.
func archivePatterns(patterns []*config.Pattern) ([]map[string]any, error) {
	if len(patterns) == 1 {
		return []map[string]any{patterns[0].Map()}, nil
	}
	union := unionPattern(patterns)
	if len(union) <= config.MaxPatternSize {
		var m map[string]any
		if err := json.Unmarshal(union, &m); err != nil {
			return nil, fmt.Errorf("decoding the archive pattern: %w", err)
		}
		return []map[string]any{m}, nil
	}
	out := make([]map[string]any, len(patterns))
	for i, p := range patterns {
		out[i] = p.Map()
	}
	return out, nil
}

// unionPattern is the JSON of the pattern matching exactly the events one
// of the patterns matches: {"$or": [pattern, ...]}.
func unionPattern(patterns []*config.Pattern) []byte {
	var b bytes.Buffer
	b.WriteString(`{"$or":[`)
	for i, p := range patterns {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(p.JSON())
	}
	b.WriteString(`]}`)
	return b.Bytes()
}
