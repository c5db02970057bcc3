package handler

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	lambdaevents "github.com/aws/aws-lambda-go/events"
)

// TestHandleSQSCloudEventsPoolMatchesSource: an event whose source is one
// of the route's pools but whose userpoolid names another pool is not
// delivered: a consumer keyed by userpoolid would take it for that pool's.
func TestHandleSQSCloudEventsPoolMatchesSource(t *testing.T) {
	signUp := triggerEvent(t, "PostConfirmation_ConfirmSignUp")
	if signUp.UserPoolID == "" || !strings.HasSuffix(signUp.Source, "/"+signUp.UserPoolID) {
		t.Fatalf("fixture: source %q, userpoolid %q", signUp.Source, signUp.UserPoolID)
	}
	forged := *signUp
	forged.ID = "8f1d0b63-4a2e-4d3c-8b9f-6e7a8b9c0d1e"
	forged.UserPoolID = "eu-west-1_Other"
	k := &keeping{}
	hs := newHarness(t, k, nil, slog.LevelInfo)
	hs.h.AllowedSources = []string{signUp.Source}
	resp, err := hs.h.HandleSQSCloudEvents(context.Background(), lambdaevents.SQSEvent{Records: []lambdaevents.SQSMessage{
		{MessageId: "m0", Body: string(forged.AppendJSON(nil))},
		{MessageId: "m1", Body: string(signUp.AppendJSON(nil))},
	}})
	if err != nil {
		t.Fatalf("HandleSQSCloudEvents: %v", err)
	}
	if len(k.events) != 1 || k.events[0].ID != signUp.ID {
		t.Fatalf("sent %v, want only the consistent event", k.events)
	}
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "m0" {
		t.Fatalf("batch item failures %v, want m0", resp.BatchItemFailures)
	}
	for _, l := range hs.eventLines(t) {
		if l[KeyMessageID] == "m0" {
			if msg, _ := l[KeyError].(string); l[KeyOutcome] != string(OutcomeMalformed) || !strings.Contains(msg, "eu-west-1_Other") {
				t.Errorf("log line %v does not say why", l)
			}
		}
	}
}
