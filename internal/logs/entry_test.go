package logs

import (
	"strings"
	"testing"
	"time"
)

func TestDecode(t *testing.T) {
	at := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	tests := []struct {
		name, line string
		ok         bool
		want       Entry
	}{
		{"forwarder delivered", `{"time":"2026-12-07T01:02:03.5Z","level":"INFO","msg":"event","eventID":"e1","eventName":"UpdateUserPoolClient","userPoolId":"p","subject":"client/c","sink":"http","outcome":"delivered","attempts":2,"latencyMs":12.5}`,
			true, Entry{Time: time.Date(2026, 12, 7, 1, 2, 3, 5e8, time.UTC), Message: "event", EventID: "e1", EventName: "UpdateUserPoolClient", UserPoolID: "p", Subject: "client/c", Sink: "http", Outcome: "delivered", Attempts: 2, LatencyMs: 12.5}},
		{"trigger line", `{"msg":"trigger event","eventID":"r1","triggerSource":"PostConfirmation_ConfirmSignUp","subject":"user/s","outcome":"timeout","attempts":1}`,
			true, Entry{Time: at, Message: "trigger event", EventID: "r1", EventName: "PostConfirmation_ConfirmSignUp", Subject: "user/s", Outcome: "timeout", Attempts: 1}},
		{"sync delivered", `{"msg":"user event delivered","userpool":"p","username":"alice","eventid":"s1","eventname":"UserCreated"}`,
			true, Entry{Time: at, Message: "user event delivered", EventID: "s1", EventName: "UserCreated", UserPoolID: "p", Outcome: "delivered"}},
		{"sync failed", `{"level":"ERROR","msg":"user event failed","userpool":"p","username":"bob","error":"boom"}`,
			true, Entry{Time: at, Message: "user event failed", UserPoolID: "p", Outcome: "failed", Error: "boom"}},
		{"odd type kept", `{"msg":"event","outcome":"failed","attempts":"three","eventID":"e2"}`,
			true, Entry{Time: at, Message: "event", EventID: "e2", Outcome: "failed"}},
		{"summary line", `{"msg":"user sync run","userpool":"p","users":3}`, false, Entry{}},
		{"platform line", `{"time":"2026-12-07T01:00:00Z","type":"platform.report","record":{}}`, false, Entry{}},
		{"text line", `time=2026-12-07T01:00:00Z level=INFO msg=event outcome=delivered`, false, Entry{}},
		{"broken JSON", `{"msg":"event","outcome":`, false, Entry{}},
		{"empty", ``, false, Entry{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Decode(tt.line, at)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v (%+v)", ok, tt.ok, got)
			}
			if ok && !equalEntry(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func equalEntry(a, b Entry) bool {
	return a.Time.Equal(b.Time) && a.Message == b.Message && a.EventID == b.EventID && a.EventName == b.EventName &&
		a.Subject == b.Subject && a.UserPoolID == b.UserPoolID && a.Sink == b.Sink && a.Outcome == b.Outcome &&
		a.Attempts == b.Attempts && a.LatencyMs == b.LatencyMs && a.Error == b.Error && string(a.CloudEvent) == string(b.CloudEvent)
}

func TestJoinerPairsEventWithItsOutcome(t *testing.T) {
	at := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	ce, ok := Decode(`{"msg":"cloudevent","eventID":"e1","cloudevent":{"id":"e1","subject":"client/c","eventname":"UpdateUserPoolClient"}}`, at)
	if !ok || !ce.IsEvent() || ce.Subject != "client/c" {
		t.Fatalf("cloudevent line: %+v %v", ce, ok)
	}
	out, _ := Decode(`{"msg":"event","eventID":"e1","outcome":"delivered","sink":"log"}`, at.Add(time.Millisecond))
	other, _ := Decode(`{"msg":"event","eventID":"e2","outcome":"failed"}`, at.Add(2*time.Millisecond))
	var j joiner
	if got := j.add(ce); len(got) != 0 {
		t.Fatalf("an event line alone was emitted: %+v", got)
	}
	if got := j.add(other); len(got) != 1 || len(got[0].CloudEvent) != 0 {
		t.Fatalf("another event's line took the CloudEvent: %+v", got)
	}
	got := j.add(out)
	if len(got) != 1 || !strings.Contains(string(got[0].CloudEvent), `"id":"e1"`) || got[0].Outcome != "delivered" {
		t.Fatalf("joined: %+v", got)
	}
	if rest := j.flush(time.Time{}); len(rest) != 0 {
		t.Fatalf("left over: %+v", rest)
	}
	j.add(ce)
	if rest := j.flush(time.Time{}); len(rest) != 1 || !rest[0].IsEvent() {
		t.Fatalf("an event line without its outcome is not flushed: %+v", rest)
	}
}

func TestLine(t *testing.T) {
	e := Entry{Time: time.Date(2026, 12, 7, 1, 2, 3, 4e6, time.UTC), LogGroup: "g", EventName: "X", Outcome: "failed", Attempts: 3, LatencyMs: 1.25, Error: `sink said "no"`}
	if got, want := Line(&e), "2026-12-07T01:02:03.004Z  g  X  -  failed  attempts=3  1.2ms  error=\"sink said \\\"no\\\"\"\n"; got != want {
		t.Errorf("Line\n got %q\nwant %q", got, want)
	}
	e.Route, e.Error, e.CloudEvent = "r", "", []byte(`{"id":"1"}`)
	if got := Line(&e); !strings.HasPrefix(got, "2026-12-07T01:02:03.004Z  r  X") || !strings.HasSuffix(got, "\n  {\"id\":\"1\"}\n") {
		t.Errorf("Line with route and event: %q", got)
	}
}

// TestLineQuotesLoggedValues: a value taken from a log line (an eventName,
// a subject such as a group name from a failed call's request) holding a
// newline or a terminal escape is quoted, so it can neither forge a line of
// the output nor drive the reader's terminal.
func TestLineQuotesLoggedValues(t *testing.T) {
	e := Entry{Time: time.Date(2026, 12, 7, 1, 2, 3, 0, time.UTC), LogGroup: "g", Outcome: "failed",
		EventName: "CreateGroup\x1b[2J", Subject: "group/a\n2026-12-07T01:02:03.000Z  r  CreateGroup  group/b  delivered"}
	got := Line(&e)
	if strings.Count(got, "\n") != 1 || strings.ContainsRune(got, '\x1b') || strings.ContainsRune(got, '\u009b') {
		t.Errorf("Line = %q: a logged value forged a line or kept a control character", got)
	}
	if !strings.Contains(got, `"CreateGroup\x1b[2J"`) || !strings.Contains(got, `"group/a\n2026`) {
		t.Errorf("Line = %q: want the odd values quoted", got)
	}
	e.EventName, e.Subject, e.LogGroup, e.Route = "CreateGroup", "group/\u009b31m", "/aws/lambda/f", "r\rx"
	got = Line(&e)
	if strings.ContainsAny(got, "\r\u009b") || !strings.HasPrefix(got, `2026-12-07T01:02:03.000Z  "r\rx"  CreateGroup  "group/\u009b31m"  failed`) {
		t.Errorf("Line = %q", got)
	}
}
