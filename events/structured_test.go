package events

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// structuredSeeds are the structured form of every CloudTrail fixture's
// event and every trigger fixture's event.
func structuredSeeds(tb testing.TB) map[string]*Event {
	tb.Helper()
	out := map[string]*Event{}
	for _, f := range loadFixtures(tb) {
		if ev, err := Normalize(f.data); err == nil {
			out[f.name] = ev
		}
	}
	for _, f := range loadTriggerFixtures(tb) {
		ev, err := BuildTrigger(f.data, testTriggerOptions)
		if err != nil {
			tb.Fatalf("building %s: %v", f.name, err)
		}
		out["triggers/"+f.name] = ev
	}
	if len(out) < 20 {
		tb.Fatalf("only %d seed events", len(out))
	}
	return out
}

// TestParseStructuredRoundTrip: ParseStructured gives back the event
// AppendJSON wrote, field for field.
func TestParseStructuredRoundTrip(t *testing.T) {
	for name, ev := range structuredSeeds(t) {
		t.Run(name, func(t *testing.T) {
			got, err := ParseStructured(ev.AppendJSON(nil))
			if err != nil {
				t.Fatalf("ParseStructured: %v", err)
			}
			if !reflect.DeepEqual(got, ev) {
				t.Errorf("round trip changed the event\n got %+v\nwant %+v", got, ev)
			}
		})
	}
}

func TestParseStructuredRefuses(t *testing.T) {
	const good = `{"specversion":"1.0","id":"1","source":"arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_A","type":"com.amazon.cognito-idp.sync_trigger","time":"2024-05-01T10:00:00Z","eventname":"PreSignUp_SignUp","data":{}}`
	if _, err := ParseStructured([]byte(good)); err != nil {
		t.Fatalf("the valid base event is refused: %v", err)
	}
	swap := func(old, new string) string { return string(bytes.Replace([]byte(good), []byte(old), []byte(new), 1)) }
	for _, tc := range []struct {
		name, input string
		want        error
	}{
		{"not JSON", `{`, ErrNotJSON},
		{"null", `null`, ErrNotJSON},
		{"an array", `[]`, ErrNotJSON},
		{"no specversion", swap(`"specversion":"1.0",`, ""), ErrNotEvent},
		{"specversion 0.3", swap(`"1.0"`, `"0.3"`), ErrNotEvent},
		{"another type", swap(`sync_trigger"`, `other"`), ErrNotEvent},
		{"no type", swap(`"type":"com.amazon.cognito-idp.sync_trigger",`, ""), ErrNotEvent},
		{"xml content type", swap(`"data":`, `"datacontenttype":"application/xml","data":`), ErrNotEvent},
		{"unknown extension", swap(`"data":`, `"traceparent":"00-1","data":`), ErrNotEvent},
		{"attribute not a string", swap(`"id":"1"`, `"id":1`), ErrNotEvent},
		{"data_base64", swap(`"data":{}`, `"data_base64":"e30="`), ErrNotEvent},
		{"data not an object", swap(`"data":{}`, `"data":[1]`), ErrNotEvent},
		{"no id", swap(`"id":"1",`, ""), ErrNotEvent},
		{"bad time", swap(`2024-05-01T10:00:00Z`, `yesterday`), ErrNotEvent},
		{"no eventname", swap(`"eventname":"PreSignUp_SignUp",`, ""), ErrNotEvent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := ParseStructured([]byte(tc.input))
			if !errors.Is(err, tc.want) {
				t.Fatalf("ParseStructured = %+v, %v; want an error wrapping %v", ev, err, tc.want)
			}
		})
	}
}

// FuzzParseStructured: whatever ParseStructured accepts, AppendJSON writes
// back into bytes it parses to the same event; never a panic.
func FuzzParseStructured(f *testing.F) {
	for _, ev := range structuredSeeds(f) {
		f.Add(ev.AppendJSON(nil))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ev, err := ParseStructured(b)
		if err != nil {
			if !errors.Is(err, ErrNotJSON) && !errors.Is(err, ErrNotEvent) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		again, err := ParseStructured(ev.AppendJSON(nil))
		if err != nil {
			t.Fatalf("re-parsing the written event: %v", err)
		}
		if !reflect.DeepEqual(again, ev) {
			t.Fatalf("round trip changed the event\n got %+v\nwant %+v", again, ev)
		}
	})
}

func BenchmarkParseStructured(b *testing.B) {
	ev, err := BuildTrigger(loadTriggerFixtures(b)[0].data, testTriggerOptions)
	if err != nil {
		b.Fatal(err)
	}
	in := ev.AppendJSON(nil)
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := ParseStructured(in); err != nil {
			b.Fatal(err)
		}
	}
}
