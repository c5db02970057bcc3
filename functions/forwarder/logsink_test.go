package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	lambdaevents "github.com/aws/aws-lambda-go/events"

	"github.com/cognito-events/cognito-events/internal/forwarder/fwtest"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime/lambdatest"
)

// logLine is the part of a log line this test reads.
type logLine struct {
	Level      string          `json:"level"`
	Msg        string          `json:"msg"`
	RequestID  string          `json:"requestId"`
	Sink       string          `json:"sink"`
	EventID    string          `json:"eventID"`
	Outcome    string          `json:"outcome"`
	CloudEvent json.RawMessage `json:"cloudevent"`
}

// TestBootstrapLogSink runs the real bootstrap with SINK_KIND=log: each
// event is one JSON line of the process's output carrying the structured
// CloudEvent, beside the forwarder's "event" line, and nothing is sent
// anywhere (the sink URL and every AWS endpoint point at a server that
// counts requests).
func TestBootstrapLogSink(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the bootstrap binary")
	}
	path := bootstrap(t)
	var calls atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer elsewhere.Close()

	for _, input := range []string{"eventbridge", "sqs"} {
		t.Run(input, func(t *testing.T) {
			calls.Store(0)
			var out lambdatest.Output
			env := []string{"AWS_REGION=eu-west-1", "SINK_KIND=log", "AWS_LAMBDA_LOG_FORMAT=JSON",
				"SINK_URL=" + elsewhere.URL, "SINK_ALLOW_INSECURE=true", "AWS_ENDPOINT_URL=" + elsewhere.URL,
				"AWS_ACCESS_KEY_ID=AKID", "AWS_SECRET_ACCESS_KEY=SECRET"}
			payload := fwtest.Fixture(t, "update-client.json")
			if input == "sqs" {
				env = append(env, "FORWARDER_INPUT=sqs")
				batch, err := json.Marshal(lambdaevents.SQSEvent{Records: []lambdaevents.SQSMessage{
					{MessageId: "m-1", EventSource: "aws:sqs", Body: string(fwtest.Fixture(t, "update-client.json"))},
					{MessageId: "m-2", EventSource: "aws:sqs", Body: string(fwtest.Fixture(t, "token-post.json"))},
				}})
				if err != nil {
					t.Fatalf("encoding the batch: %v", err)
				}
				payload = batch
			}
			f := startBootstrap(t, path, &out, env...)
			body, err := f.Invoke(context.Background(), payload)
			if err != nil {
				t.Fatalf("invocation: %s %v\noutput:\n%s", body, err, out.String())
			}
			want := 1
			if input == "sqs" {
				want = 2
			}
			text := out.Await(func(s string) bool { return strings.Count(s, `"msg":"event"`) >= want })

			var events, delivered []logLine
			sc := bufio.NewScanner(strings.NewReader(text))
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				var l logLine
				if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
					t.Fatalf("a line of the output is not JSON (Lambda's JSON log format): %q: %v", sc.Text(), err)
				}
				switch l.Msg {
				case "cloudevent":
					events = append(events, l)
				case "event":
					if l.Outcome == "delivered" && l.Sink == "log" {
						delivered = append(delivered, l)
					}
				}
			}
			if len(events) != want || len(delivered) != want {
				t.Fatalf("%d cloudevent lines and %d delivered lines, want %d of each:\n%s", len(events), len(delivered), want, text)
			}
			for i, l := range events {
				var ce struct {
					SpecVersion string          `json:"specversion"`
					ID          string          `json:"id"`
					Type        string          `json:"type"`
					Source      string          `json:"source"`
					EventName   string          `json:"eventname"`
					Data        json.RawMessage `json:"data"`
				}
				if err := json.Unmarshal(l.CloudEvent, &ce); err != nil {
					t.Fatalf("cloudevent %d: %v: %s", i, err, l.CloudEvent)
				}
				if ce.SpecVersion != "1.0" || ce.Type != "com.amazon.cognito-idp.sync_trigger" || ce.ID == "" ||
					ce.ID != l.EventID || ce.EventName == "" || ce.Source == "" || len(ce.Data) < 2 || ce.Data[0] != '{' {
					t.Errorf("cloudevent %d lacks an attribute or its data: %s", i, l.CloudEvent)
				}
				if l.Level != "INFO" || l.RequestID == "" {
					t.Errorf("cloudevent %d: level %q, requestId %q", i, l.Level, l.RequestID)
				}
			}
			if events[0].EventID != "a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d" ||
				!strings.Contains(string(events[0].CloudEvent), `"eventname":"UpdateUserPoolClient"`) {
				t.Errorf("first event: %s", events[0].CloudEvent)
			}
			if n := calls.Load(); n != 0 {
				t.Fatalf("the log sink made %d requests elsewhere", n)
			}
		})
	}
}
