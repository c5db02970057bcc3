package sink

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/lambdafn"
)

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestLogSink(t *testing.T) {
	ev := &events.Event{ID: "id-1", Source: "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc",
		Subject: "client/c1", Time: "2026-12-01T10:00:00Z", EventName: "UpdateUserPoolClient", UserPoolID: "eu-west-1_abc",
		Data: json.RawMessage(`{"requestParameters":{"clientId":"c1","allowedOAuthScopes":["openid"]}}`)}
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-1"})

	t.Run("json: one line with the structured event", func(t *testing.T) {
		var out strings.Builder
		if err := NewLog(lambdafn.LogJSON, &out).Send(ctx, ev); err != nil {
			t.Fatalf("Send: %v", err)
		}
		if strings.Count(out.String(), "\n") != 1 {
			t.Fatalf("want one line, got %q", out.String())
		}
		var line struct {
			Level, Msg, RequestID, Sink, EventID string
			CloudEvent                           json.RawMessage `json:"cloudevent"`
		}
		if err := json.Unmarshal([]byte(out.String()), &line); err != nil {
			t.Fatalf("line is not JSON: %v", err)
		}
		if line.Level != "INFO" || line.Msg != LogMessage || line.RequestID != "req-1" || line.Sink != "log" || line.EventID != "id-1" {
			t.Errorf("line: %+v", line)
		}
		if got, want := string(line.CloudEvent), string(ev.AppendJSON(nil)); got != want {
			t.Errorf("cloudevent\n got %s\nwant %s", got, want)
		}
	})
	t.Run("text format when Lambda asks for it", func(t *testing.T) {
		var out strings.Builder
		s, err := newLog(ctx, &Settings{Kind: KindLog}, Deps{Getenv: func(k string) string {
			return map[string]string{lambdafn.EnvLogFormat: "Text"}[k]
		}, Output: &out})
		if err != nil {
			t.Fatalf("newLog: %v", err)
		}
		if err := s.Send(ctx, ev); err != nil {
			t.Fatalf("Send: %v", err)
		}
		if !strings.HasPrefix(out.String(), "time=") || !strings.Contains(out.String(), "msg=cloudevent") || !strings.Contains(out.String(), `\"eventname\":\"UpdateUserPoolClient\"`) {
			t.Errorf("text line: %q", out.String())
		}
	})
	t.Run("a bad log format is a construction error", func(t *testing.T) {
		_, err := newLog(ctx, &Settings{Kind: KindLog}, Deps{Getenv: func(string) string { return "xml" }})
		if err == nil || !strings.Contains(err.Error(), lambdafn.EnvLogFormat) {
			t.Fatalf("newLog = %v", err)
		}
	})
	t.Run("an event slog cannot encode is not a delivery", func(t *testing.T) {
		var out strings.Builder
		bad := *ev
		bad.Data = json.RawMessage(`{"requestParameters":`)
		err := NewLog(lambdafn.LogJSON, &out).Send(ctx, &bad)
		if err == nil || !IsPermanent(err) || !strings.Contains(err.Error(), "id-1") {
			t.Fatalf("Send = %v, want a permanent error naming the event", err)
		}
		if out.Len() != 0 {
			t.Errorf("a line was written: %q", out.String())
		}
	})
	t.Run("a failed write is not a delivery", func(t *testing.T) {
		err := NewLog(lambdafn.LogJSON, failingWriter{}).Send(ctx, ev)
		if err == nil || IsPermanent(err) {
			t.Fatalf("Send = %v, want a transient error", err)
		}
	})
}
