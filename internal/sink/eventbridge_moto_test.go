package sink

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	lambdaevents "github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/cognito-events/cognito-events/internal/emulator/moto"
)

// ebPattern is the part of an EventBridge event pattern the tests' rules
// use: the sink's source and detail type, and a field of the CloudEvent.
type ebPattern struct {
	Source     []string `json:"source"`
	DetailType []string `json:"detail-type"`
	Detail     struct {
		UserPoolID []string `json:"userpoolid"`
	} `json:"detail"`
}

// createBus creates a custom bus and returns its ARN.
func (m *motoEnv) createBus(tb testing.TB, name string) (arn string) {
	tb.Helper()
	moto.Retry(tb, "creating bus "+name, func(ctx context.Context) error {
		out, err := m.eb.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String(name)})
		if err == nil {
			arn = aws.ToString(out.EventBusArn)
		}
		return err
	}, func(err error) bool {
		var exists *ebtypes.ResourceAlreadyExistsException
		if errors.As(err, &exists) {
			arn = "arn:aws:events:" + moto.Region + ":" + moto.Account + ":event-bus/" + name
			return true
		}
		return false
	})
	return arn
}

// routeToQueue puts a rule on the bus that sends the events matching
// pattern to the queue. (moto fails PutEvents with HTTP 500 when a rule
// targets SNS, so the tests read through SQS.)
func (m *motoEnv) routeToQueue(tb testing.TB, bus string, pattern ebPattern, queueARN string) {
	tb.Helper()
	p, err := json.Marshal(pattern)
	if err != nil {
		tb.Fatalf("encoding the event pattern: %v", err)
	}
	rule := uniqueName("rule")
	moto.Retry(tb, "putting rule "+rule, func(ctx context.Context) error {
		_, err := m.eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String(rule), EventBusName: aws.String(bus), EventPattern: aws.String(string(p))})
		return err
	}, nil)
	moto.Retry(tb, "targeting "+queueARN, func(ctx context.Context) error {
		_, err := m.eb.PutTargets(ctx, &eventbridge.PutTargetsInput{
			Rule: aws.String(rule), EventBusName: aws.String(bus),
			Targets: []ebtypes.Target{{Id: aws.String("queue"), Arn: aws.String(queueARN)}},
		})
		return err
	}, nil)
}

func TestEventBridgeOnMoto(t *testing.T) {
	m := newMotoEnv(t)
	ev := testEvent(t, "update-client.json")
	for _, tc := range []struct {
		name           string
		byARN          bool
		source, detail string // the sink's variables; "" leaves the default
		wantSource     string
		wantDetailType string
	}{
		{"bus name, configured source and detail type", false, "acme.identity", "Cognito change", "acme.identity", "Cognito change"},
		{"bus ARN, defaults", true, "", "", DefaultEventBridgeSource, DefaultEventBridgeDetail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			busName := uniqueName("bus")
			busARN := m.createBus(t, busName)
			queueURL, queueARN := m.createQueue(t, uniqueName("eb-target"))
			var pattern ebPattern
			pattern.Source, pattern.DetailType = []string{tc.wantSource}, []string{tc.wantDetailType}
			pattern.Detail.UserPoolID = []string{ev.UserPoolID}
			m.routeToQueue(t, busName, pattern, queueARN)
			env := map[string]string{EnvKind: string(KindEventBridge), EnvEventBridgeBus: busName,
				EnvEventBridgeSource: tc.source, EnvEventBridgeDetail: tc.detail}
			if tc.byARN {
				env[EnvEventBridgeBus] = busARN
			}
			deliver(t, m.sink(t, env), ev)
			msg := m.receive(t, queueURL, 1)[0]
			var got lambdaevents.EventBridgeEvent
			if err := json.Unmarshal([]byte(aws.ToString(msg.Body)), &got); err != nil {
				t.Fatalf("the message is not an EventBridge event: %v: %s", err, aws.ToString(msg.Body))
			}
			if got.Source != tc.wantSource || got.DetailType != tc.wantDetailType {
				t.Errorf("source %q, detail-type %q; want %q, %q", got.Source, got.DetailType, tc.wantSource, tc.wantDetailType)
			}
			checkJSONEqual(t, "detail", got.Detail, ev.AppendJSON(nil))
			if !slices.Equal(got.Resources, []string{ev.Source}) {
				t.Errorf("resources %v, want the pool ARN [%s]", got.Resources, ev.Source)
			}
			if want, _ := time.Parse(time.RFC3339, ev.Time); !got.Time.Equal(want) {
				t.Errorf("time %v, want the event time %s", got.Time, ev.Time)
			}
			// got.AccountID is not checked: moto leaves `account` out.
		})
	}
}
