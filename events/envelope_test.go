package events

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// readFile reads a test file; it fails the test when it cannot.
func readFile(tb testing.TB, path string) []byte {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("reading %s: %v", path, err)
	}
	return data
}

// sameJSON reports whether a and b are the same JSON value.
func sameJSON(tb testing.TB, a, b string) bool {
	tb.Helper()
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		tb.Fatalf("decoding %s: %v", a, err)
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		tb.Fatalf("decoding %s: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}

// TestWrapRebuildsFixtures: wrapping the record of every envelope of the
// corpus gives back the envelope's detail-type, source, account, time and
// region (the corpus follows EventBridge's rules, testdata/README.md).
func TestWrapRebuildsFixtures(t *testing.T) {
	paths, err := filepath.Glob("../testdata/envelopes/*.json")
	if err != nil || len(paths) == 0 {
		t.Fatalf("listing fixtures: %v", err)
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			var orig Envelope
			if err := json.Unmarshal(readFile(t, p), &orig); err != nil {
				t.Fatalf("decoding: %v", err)
			}
			out, err := Wrap(orig.Detail)
			if err != nil {
				t.Fatalf("Wrap: %v", err)
			}
			var got Envelope
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
			again, err := Wrap(out)
			if err != nil || string(again) != string(out) {
				t.Errorf("Wrap(envelope) = %s, %v; want it unchanged", again, err)
			}
		})
	}
}

func TestWrapBareRecords(t *testing.T) {
	out, err := Wrap(readFile(t, "../testdata/records/AdminCreateUser.json"))
	if err != nil {
		t.Fatalf("Wrap: %v", err)
	}
	var env Envelope
	if err := json.Unmarshal(out, &env); err != nil {
		t.Fatal(err)
	}
	var rec Record
	if err := json.Unmarshal(env.Detail, &rec); err != nil {
		t.Fatal(err)
	}
	if env.ID != rec.EventID || env.Source != EventBridgeSource || env.DetailType != DetailTypeAPICall || env.Region != rec.AWSRegion {
		t.Errorf("envelope %+v", env)
	}
	// The envelope goes through the normaliser like a delivered one.
	if _, err := Normalize(out); err != nil {
		t.Errorf("Normalize(envelope): %v", err)
	}
}

func TestWrapErrors(t *testing.T) {
	tests := []struct {
		name, record string
		sentinel     error
		want         string
	}{
		{"not JSON", `{`, ErrNotJSON, "wrapping record"},
		{"array", `[{}]`, ErrNotJSON, "wrapping record"},
		{"no eventSource", `{"eventType":"AwsApiCall"}`, ErrMissingField, `eventSource: record lacks a required field: want SERVICE.amazonaws.com, found ""`},
		{"odd eventSource", `{"eventSource":"example.com","eventType":"AwsApiCall"}`, ErrMissingField, `found "example.com"`},
		{"eventSource not a string", `{"eventSource":5,"eventType":"AwsApiCall"}`, ErrMissingField, "eventSource"},
		{"unknown eventType", `{"eventSource":"cognito-idp.amazonaws.com","eventType":"AwsCloudTrailInsight"}`, ErrMissingField, `eventType: record lacks a required field: want one of`},
		{"null", `null`, ErrMissingField, "eventSource"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Wrap([]byte(tt.record))
			if !errors.Is(err, tt.sentinel) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want %v containing %q", err, tt.sentinel, tt.want)
			}
		})
	}
}

// TestWrapPassesEvents: EventBridge events of any kind are returned as they
// are, even when their detail is not a CloudTrail record.
func TestWrapPassesEvents(t *testing.T) {
	for _, name := range []string{"scheduled-event.json", "detail-string.json", "missing-eventID.json"} {
		t.Run(name, func(t *testing.T) {
			data := readFile(t, filepath.Join("../testdata/malformed", name))
			out, err := Wrap(data)
			if err != nil || string(out) != string(data) {
				t.Errorf("Wrap = %.60s, %v; want the input unchanged", out, err)
			}
		})
	}
}
