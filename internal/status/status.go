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
	cfn "github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwschemas "github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"

	"github.com/cognito-events/cognito-events/internal/forwarder/emf"
)

// Window is how far back the metrics are read.
const Window = 24 * time.Hour

// DimFunctionName is the dimension, alone in its set, by which the
// forwarder's EMF documents tell routes apart.
const DimFunctionName = emf.DimFunctionName

// Clients are the AWS clients of one region.
type Clients struct {
	CloudFormation DescribeStacksAPI
	EventBridge    *eventbridge.Client
	CloudWatch     *cloudwatch.Client
	SQS            *sqs.Client
	DynamoDB       *dynamodb.Client
	Cognito        *cip.Client
}

// NewClients returns the clients of cfg's region.
func NewClients(cfg aws.Config) Clients {
	return Clients{
		CloudFormation: cfn.NewFromConfig(cfg),
		EventBridge:    eventbridge.NewFromConfig(cfg),
		CloudWatch:     cloudwatch.NewFromConfig(cfg, QueryProtocol),
		SQS:            sqs.NewFromConfig(cfg),
		DynamoDB:       dynamodb.NewFromConfig(cfg),
		Cognito:        cip.NewFromConfig(cfg),
	}
}

// QueryProtocol makes a CloudWatch client speak the AWS Query protocol,
// which CloudWatch serves beside the SDK's default (Smithy RPC v2 CBOR), and
// which moto_server, the emulator the tests use, understands (it answers
// CBOR requests with 404).
func QueryProtocol(o *cloudwatch.Options) {
	o.Protocol = awsquery.New(cwschemas.GraniteServiceVersion20100801)
}

// Route is the status of one route in one region.
type Route struct {
	Route  string `json:"route"`
	Region string `json:"region"`
	Stack  string `json:"stack"`
	Rules  []Rule `json:"rules,omitempty"`
	// Function is the forwarder; Deliveries its metrics in the window.
	Function   string       `json:"function,omitempty"`
	Deliveries *Deliveries  `json:"deliveries,omitempty"`
	Queues     []QueueDepth `json:"queues,omitempty"`
	// Alarms are the names of the alarms in state ALARM that watch one of
	// the route's resources.
	Alarms   []string  `json:"alarmsInAlarm"`
	Sync     *Sync     `json:"sync,omitempty"`
	Triggers *Triggers `json:"triggers,omitempty"`
	// Errors are the reads that failed; the rest of the status stands.
	Errors []string `json:"errors,omitempty"`
}

// Rule is one EventBridge rule of the route.
type Rule struct {
	Name  string `json:"name"`
	Bus   string `json:"bus,omitempty"`
	State string `json:"state"`
}

// Deliveries are the forwarder's EMF metrics summed over the window.
type Deliveries struct {
	Delivered, Failed, Skipped float64
	// LastDelivery is the start of the last minute with a delivery; nil
	// when none in the window.
	LastDelivery *time.Time
}

// MarshalJSON names the fields as the text output does.
func (d Deliveries) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Delivered    float64    `json:"delivered24h"`
		Failed       float64    `json:"failed24h"`
		Skipped      float64    `json:"skipped24h"`
		LastDelivery *time.Time `json:"lastDelivery"`
	}{d.Delivered, d.Failed, d.Skipped, d.LastDelivery})
}

// QueueDepth is a dead-letter queue's messages.
type QueueDepth struct {
	Queue
	Name string `json:"name"`
	// Messages are visible; InFlight are received and not yet deleted.
	Messages int `json:"messages"`
	InFlight int `json:"inFlight"`
}

// Sync is the user sync's state, one entry per pool in its table.
type Sync struct {
	Function string      `json:"function,omitempty"`
	Table    string      `json:"table"`
	Pools    []PoolState `json:"pools"`
	// LastRun is the start of the last minute the sync function was
	// invoked (AWS/Lambda Invocations), nil when not in the window.
	LastRun *time.Time `json:"lastRun"`
}

// PoolState is one pool's checkpoint and lease.
type PoolState struct {
	Pool string `json:"pool"`
	// Pass is the current (or last) pass's number, Completed the passes
	// that went through, Phase where the current one is.
	Pass      int64  `json:"pass"`
	Completed int64  `json:"completed"`
	Phase     string `json:"phase,omitempty"`
	Lease     *Lease `json:"lease"`
}

// Lease is a pool's lease item: who holds it, until when.
type Lease struct {
	Holder  string    `json:"holder"`
	Expires time.Time `json:"expires"`
	Expired bool      `json:"expired"`
}

// Triggers says which of a pool's triggers call the route's trigger
// function.
type Triggers struct {
	UserPool string   `json:"userPool"`
	Function string   `json:"function"`
	Attached []string `json:"attached"`
}

// Collect reads the status of every route of stack (one in routes when
// routes is not empty), at now.
func Collect(ctx context.Context, c Clients, stack, region string, only []string, now time.Time) ([]Route, error) {
	resources, err := Resolve(ctx, c.CloudFormation, stack, region)
	if err != nil {
		return nil, err
	}
	alarms, alarmErr := alarmsInAlarm(ctx, c.CloudWatch)
	var out []Route
	for _, r := range resources {
		if len(only) > 0 && !slices.Contains(only, r.Route) {
			continue
		}
		st := Route{Route: r.Route, Region: region, Stack: stack, Function: r.Function, Alarms: []string{}}
		fail := func(what string, err error) { st.Errors = append(st.Errors, fmt.Sprintf("%s: %v", what, err)) }
		for _, arn := range r.Rules {
			bus, name := ruleName(arn)
			in := &eventbridge.DescribeRuleInput{Name: aws.String(name)}
			if bus != "" {
				in.EventBusName = aws.String(bus)
			}
			d, err := c.EventBridge.DescribeRule(ctx, in)
			if err != nil {
				fail("describing rule "+name, err)
				continue
			}
			st.Rules = append(st.Rules, Rule{Name: name, Bus: bus, State: string(d.State)})
		}
		if r.Function != "" {
			d, err := deliveries(ctx, c.CloudWatch, r.Function, now)
			if err != nil {
				fail("reading the forwarder's metrics", err)
			} else {
				st.Deliveries = d
			}
		}
		for _, q := range r.Queues {
			depth, err := queueDepth(ctx, c.SQS, q)
			if err != nil {
				fail("reading queue "+queueName(q.URL), err)
				continue
			}
			st.Queues = append(st.Queues, depth)
		}
		if alarmErr != nil {
			fail("listing alarms", alarmErr)
		} else {
			st.Alarms = routeAlarms(alarms, r)
		}
		if r.StateTable != "" {
			s, err := syncState(ctx, c, r, now)
			if err != nil {
				fail("reading the sync's state table "+r.StateTable, err)
			}
			st.Sync = s
		}
		if r.UserPool != "" && r.TriggerFunction != "" {
			t, err := triggersOf(ctx, c.Cognito, r.UserPool, r.TriggerFunction)
			if err != nil {
				fail("describing user pool "+r.UserPool, err)
			} else {
				st.Triggers = t
			}
		}
		out = append(out, st)
	}
	if len(only) > 0 && len(out) == 0 {
		names := make([]string, len(resources))
		for i, r := range resources {
			names[i] = r.Route
		}
		return nil, fmt.Errorf("stack %s in %s has no route %s (it has %s)", stack, region, strings.Join(only, ", "), strings.Join(names, ", "))
	}
	return out, nil
}

// deliveries sums the forwarder's metrics over the window, by minute.
func deliveries(ctx context.Context, cw *cloudwatch.Client, function string, now time.Time) (*Deliveries, error) {
	d := &Deliveries{}
	for _, m := range []struct {
		name string
		sum  *float64
	}{{emf.MetricDelivered, &d.Delivered}, {emf.MetricFailed, &d.Failed}, {emf.MetricSkipped, &d.Skipped}} {
		pts, err := minuteSums(ctx, cw, emf.Namespace, m.name, DimFunctionName, function, now)
		if err != nil {
			return nil, err
		}
		for _, p := range pts {
			*m.sum += aws.ToFloat64(p.Sum)
			if m.name == emf.MetricDelivered && aws.ToFloat64(p.Sum) > 0 {
				if t := aws.ToTime(p.Timestamp); d.LastDelivery == nil || t.After(*d.LastDelivery) {
					d.LastDelivery = &t
				}
			}
		}
	}
	return d, nil
}

// minuteSums reads one metric's per-minute sums over the window.
func minuteSums(ctx context.Context, cw *cloudwatch.Client, namespace, metric, dim, value string, now time.Time) ([]cwtypes.Datapoint, error) {
	out, err := cw.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{
		Namespace:  aws.String(namespace),
		MetricName: aws.String(metric),
		Dimensions: []cwtypes.Dimension{{Name: aws.String(dim), Value: aws.String(value)}},
		StartTime:  aws.Time(now.Add(-Window)),
		EndTime:    aws.Time(now),
		Period:     aws.Int32(60),
		Statistics: []cwtypes.Statistic{cwtypes.StatisticSum},
	})
	if err != nil {
		return nil, fmt.Errorf("reading %s/%s: %w", namespace, metric, err)
	}
	return out.Datapoints, nil
}

func queueDepth(ctx context.Context, api *sqs.Client, q Queue) (QueueDepth, error) {
	d := QueueDepth{Queue: q, Name: queueName(q.URL)}
	out, err := api.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(q.URL),
		AttributeNames: []sqstypes.QueueAttributeName{
			sqstypes.QueueAttributeNameApproximateNumberOfMessages, sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible,
		},
	})
	if err != nil {
		return d, err
	}
	d.Messages, _ = strconv.Atoi(out.Attributes[string(sqstypes.QueueAttributeNameApproximateNumberOfMessages)])
	d.InFlight, _ = strconv.Atoi(out.Attributes[string(sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible)])
	return d, nil
}

// alarmsInAlarm lists the region's metric alarms in state ALARM.
func alarmsInAlarm(ctx context.Context, cw *cloudwatch.Client) ([]cwtypes.MetricAlarm, error) {
	var all []cwtypes.MetricAlarm
	p := cloudwatch.NewDescribeAlarmsPaginator(cw, &cloudwatch.DescribeAlarmsInput{StateValue: cwtypes.StateValueAlarm})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		all = append(all, page.MetricAlarms...)
	}
	return all, nil
}

// routeAlarms are the alarms one of whose dimensions names one of the
// route's resources (its functions, rules or queues).
func routeAlarms(alarms []cwtypes.MetricAlarm, r Resources) []string {
	mine := map[string]bool{}
	for _, v := range []string{r.Function, r.SyncFunction, lastColon(r.TriggerFunction)} {
		if v != "" {
			mine[v] = true
		}
	}
	for _, arn := range r.Rules {
		_, n := ruleName(arn)
		mine[n] = true
	}
	for _, q := range r.Queues {
		mine[queueName(q.URL)] = true
	}
	names := []string{}
	for _, a := range alarms {
		dims := slices.Clone(a.Dimensions)
		for _, m := range a.Metrics {
			if m.MetricStat != nil && m.MetricStat.Metric != nil {
				dims = append(dims, m.MetricStat.Metric.Dimensions...)
			}
		}
		for _, d := range dims {
			if mine[aws.ToString(d.Value)] {
				names = append(names, aws.ToString(a.AlarmName))
				break
			}
		}
	}
	slices.Sort(names)
	return names
}

func lastColon(arn string) string { return arn[strings.LastIndex(arn, ":")+1:] }
