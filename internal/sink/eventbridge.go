package sink

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/lambdafn"
)

// The eventbridge sink's variables, as in docs/forwarder.md.
const (
	EnvEventBridgeBus    = "SINK_EVENTBRIDGE_BUS"
	EnvEventBridgeSource = "SINK_EVENTBRIDGE_SOURCE"
	EnvEventBridgeDetail = "SINK_EVENTBRIDGE_DETAIL_TYPE"
)

// The eventbridge sink's defaults: the PutEvents Source, and the
// DetailType, which is the CloudEvent type.
const (
	DefaultEventBridgeSource = "cognito-events"
	DefaultEventBridgeDetail = "com.amazon.cognito-idp.sync_trigger"
)

var eventBridgeSpec = Spec{
	Kind:     KindEventBridge,
	Vars:     []string{EnvEventBridgeBus, EnvEventBridgeSource, EnvEventBridgeDetail},
	Service:  lambdafn.ServiceEventBridge,
	Read:     readEventBridge,
	Check:    checkEventBridge,
	NeedsAWS: always,
	New:      newEventBridge,
	Keys: func(d *Declaration) []string {
		return setKeys(key{"bus", d.Bus != ""}, key{"source", d.Source != ""}, key{"detailType", d.DetailType != ""})
	},
	Validate: validateEventBridge,
	Environment: func(d *Declaration, set func(name, value string)) {
		set(EnvEventBridgeBus, d.Bus)
		set(EnvEventBridgeSource, d.Source)
		set(EnvEventBridgeDetail, d.DetailType)
	},
	Statements: func(d *Declaration) []Statement {
		return []Statement{{Sid: "PutEventsToSink", Actions: []string{"events:PutEvents"}, Resources: []string{busARN(d.Bus)}}}
	},
}

// EventBridgeSettings are the eventbridge sink's settings.
type EventBridgeSettings struct {
	// Bus (SINK_EVENTBRIDGE_BUS, required for eventbridge): bus name or ARN.
	Bus string
	// Source (SINK_EVENTBRIDGE_SOURCE, default cognito-events): the
	// PutEvents Source. EventBridge rejects sources starting "aws.".
	Source string
	// DetailType (SINK_EVENTBRIDGE_DETAIL_TYPE, default the CloudEvent
	// type): the PutEvents DetailType.
	DetailType string
}

// EventBridgeKeys are the cdk.json keys of an eventbridge sink.
type EventBridgeKeys struct {
	// Bus is the EventBridge bus name or ARN.
	Bus string `json:"bus"`
	// Source is the PutEvents Source.
	Source string `json:"source"`
	// DetailType is the PutEvents DetailType.
	DetailType string `json:"detailType"`
}

func readEventBridge(e *Env, s *Settings) {
	s.EventBridge = EventBridgeSettings{
		Bus:        e.Str(EnvEventBridgeBus),
		Source:     e.StrDefault(EnvEventBridgeSource, DefaultEventBridgeSource),
		DetailType: e.StrDefault(EnvEventBridgeDetail, DefaultEventBridgeDetail),
	}
}

func checkEventBridge(e *Env, s *Settings) {
	e.Require(EnvEventBridgeBus, s.EventBridge.Bus)
	if strings.HasPrefix(s.EventBridge.Source, "aws.") {
		e.Fail(EnvEventBridgeSource, "must not start with \"aws.\" (EventBridge reserves it)")
	}
}

func newEventBridge(_ context.Context, s *Settings, d Deps) (Sink, error) {
	ac, endpoint, err := d.awsClient(lambdafn.ServiceEventBridge)
	if err != nil {
		return nil, err
	}
	return &EventBridge{
		Client: eventbridge.NewFromConfig(ac, func(o *eventbridge.Options) {
			o.Retryer = noRetry
			o.BaseEndpoint = endpoint
			o.Region = regionFor(s.EventBridge.Bus, ac.Region)
		}),
		Bus:        s.EventBridge.Bus,
		Source:     s.EventBridge.Source,
		DetailType: s.EventBridge.DetailType,
	}, nil
}

var (
	busNameRE = lazyRE(`^[A-Za-z0-9/._-]{1,256}$`)
	busARNRE  = lazyRE(`^` + partitionRE + `:events:[a-z0-9-]+:\d{12}:event-bus/[A-Za-z0-9/._-]{1,256}$`)
)

func validateEventBridge(d *Declaration) error {
	if d.Bus == "" {
		return fmt.Errorf("sink.bus: required for kind eventbridge: a bus name or ARN")
	}
	if !busNameRE().MatchString(d.Bus) && !busARNRE().MatchString(d.Bus) {
		return fmt.Errorf("sink.bus: %q is neither an event bus name nor an event bus ARN (arn:aws:events:region:account:event-bus/name)", d.Bus)
	}
	if strings.HasPrefix(d.Source, "aws.") {
		return fmt.Errorf("sink.source: %q: sources starting with \"aws.\" are reserved for AWS services", d.Source)
	}
	return nil
}

func busARN(bus string) string {
	if strings.HasPrefix(bus, "arn:") {
		return bus
	}
	return "arn:" + Partition + ":events:" + Region + ":" + AccountID + ":event-bus/" + bus
}

// EventBridgeAPI is the part of the EventBridge client the sink uses; the
// SDK client satisfies it, tests may fake it.
type EventBridgeAPI interface {
	PutEvents(ctx context.Context, in *eventbridge.PutEventsInput, optFns ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error)
}

var _ EventBridgeAPI = (*eventbridge.Client)(nil)

// EventBridge puts each event on a bus; Detail is the structured
// CloudEvent. Delivery succeeded when FailedEntryCount is 0.
type EventBridge struct {
	Client     EventBridgeAPI
	Bus        string
	Source     string
	DetailType string
}

var _ Sink = (*EventBridge)(nil)

// Send calls PutEvents with one entry.
func (s *EventBridge) Send(ctx context.Context, ev *events.Event) error {
	entry := ebtypes.PutEventsRequestEntry{
		EventBusName: aws.String(s.Bus),
		Source:       aws.String(s.Source),
		DetailType:   aws.String(s.DetailType),
		Detail:       aws.String(string(ev.AppendJSON(make([]byte, 0, 512+len(ev.Data))))),
	}
	if t, err := time.Parse(time.RFC3339Nano, ev.Time); err == nil {
		entry.Time = aws.Time(t)
	}
	if strings.HasPrefix(ev.Source, "arn:") && ev.UserPoolID != "" {
		entry.Resources = []string{ev.Source}
	}
	out, err := s.Client.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{entry}})
	if err != nil {
		return fmt.Errorf("putting event: %w", classifyAWS(err))
	}
	if out.FailedEntryCount == 0 && len(out.Entries) == 1 && aws.ToString(out.Entries[0].EventId) != "" {
		return nil
	}
	code, msg := "", ""
	if len(out.Entries) > 0 {
		code, msg = aws.ToString(out.Entries[0].ErrorCode), aws.ToString(out.Entries[0].ErrorMessage)
	}
	err = fmt.Errorf("putting event: %w: %d failed entries, code %q: %s", ErrNotAcknowledged, out.FailedEntryCount, code, msg)
	if code != "" && !transientEntryCode(code) {
		return permanent(err)
	}
	return err
}

// transientEntryCode reports PutEvents entry error codes worth a retry.
func transientEntryCode(code string) bool {
	if _, ok := retry.DefaultThrottleErrorCodes[code]; ok {
		return true
	}
	switch code {
	case "InternalFailure", "InternalException", "ServiceUnavailable", "ServiceUnavailableException":
		return true
	}
	return false
}
