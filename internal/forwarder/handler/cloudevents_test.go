package handler

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"

	lambdaevents "github.com/aws/aws-lambda-go/events"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/forwarder/fwtest"
)

// keeping records every event it is given.
type keeping struct {
	mu     sync.Mutex
	events []*events.Event
}

func (k *keeping) Send(_ context.Context, ev *events.Event) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.events = append(k.events, ev)
	return nil
}

func triggerEvent(tb testing.TB, name string) *events.Event {
	tb.Helper()
	payload, err := os.ReadFile("../../../events/testdata/triggers/" + name + ".json")
	if err != nil {
		tb.Fatalf("reading trigger fixture: %v", err)
	}
	ev, err := events.BuildTrigger(payload, events.TriggerOptions{
		ID:          "7e0c9a52-3f1d-4c2b-9a8e-5d6f7a8b9c0d",
		FunctionARN: "arn:aws:lambda:eu-west-1:111122223333:function:trigger",
		Time:        "2024-05-01T10:00:00Z",
	})
	if err != nil {
		tb.Fatalf("building the trigger event: %v", err)
	}
	return ev
}

// TestHandleSQSCloudEvents: queued events reach the sink unchanged; bodies
// that are not events of the contract are batch item failures.
func TestHandleSQSCloudEvents(t *testing.T) {
	signUp := triggerEvent(t, "PostConfirmation_ConfirmSignUp")
	token := triggerEvent(t, "TokenGeneration_Authentication-v1")
	for _, tc := range []struct {
		name     string
		bodies   []string
		failures []string // message ids
		sent     []*events.Event
	}{
		{"two trigger events delivered unchanged", []string{string(signUp.AppendJSON(nil)), string(token.AppendJSON(nil))}, nil, []*events.Event{signUp, token}},
		{"a CloudTrail record is malformed here", []string{string(fwtest.Fixture(t, "update-client.json")), string(signUp.AppendJSON(nil))}, []string{"m0"}, []*events.Event{signUp}},
		{"another CloudEvent type is malformed", []string{`{"specversion":"1.0","id":"1","source":"s","type":"com.example.other","time":"2024-05-01T10:00:00Z","data":{}}`}, []string{"m0"}, nil},
		{"not JSON is malformed", []string{`hello`, string(token.AppendJSON(nil))}, []string{"m0"}, []*events.Event{token}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := &keeping{}
			hs := newHarness(t, k, nil, slog.LevelInfo)
			hs.h.AllowedSources = []string{signUp.Source, token.Source}
			var batch lambdaevents.SQSEvent
			for i, b := range tc.bodies {
				batch.Records = append(batch.Records, lambdaevents.SQSMessage{MessageId: "m" + string(rune('0'+i)), Body: b})
			}
			resp, err := hs.h.HandleSQSCloudEvents(context.Background(), batch)
			if err != nil {
				t.Fatalf("HandleSQSCloudEvents: %v", err)
			}
			var failed []string
			for _, f := range resp.BatchItemFailures {
				failed = append(failed, f.ItemIdentifier)
			}
			if !reflect.DeepEqual(failed, tc.failures) {
				t.Errorf("batch item failures %v, want %v", failed, tc.failures)
			}
			if len(k.events) != len(tc.sent) {
				t.Fatalf("sent %d events, want %d", len(k.events), len(tc.sent))
			}
			for i, want := range tc.sent {
				if !reflect.DeepEqual(k.events[i], want) || !bytes.Equal(k.events[i].AppendJSON(nil), want.AppendJSON(nil)) {
					t.Errorf("event %d changed on the way\n got %+v\nwant %+v", i, k.events[i], want)
				}
			}
			lines := hs.eventLines(t)
			if len(lines) != len(tc.bodies) {
				t.Fatalf("%d log lines for %d messages", len(lines), len(tc.bodies))
			}
			for _, l := range lines {
				if l[KeyMessageID] == "m0" && len(tc.failures) > 0 && l[KeyOutcome] != string(OutcomeMalformed) {
					t.Errorf("log line %v, want outcome malformed", l)
				}
			}
			if _, ok := hs.h.Normalizer.(Structured); ok {
				t.Errorf("the handler's own normaliser was replaced")
			}
		})
	}
}

// TestHandleSQSCloudEventsProvenance: an event whose source is not one of
// the route's pools is not delivered; it is a batch item failure (so it
// ends in the dead-letter queue) and its log line says why.
func TestHandleSQSCloudEventsProvenance(t *testing.T) {
	signUp := triggerEvent(t, "PostConfirmation_ConfirmSignUp")
	forged := *signUp
	forged.ID = "8f1d0b63-4a2e-4d3c-8b9f-6e7a8b9c0d1e"
	forged.Source = "arn:aws:cognito-idp:eu-west-1:444455556666:userpool/eu-west-1_Forged"
	for _, tc := range []struct {
		name    string
		allowed []string
		sent    int
	}{
		{"the route's pool is delivered, another is not", []string{signUp.Source}, 1},
		{"no allowed source delivers nothing", nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := &keeping{}
			hs := newHarness(t, k, nil, slog.LevelInfo)
			hs.h.AllowedSources = tc.allowed
			batch := lambdaevents.SQSEvent{Records: []lambdaevents.SQSMessage{
				{MessageId: "m0", Body: string(forged.AppendJSON(nil))},
				{MessageId: "m1", Body: string(signUp.AppendJSON(nil))},
			}}
			resp, err := hs.h.HandleSQSCloudEvents(context.Background(), batch)
			if err != nil {
				t.Fatalf("HandleSQSCloudEvents: %v", err)
			}
			if len(k.events) != tc.sent || (tc.sent == 1 && k.events[0].Source != signUp.Source) {
				t.Fatalf("sent %d events (%v), want %d of the route's pool", len(k.events), k.events, tc.sent)
			}
			if len(resp.BatchItemFailures) == 0 || resp.BatchItemFailures[0].ItemIdentifier != "m0" {
				t.Fatalf("batch item failures %v, want m0 first", resp.BatchItemFailures)
			}
			var saw bool
			for _, l := range hs.eventLines(t) {
				if l[KeyMessageID] == "m0" {
					saw = true
					msg, _ := l[KeyError].(string)
					if l[KeyOutcome] != string(OutcomeMalformed) || !strings.Contains(msg, forged.Source) || !strings.Contains(msg, "not one of this route's user pools") {
						t.Errorf("log line %v does not say why", l)
					}
				}
			}
			if !saw {
				t.Fatal("no log line for the forged event")
			}
		})
	}
}
