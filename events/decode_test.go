package events

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// TestDecodeMatchesEncodingJSON holds the single-pass decoder to
// encoding/json: for every fixture both give the same Record.
func TestDecodeMatchesEncodingJSON(t *testing.T) {
	for _, f := range loadFixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			var env struct {
				DetailType string          `json:"detail-type"`
				Detail     json.RawMessage `json:"detail"`
			}
			if err := json.Unmarshal(f.data, &env); err != nil {
				t.Fatalf("fixture is not JSON: %v", err)
			}
			recJSON := f.data
			if env.DetailType != "" {
				recJSON = env.Detail
			}
			var want Record
			if err := json.Unmarshal(recJSON, &want); err != nil {
				t.Fatalf("encoding/json: %v", err)
			}
			// Both ways of reading the open-ended parts: raw, and copied
			// redacted as Normalize does.
			var got, gotRedacting decoded
			if err := decodeInput(newScanner(f.data), &got); err != nil {
				t.Fatalf("decodeInput: %v", err)
			}
			gotRedacting.red = &redactor{}
			if err := decodeInput(newScanner(f.data), &gotRedacting); err != nil {
				t.Fatalf("decodeInput, redacting: %v", err)
			}
			if !reflect.DeepEqual(got.Record, gotRedacting.Record) {
				t.Errorf("redacting changes the decoded record:\n%+v\n%+v", got.Record, gotRedacting.Record)
			}
			compactRaw(t, &want)
			compactRaw(t, &got.Record)
			if !reflect.DeepEqual(got.Record, want) {
				t.Errorf("decoders disagree:\nscanner:       %+v\nencoding/json: %+v", got.Record, want)
			}
		})
	}
}

// compactRaw compacts the raw parts of a record so that two decodings can
// be compared.
func compactRaw(tb testing.TB, r *Record) {
	for _, raw := range []*json.RawMessage{&r.RequestParameters, &r.ResponseElements, &r.AdditionalEventData, &r.ServiceEventDetails} {
		if len(*raw) == 0 {
			continue
		}
		var b bytes.Buffer
		if err := json.Compact(&b, *raw); err != nil {
			tb.Fatalf("compacting: %v", err)
		}
		*raw = b.Bytes()
	}
}
