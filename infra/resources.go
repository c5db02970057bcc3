package main

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

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

// alarmer returns a function that adds an alarm under scope: it fires as
// soon as the metric reaches 1 in a period, treats missing data as fine,
// carries prefix and the description, and notifies action (nil: no one).
// Every alarm of the app means "an event may not have arrived".
func alarmer(scope constructs.Construct, prefix string, action awscloudwatch.IAlarmAction) func(id string, metric awscloudwatch.IMetric, description string) {
	return func(id string, metric awscloudwatch.IMetric, description string) {
		a := awscloudwatch.NewAlarm(scope, jsii.String(id), &awscloudwatch.AlarmProps{
			Metric:             metric,
			Threshold:          jsii.Number(1),
			EvaluationPeriods:  jsii.Number(1),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
			AlarmDescription:   jsii.String(prefix + ": " + description),
		})
		if action != nil {
			a.AddAlarmAction(action)
		}
	}
}
