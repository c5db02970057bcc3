package delivery

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/sink"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func testEvent() *events.Event {
	return &events.Event{
		ID: "e-1", Source: "arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_AAAAAAAAA",
		Time: "2026-12-01T10:00:00Z", EventName: "UserCreated", Data: []byte(`{"Username":"ana"}`),
	}
}

func TestRead(t *testing.T) {
	e := sink.NewEnv(env(map[string]string{sink.EnvKind: "http", sink.EnvURL: "https://example.com/e", EnvRetryMaxAttempts: "3"}))
	c := Read(e)
	if err := e.Err(); err != nil {
		t.Fatalf("Read: %v", err)
	}
	if c.Sink.Kind != sink.KindHTTP || c.RetryMaxAttempts != 3 || c.RetryBaseDelay != DefaultRetryBaseDelay {
		t.Fatalf("Read = %+v", c)
	}
	e = sink.NewEnv(env(map[string]string{sink.EnvKind: "http", sink.EnvURL: "https://example.com/e", EnvRetryMaxAttempts: "zero", EnvRetryBaseDelay: "-1s"}))
	Read(e)
	err := e.Err()
	if err == nil || !strings.Contains(err.Error(), EnvRetryMaxAttempts) || !strings.Contains(err.Error(), EnvRetryBaseDelay) {
		t.Fatalf("bad retry variables: %v", err)
	}
}

// TestSenderRetriesUntilAcknowledged: a real HTTP sink that fails once with
// 503 and then accepts; the Sender reports two attempts and success, and an
// event the sink refuses for good fails after one attempt.
func TestSenderRetriesUntilAcknowledged(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Header.Get("Ce-Id") == "refused":
			w.WriteHeader(http.StatusBadRequest)
		case calls.Add(1) == 1:
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			w.WriteHeader(http.StatusAccepted)
		}
	}))
	defer srv.Close()
	e := sink.NewEnv(env(map[string]string{sink.EnvKind: "http", sink.EnvURL: srv.URL, sink.EnvAllowInsecure: "true", EnvRetryBaseDelay: "1ms"}))
	c := Read(e)
	if err := e.Err(); err != nil {
		t.Fatalf("Read: %v", err)
	}
	s, err := New(context.Background(), c, env(nil), "test")
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n, err := s.Send(ctx, testEvent())
	if err != nil || n != 2 {
		t.Fatalf("Send = %d, %v; want 2 attempts and success", n, err)
	}
	ev := testEvent()
	ev.ID = "refused"
	n, err = s.Send(ctx, ev)
	if err == nil || n != 1 || !errors.Is(err, sink.ErrPermanent) || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("refused Send = %d, %v; want one attempt and a permanent error naming the event", n, err)
	}
}

func TestNewRejectsUnknownKind(t *testing.T) {
	_, err := New(context.Background(), Config{Sink: sink.Settings{Kind: "carrier-pigeon"}}, env(nil), "test")
	if err == nil || !strings.Contains(err.Error(), sink.OneOf()) {
		t.Fatalf("New = %v, want an error listing the kinds", err)
	}
}

func TestLazyAWSNeedsCredentialsOnlyWhenCalled(t *testing.T) {
	get := LazyAWS(env(map[string]string{"AWS_REGION": "eu-west-1"}))
	if _, err := get(); err == nil {
		t.Fatal("LazyAWS without credentials: no error")
	}
	get = LazyAWS(env(map[string]string{"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s"}))
	c, err := get()
	if err != nil || c.Region != "eu-west-1" {
		t.Fatalf("LazyAWS = %+v, %v", c, err)
	}
}
