package pattern

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cognito-events/cognito-events/events"
)

// TestEnvelopeRebuildsFixtures: wrapping the record of every envelope of
// the corpus gives back the envelope's detail-type, source, account, time
// and region (the corpus follows EventBridge's rules, testdata/README.md).
func TestEnvelopeRebuildsFixtures(t *testing.T) {
	paths, err := filepath.Glob("../../testdata/envelopes/*.json")
	if err != nil || len(paths) == 0 {
		t.Fatalf("listing fixtures: %v", err)
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			var orig events.Envelope
			if err := json.Unmarshal(readFile(t, p), &orig); err != nil {
				t.Fatalf("decoding: %v", err)
			}
			out, err := Envelope(orig.Detail)
			if err != nil {
				t.Fatalf("Envelope: %v", err)
			}
			var got events.Envelope
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("decoding output: %v\n%s", err, out)
			}
			if got.DetailType != orig.DetailType || got.Source != orig.Source || got.Account != orig.Account ||
				got.Time != orig.Time || got.Region != orig.Region || got.Version != "0" || got.Resources == nil {
				t.Errorf("got  %s %s %s %s %s\nwant %s %s %s %s %s", got.DetailType, got.Source, got.Account, got.Time, got.Region,
					orig.DetailType, orig.Source, orig.Account, orig.Time, orig.Region)
			}
			if !sameJSON(t, string(got.Detail), string(orig.Detail)) {
				t.Error("detail differs from the record")
			}
			// An envelope is returned as it is.
			again, err := Envelope(out)
			if err != nil || string(again) != string(out) {
				t.Errorf("Envelope(envelope) = %s, %v; want it unchanged", again, err)
			}
		})
	}
}

func TestEnvelopeBareRecords(t *testing.T) {
	out, err := Envelope(readFile(t, "../../testdata/records/AdminCreateUser.json"))
	if err != nil {
		t.Fatalf("Envelope: %v", err)
	}
	var env events.Envelope
	if err := json.Unmarshal(out, &env); err != nil {
		t.Fatal(err)
	}
	var rec events.Record
	if err := json.Unmarshal(env.Detail, &rec); err != nil {
		t.Fatal(err)
	}
	if env.ID != rec.EventID || env.Source != events.EventBridgeSource || env.DetailType != events.DetailTypeAPICall || env.Region != rec.AWSRegion {
		t.Errorf("envelope %+v", env)
	}
	// The envelope goes through the normaliser like a delivered one.
	if _, err := events.Normalize(out); err != nil {
		t.Errorf("Normalize(envelope): %v", err)
	}
}

func TestEnvelopeErrors(t *testing.T) {
	tests := []struct {
		name, record string
		sentinel     error
		want         string
	}{
		{"not JSON", `{`, events.ErrNotJSON, "wrapping record"},
		{"array", `[{}]`, events.ErrNotJSON, "wrapping record"},
		{"no eventSource", `{"eventType":"AwsApiCall"}`, events.ErrMissingField, `eventSource: record lacks a required field: want SERVICE.amazonaws.com, found ""`},
		{"odd eventSource", `{"eventSource":"example.com","eventType":"AwsApiCall"}`, events.ErrMissingField, `found "example.com"`},
		{"eventSource not a string", `{"eventSource":5,"eventType":"AwsApiCall"}`, events.ErrMissingField, "eventSource"},
		{"unknown eventType", `{"eventSource":"cognito-idp.amazonaws.com","eventType":"AwsCloudTrailInsight"}`, events.ErrMissingField, `eventType: record lacks a required field: want one of`},
		{"null", `null`, events.ErrMissingField, "eventSource"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Envelope([]byte(tt.record))
			if !errors.Is(err, tt.sentinel) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want %v containing %q", err, tt.sentinel, tt.want)
			}
		})
	}
}

// TestEnvelopePassesEvents: EventBridge events of any kind are returned as
// they are, even when their detail is not a CloudTrail record.
func TestEnvelopePassesEvents(t *testing.T) {
	for _, name := range []string{"scheduled-event.json", "detail-string.json", "missing-eventID.json"} {
		t.Run(name, func(t *testing.T) {
			data := readFile(t, filepath.Join("../../testdata/malformed", name))
			out, err := Envelope(data)
			if err != nil || string(out) != string(data) {
				t.Errorf("Envelope = %.60s, %v; want the input unchanged", out, err)
			}
		})
	}
}
