package main

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/cognito-events/cognito-events/internal/config"
	"github.com/cognito-events/cognito-events/internal/forwarder/emf"
	"github.com/cognito-events/cognito-events/internal/insights"
	"github.com/cognito-events/cognito-events/internal/trigger"
)

// The user sync's metrics, made by metric filters from its "user sync run"
// line (one per pool and run; internal/usersync.LogStats), in the
// forwarder's namespace with the pool as dimension.
const (
	SyncMetricUsers    = "SyncUsersSeen"
	SyncMetricSent     = "SyncEventsSent"
	SyncMetricRequests = "SyncRequests"
	SyncMetricDuration = "SyncPassDuration"
	SyncDimPool        = "UserPool"
	syncRunPattern     = `{ $.msg = "user sync run" }`
)

// syncMetricFields maps each sync metric to the field of the run line it
// takes its value from.
var syncMetricFields = [][2]string{
	{SyncMetricUsers, "$.users"},
	{SyncMetricSent, "$.delivered"},
	{SyncMetricRequests, "$.requests"},
	{SyncMetricDuration, "$.duration_ms"},
}

// dashboardPeriod is every widget's period.
const dashboardPeriod = 5

// operations are the parts of a stack the dashboard and the saved queries
// read, found by the construct ids route.go, sync.go and triggers.go give
// them.
type operations struct {
	stack     awscdk.Stack
	dashboard awscloudwatch.Dashboard
	logGroups []any
}

// newOperations adds the stack's dashboard (one row of widgets per route:
// its forwarder's delivered, failed, skipped and retries, delivery latency
// p50 and p99, dead-letter depth; its sync's users seen, events sent,
// requests per second and pass duration; its trigger function's events
// queued and not sent) and the saved Logs Insights queries
// (insights.SavedQueries) over every function's log group.
func newOperations(stack awscdk.Stack, cfg *config.Config) {
	o := &operations{stack: stack}
	o.dashboard = awscloudwatch.NewDashboard(stack, jsii.String("Dashboard"), &awscloudwatch.DashboardProps{
		DefaultInterval: awscdk.Duration_Hours(jsii.Number(3)),
	})
	o.dashboard.AddWidgets(awscloudwatch.NewTextWidget(&awscloudwatch.TextWidgetProps{
		Markdown: jsii.String(fmt.Sprintf("# %s\nEvents per route (namespace %s, FunctionName); dead letters; the user sync's passes; trigger events queued and lost. Saved queries: Logs Insights, folder %s.", *stack.StackName(), emf.Namespace, *stack.StackName())),
		Width:    jsii.Number(24),
		Height:   jsii.Number(2),
	}))
	for i := range cfg.Routes {
		r := &cfg.Routes[i]
		scope, ok := child(stack, r.Name)
		if !ok {
			continue
		}
		if fn, ok := child(scope, "Function"); ok {
			o.forwarder(r.Name, fn.(awslambda.Function), queue(scope, "DeadLetterQueue"))
			o.logGroup(scope, "Logs")
		}
		if s, ok := child(scope, "Sync"); ok {
			o.sync(r, s)
		}
		if fn, ok := child(scope, "TriggerFunction"); ok {
			o.triggers(r.Name, fn.(awslambda.Function), queue(scope, "TriggerQueue"))
			o.logGroup(scope, "TriggerLogs")
		}
	}
	if len(o.logGroups) == 0 {
		return
	}
	for i, q := range insights.SavedQueries() {
		awslogs.NewCfnQueryDefinition(stack, jsii.String(fmt.Sprintf("Query%d", i+1)), &awslogs.CfnQueryDefinitionProps{
			Name:          awscdk.Fn_Join(jsii.String(""), &[]*string{awscdk.Aws_STACK_NAME(), jsii.String("/" + q.Name)}),
			QueryString:   jsii.String(q.Query),
			LogGroupNames: &o.logGroups,
		})
	}
}

func child(scope constructs.IConstruct, id string) (constructs.IConstruct, bool) {
	c := scope.Node().TryFindChild(jsii.String(id))
	return c, c != nil
}

func queue(scope constructs.IConstruct, id string) awssqs.IQueue {
	if c, ok := child(scope, id); ok {
		if q, ok := c.(awssqs.IQueue); ok {
			return q
		}
	}
	return nil
}

// logGroup records the log group at scope/id for the saved queries.
func (o *operations) logGroup(scope constructs.IConstruct, id string) awslogs.ILogGroup {
	c, ok := child(scope, id)
	if !ok {
		return nil
	}
	lg, ok := c.(awslogs.ILogGroup)
	if !ok {
		return nil
	}
	o.logGroups = append(o.logGroups, lg.LogGroupName())
	return lg
}

func metric(name, stat string, dims map[string]*string, label string) awscloudwatch.Metric {
	return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
		Namespace:     jsii.String(emf.Namespace),
		MetricName:    jsii.String(name),
		DimensionsMap: &dims,
		Statistic:     jsii.String(stat),
		Period:        awscdk.Duration_Minutes(jsii.Number(dashboardPeriod)),
		Label:         jsii.String(label),
	})
}

func graph(title string, width float64, left ...awscloudwatch.IMetric) awscloudwatch.GraphWidget {
	return awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{
		Title:  jsii.String(title),
		Width:  jsii.Number(width),
		Height: jsii.Number(6),
		Left:   &left,
	})
}

// forwarder adds a route forwarder's row: its EMF metrics by FunctionName
// and its dead-letter queue's depth.
func (o *operations) forwarder(route string, fn awslambda.Function, dlq awssqs.IQueue) {
	dims := map[string]*string{emf.DimFunctionName: fn.FunctionName()}
	row := []awscloudwatch.IWidget{
		graph("route "+route+": events", 8,
			metric(emf.MetricDelivered, "Sum", dims, "delivered"),
			metric(emf.MetricFailed, "Sum", dims, "failed"),
			metric(emf.MetricSkipped, "Sum", dims, "skipped"),
			metric(emf.MetricRetries, "Sum", dims, "retries")),
		graph("route "+route+": delivery latency (ms)", 8,
			metric(emf.MetricDeliveryLatency, "p50", dims, "p50"),
			metric(emf.MetricDeliveryLatency, "p99", dims, "p99")),
	}
	if dlq != nil {
		row = append(row, graph("route "+route+": dead letters", 8,
			dlq.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{
				Statistic: jsii.String("Maximum"),
				Period:    awscdk.Duration_Minutes(jsii.Number(dashboardPeriod)),
				Label:     jsii.String("messages in the dead-letter queue"),
			})))
	}
	o.dashboard.AddWidgets(row...)
}

// sync adds metric filters on the route's sync log group and its row.
func (o *operations) sync(r *config.Route, scope constructs.IConstruct) {
	lg := o.logGroup(scope, "Logs")
	if lg == nil {
		return
	}
	for _, m := range syncMetricFields {
		awslogs.NewMetricFilter(o.stack, jsii.String(r.Name+m[0]+"Filter"), &awslogs.MetricFilterProps{
			LogGroup:        lg,
			FilterPattern:   awslogs.FilterPattern_Literal(jsii.String(syncRunPattern)),
			MetricNamespace: jsii.String(emf.Namespace),
			MetricName:      jsii.String(m[0]),
			MetricValue:     jsii.String(m[1]),
			Dimensions:      &map[string]*string{SyncDimPool: jsii.String("$.userpool")},
		})
	}
	search := func(name, stat string) string {
		return fmt.Sprintf(`SEARCH('{%s,%s} MetricName="%s"', '%s', %d)`, emf.Namespace, SyncDimPool, name, stat, dashboardPeriod*60)
	}
	expr := func(expression, label string) awscloudwatch.MathExpression {
		return awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
			Expression:   jsii.String(expression),
			UsingMetrics: &map[string]awscloudwatch.IMetric{},
			Label:        jsii.String(label),
			Period:       awscdk.Duration_Minutes(jsii.Number(dashboardPeriod)),
		})
	}
	o.dashboard.AddWidgets(
		graph("route "+r.Name+": user sync, users seen and events sent", 8,
			expr(search(SyncMetricUsers, "Sum"), "users seen"),
			expr(search(SyncMetricSent, "Sum"), "events sent")),
		graph("route "+r.Name+": user sync, ListUsers requests per second", 8,
			expr(fmt.Sprintf("SUM(%s)/%d", search(SyncMetricRequests, "Sum"), dashboardPeriod*60), "requests/s (5-minute average)")),
		graph("route "+r.Name+": user sync, pass duration (ms)", 8,
			expr(search(SyncMetricDuration, "Maximum"), "pass duration")),
	)
}

// triggers adds a triggers route's row: events the trigger function queued
// (messages sent to the trigger queue) and those it could not queue.
func (o *operations) triggers(route string, fn awslambda.Function, q awssqs.IQueue) {
	widgets := []awscloudwatch.IMetric{
		awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
			Namespace:     jsii.String(trigger.MetricNamespace),
			MetricName:    jsii.String(trigger.MetricLost),
			DimensionsMap: &map[string]*string{trigger.DimFunctionName: fn.FunctionName()},
			Statistic:     jsii.String("Sum"),
			Period:        awscdk.Duration_Minutes(jsii.Number(dashboardPeriod)),
			Label:         jsii.String("not sent (TriggerEventsLost)"),
		}),
	}
	if q != nil {
		widgets = append(widgets, q.MetricNumberOfMessagesSent(&awscloudwatch.MetricOptions{
			Statistic: jsii.String("Sum"),
			Period:    awscdk.Duration_Minutes(jsii.Number(dashboardPeriod)),
			Label:     jsii.String("queued"),
		}))
	}
	o.dashboard.AddWidgets(graph("route "+route+": trigger events", 12, widgets...))
}
