package enrich_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	lambdaevents "github.com/aws/aws-lambda-go/events"

	"github.com/cognito-events/cognito-events/internal/forwarder/app"
	"github.com/cognito-events/cognito-events/internal/forwarder/config"
	"github.com/cognito-events/cognito-events/internal/forwarder/fwtest"
	"github.com/cognito-events/cognito-events/internal/forwarder/handler"
	"github.com/cognito-events/cognito-events/internal/lambdafn"
)

// fakeCognito is a loopback Cognito that answers ListUsers as mode says.
func fakeCognito(tb testing.TB, mode string) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if !strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".ListUsers") {
			http.Error(w, `{"__type":"UnknownOperationException"}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		switch mode {
		case "throttle":
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"__type":"TooManyRequestsException","message":"Rate exceeded"}`)
		case "hang":
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		case "down":
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, `{"__type":"InternalErrorException","message":"boom"}`)
		default:
			io.WriteString(w, `{"Users":[{"Username":"alice","Enabled":true,"UserStatus":"CONFIRMED","UserCreateDate":1.7408232E9,"UserLastModifiedDate":1.7408232E9,
				"Attributes":[{"Name":"sub","Value":"dd3f707b-0b74-4448-8d1b-7ec65b2bd138"},{"Name":"email","Value":"alice@example.com"}]}]}`)
		}
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// recordingSink is a loopback HTTP sink that keeps each binary-mode body.
type recordingSink struct {
	srv    *httptest.Server
	mu     sync.Mutex
	bodies [][]byte
}

func newRecordingSink(tb testing.TB) *recordingSink {
	tb.Helper()
	s := &recordingSink{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.bodies = append(s.bodies, b)
		s.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	tb.Cleanup(s.srv.Close)
	return s
}

func envelope(tb testing.TB, name string) lambdaevents.EventBridgeEvent {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "envelopes", name))
	if err != nil {
		tb.Fatalf("reading fixture: %v", err)
	}
	var ev lambdaevents.EventBridgeEvent
	if err := json.Unmarshal(b, &ev); err != nil {
		tb.Fatalf("decoding %s: %v", name, err)
	}
	return ev
}

// TestDeliveryNeverWaitsOnTheLookup runs the forwarder as Lambda would,
// with a loopback Cognito that answers, throttles, hangs or fails: the
// event is delivered every time, with the user or with the reason.
func TestDeliveryNeverWaitsOnTheLookup(t *testing.T) {
	tests := []struct {
		mode       string
		wantStatus string
		wantReason string
		wantUser   bool
	}{
		{"found", "found", "", true},
		{"throttle", "failed", "Cognito answered TooManyRequestsException", false},
		{"down", "failed", "Cognito answered InternalErrorException", false},
		{"hang", "failed", "timeout: Cognito did not answer in time", false},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			fwtest.AWSEnv(t)
			t.Setenv("AWS_ENDPOINT_URL_"+lambdafn.ServiceCognito, fakeCognito(t, tt.mode).URL)
			sink := newRecordingSink(t)
			env := map[string]string{
				config.EnvSinkKind: "http", config.EnvSinkURL: sink.srv.URL, config.EnvAllowInsecure: "true",
				config.EnvEnrichUser: "true", config.EnvEnrichUserDeny: "email", config.EnvAWSRegion: "eu-west-1",
			}
			cfg, err := config.Load(func(k string) string { return env[k] })
			if err != nil {
				t.Fatalf("config.Load: %v", err)
			}
			logs := &bytes.Buffer{}
			h, err := app.New(context.Background(), cfg, app.Deps{Log: lambdafn.Logger(cfg.LogFormat, cfg.LogLevel, logs), Metrics: io.Discard})
			if err != nil {
				t.Fatalf("app.New: %v", err)
			}
			start := time.Now()
			res, err := h.HandleEventBridge(context.Background(), envelope(t, "AdminUpdateUserAttributes.json"))
			if err != nil || res.Outcome != handler.OutcomeDelivered {
				t.Fatalf("HandleEventBridge = %+v, %v; want delivered", res, err)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("delivery took %s: the lookup held it up", d)
			}
			sink.mu.Lock()
			defer sink.mu.Unlock()
			if len(sink.bodies) != 1 {
				t.Fatalf("sink got %d events, want 1", len(sink.bodies))
			}
			var data struct {
				User *struct {
					Username   string
					Attributes []struct{ Name, Value string }
				} `json:"user"`
				Lookup struct {
					Status string `json:"status"`
					Reason string `json:"reason"`
				} `json:"userLookup"`
			}
			if err := json.Unmarshal(sink.bodies[0], &data); err != nil {
				t.Fatalf("decoding the delivered data: %v", err)
			}
			if data.Lookup.Status != tt.wantStatus || data.Lookup.Reason != tt.wantReason || (data.User != nil) != tt.wantUser {
				t.Errorf("delivered userLookup %+v, user %+v; want %s %q, user %v", data.Lookup, data.User, tt.wantStatus, tt.wantReason, tt.wantUser)
			}
			if tt.wantUser && (len(data.User.Attributes) != 1 || data.User.Attributes[0].Name != "sub") {
				t.Errorf("attributes %+v: the deny list kept more than sub", data.User.Attributes)
			}
			if !strings.Contains(logs.String(), `"`+handler.KeyUserLookup+`":"`+tt.wantStatus) {
				t.Errorf("log line does not carry the lookup: %s", logs)
			}
			if strings.Contains(logs.String(), "alice@example.com") || bytes.Contains(sink.bodies[0], []byte("alice@example.com")) {
				t.Error("a denied attribute reached the logs or the sink")
			}
		})
	}
}
