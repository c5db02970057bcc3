package events

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	cloudevent "github.com/cloudevents/sdk-go/v2/event"
)

// FuzzNormalize feeds Normalize mutations of every fixture and malformed
// input. Plain go test runs the seeds. For each input: no panic; either an
// error wrapping a sentinel, or an event that validates, that the
// CloudEvents SDK reads back with the same attributes and data and writes
// again unchanged, whose data holds nothing but RedactedValue under a
// secret key, and whose objects hold only the keys the normaliser writes
// there (checkShape). The seeds include non-numeric statuses and repeated
// keys (statusSeeds).
func FuzzNormalize(f *testing.F) {
	for _, fx := range loadFixtures(f) {
		f.Add(fx.data)
	}
	malformed, _ := filepath.Glob(filepath.Join("..", "testdata", "malformed", "*.json"))
	for _, p := range malformed {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatalf("reading seed: %v", err)
		}
		f.Add(data)
	}
	for _, data := range statusSeeds(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		ev, err := Normalize(input)
		if err != nil {
			if sentinelName(err) == "" {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			if ev != nil {
				t.Fatalf("event returned with error %v", err)
			}
			return
		}
		if err := ev.Validate(); err != nil {
			t.Fatalf("event does not validate: %v", err)
		}
		checkRoundTrip(t, ev)
		checkRedacted(t, ev.Data)
		checkShape(t, ev)
	})
}

// checkRoundTrip reads the structured event with the CloudEvents SDK,
// compares it with the Event, and checks that writing it again and reading
// that gives the same event.
func checkRoundTrip(t *testing.T, ev *Event) {
	t.Helper()
	structured := ev.AppendJSON(nil)
	var sdk cloudevent.Event
	if err := json.Unmarshal(structured, &sdk); err != nil {
		t.Fatalf("SDK cannot read the event: %v\n%s", err, structured)
	}
	if err := sdk.Validate(); err != nil {
		t.Fatalf("SDK finds the event invalid: %v", err)
	}
	if sdk.ID() != ev.ID || sdk.Source() != ev.Source || sdk.Type() != EventType || sdk.Subject() != ev.Subject || sdk.SpecVersion() != SpecVersion {
		t.Fatalf("SDK read different attributes: %s", sdk)
	}
	for _, a := range ev.Attributes() {
		switch a.Name {
		case "specversion", "id", "source", "type", "datacontenttype", "dataschema", "subject", "time":
			continue
		}
		if got, _ := sdk.Extensions()[a.Name].(string); got != a.Value {
			t.Fatalf("extension %s = %q, want %q", a.Name, got, a.Value)
		}
	}
	var want, got any
	if err := json.Unmarshal(ev.Data, &want); err != nil {
		t.Fatalf("data is not JSON: %v", err)
	}
	if err := json.Unmarshal(sdk.Data(), &got); err != nil {
		t.Fatalf("SDK data is not JSON: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("data changed in the round trip")
	}
	again, err := json.Marshal(sdk)
	if err != nil {
		t.Fatalf("SDK cannot write the event: %v", err)
	}
	var sdk2 cloudevent.Event
	if err := json.Unmarshal(again, &sdk2); err != nil {
		t.Fatalf("SDK cannot read its own output: %v", err)
	}
	var got2 any
	if err := json.Unmarshal(sdk2.Data(), &got2); err != nil {
		t.Fatalf("SDK data is not JSON after a second round trip: %v", err)
	}
	if !reflect.DeepEqual(sdk2.Context, sdk.Context) || !reflect.DeepEqual(sdk2.Extensions(), sdk.Extensions()) || !reflect.DeepEqual(got2, want) {
		t.Fatalf("event changed in a second round trip:\n%s\n%s", sdk, sdk2)
	}
}

// checkRedacted walks the open-ended parts of data: every value under a
// secret key must be RedactedValue.
func checkRedacted(t *testing.T, data []byte) {
	t.Helper()
	var d struct {
		RequestParameters   any `json:"requestParameters"`
		ResponseElements    any `json:"responseElements"`
		AdditionalEventData struct {
			Details any `json:"details"`
		} `json:"additionalEventData"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("data: %v", err)
	}
	var walk func(v any, parent string)
	walk = func(v any, parent string) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if secretKey([]byte(parent), []byte(k)) && e != RedactedValue {
					t.Fatalf("secret key %q holds %v", k, e)
				}
				walk(e, k)
			}
		case []any:
			for _, e := range v {
				walk(e, parent)
			}
		}
	}
	walk(d.RequestParameters, "")
	walk(d.ResponseElements, "")
	walk(d.AdditionalEventData.Details, "")
}
