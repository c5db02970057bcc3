package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	lambdaevents "github.com/aws/aws-lambda-go/events"
	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/cognito-events/cognito-events/internal/forwarder/config"
	"github.com/cognito-events/cognito-events/internal/forwarder/fwtest"
	"github.com/cognito-events/cognito-events/internal/forwarder/handler"
	"github.com/cognito-events/cognito-events/internal/lambdafn"
	"github.com/cognito-events/cognito-events/internal/retry"
	"github.com/cognito-events/cognito-events/internal/sink"
)

const updateID = "a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d"

func mustConfig(tb testing.TB, env map[string]string) config.Config {
	tb.Helper()
	c, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		tb.Fatalf("config.Load: %v", err)
	}
	return c
}

func newHandler(tb testing.TB, env map[string]string) (*handler.Handler, *bytes.Buffer) {
	tb.Helper()
	logs := &bytes.Buffer{}
	cfg := mustConfig(tb, env)
	h, err := New(context.Background(), cfg, Deps{Log: lambdafn.Logger(cfg.LogFormat, cfg.LogLevel, logs), Metrics: io.Discard})
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return h, logs
}

// faultySink is a real CloudEvents receiver behind a script of faults: the
// nth request gets faults[n-1], later ones reach the receiver.
type faultySink struct {
	srv    *httptest.Server
	faults []string
	mu     sync.Mutex
	ids    []string // ce-id of every request
	got    []event.Event
}

const (
	fault500      = "500"
	fault429      = "429 Retry-After: 1"
	faultHang     = "hang past the timeout"
	faultReset    = "reset the connection"
	faultNoAnswer = "close without answering"
)

func newFaultySink(tb testing.TB, faults ...string) *faultySink {
	tb.Helper()
	f := &faultySink{faults: faults}
	p, err := cloudevents.NewHTTP()
	if err != nil {
		tb.Fatalf("creating protocol: %v", err)
	}
	recv, err := cloudevents.NewHTTPReceiveHandler(context.Background(), p, func(ev event.Event) {
		f.mu.Lock()
		f.got = append(f.got, ev)
		f.mu.Unlock()
	})
	if err != nil {
		tb.Fatalf("creating receiver: %v", err)
	}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.ids = append(f.ids, r.Header.Get("Ce-Id"))
		n := len(f.ids)
		f.mu.Unlock()
		fault := ""
		if n <= len(f.faults) {
			fault = f.faults[n-1]
		}
		switch fault {
		case fault500:
			w.WriteHeader(http.StatusInternalServerError)
		case fault429:
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
		case faultHang:
			// Read the body, so the server notices the client hanging up.
			io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		case faultReset:
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			if tcp, ok := conn.(*net.TCPConn); ok {
				tcp.SetLinger(0) // close with RST
			}
			conn.Close()
		case faultNoAnswer:
			io.Copy(io.Discard, r.Body)
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			conn.Close()
		default:
			recv.ServeHTTP(w, r)
		}
	}))
	tb.Cleanup(f.srv.Close)
	return f
}

func (f *faultySink) state() (ids []string, got []event.Event) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.ids...), append([]event.Event(nil), f.got...)
}

func httpEnv(url string, extra ...string) map[string]string {
	env := map[string]string{
		config.EnvSinkKind:         "http",
		config.EnvSinkURL:          url,
		config.EnvAllowInsecure:    "true",
		config.EnvTimeout:          "300ms",
		config.EnvRetryBaseDelay:   "10ms",
		config.EnvRetryMaxAttempts: "6",
	}
	for i := 0; i+1 < len(extra); i += 2 {
		env[extra[i]] = extra[i+1]
	}
	return env
}

func TestFaultInjection(t *testing.T) {
	t.Run("recovers after every kind of fault, one id", func(t *testing.T) {
		f := newFaultySink(t, fault500, fault429, faultHang, faultReset, faultNoAnswer)
		h, logs := newHandler(t, httpEnv(f.srv.URL))
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		out, err := h.HandleEventBridge(ctx, fwtest.Event(t, "update-client.json"))
		if err != nil {
			t.Fatalf("Handle: %v\n%s", err, logs)
		}
		if res := out; res.Outcome != handler.OutcomeDelivered || res.EventID != updateID {
			t.Fatalf("Handle = %+v", res)
		}
		ids, got := f.state()
		if len(ids) != 6 {
			t.Fatalf("%d requests, want 6 (5 faults, then success): %v", len(ids), ids)
		}
		for _, id := range ids {
			if id != updateID {
				t.Fatalf("a retry carried id %q, want %q: %v", id, updateID, ids)
			}
		}
		if len(got) != 1 || got[0].ID() != updateID {
			t.Fatalf("receiver got %d events, want exactly one with id %s", len(got), updateID)
		}
		if !strings.Contains(logs.String(), `"attempts":6`) {
			t.Fatalf("log line does not count 6 attempts:\n%s", logs)
		}
	})

	t.Run("attempts exhausted: error, then the platform's retry delivers the same id", func(t *testing.T) {
		f := newFaultySink(t, fault500, faultReset, faultHang)
		h, _ := newHandler(t, httpEnv(f.srv.URL, config.EnvRetryMaxAttempts, "3"))
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err := h.HandleEventBridge(ctx, fwtest.Event(t, "update-client.json"))
		if err == nil {
			t.Fatal("Handle succeeded although the sink never acknowledged")
		}
		if sink.IsPermanent(err) {
			t.Fatalf("transient faults reported as permanent: %v", err)
		}
		if _, got := f.state(); len(got) != 0 {
			t.Fatalf("receiver got %d events during the faults", len(got))
		}
		// Lambda's asynchronous retry invokes the handler again.
		if _, err := h.HandleEventBridge(ctx, fwtest.Event(t, "update-client.json")); err != nil {
			t.Fatalf("second invocation: %v", err)
		}
		ids, got := f.state()
		if len(ids) != 4 || len(got) != 1 || got[0].ID() != updateID {
			t.Fatalf("requests %v, events %d; want 4 requests and one event %s", ids, len(got), updateID)
		}
	})

	t.Run("permanent refusal is not retried", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadRequest) }))
		defer srv.Close()
		var calls int
		srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls++
			w.WriteHeader(http.StatusBadRequest)
		})
		h, _ := newHandler(t, httpEnv(srv.URL))
		_, err := h.HandleEventBridge(context.Background(), fwtest.Event(t, "update-client.json"))
		if !sink.IsPermanent(err) || calls != 1 {
			t.Fatalf("Handle = %v after %d calls, want a permanent error after 1", err, calls)
		}
	})

	t.Run("deadline too near for Retry-After", func(t *testing.T) {
		f := newFaultySink(t, fault429, fault429)
		h, _ := newHandler(t, httpEnv(f.srv.URL))
		ctx, cancel := context.WithTimeout(context.Background(), 1200*time.Millisecond)
		defer cancel()
		_, err := h.HandleEventBridge(ctx, fwtest.Event(t, "update-client.json"))
		if !errors.Is(err, retry.ErrNoTimeLeft) {
			t.Fatalf("Handle = %v, want ErrNoTimeLeft", err)
		}
		if ids, _ := f.state(); len(ids) != 1 {
			t.Fatalf("%d requests, want 1", len(ids))
		}
	})

	t.Run("SQS batch: the faulty record is reported, the others delivered", func(t *testing.T) {
		f := newFaultySink(t, fault500, fault500) // the first record fails twice, then succeeds
		h, _ := newHandler(t, httpEnv(f.srv.URL, config.EnvRetryMaxAttempts, "2"))
		other := bytes.ReplaceAll(fwtest.Fixture(t, "update-client.json"), []byte(updateID), []byte("bbbbbbbb-5e6f-4a7b-8c9d-0e1f2a3b4c5d"))
		batch := lambdaevents.SQSEvent{Records: []lambdaevents.SQSMessage{
			{MessageId: "m1", EventSource: "aws:sqs", Body: string(fwtest.Fixture(t, "update-client.json"))},
			{MessageId: "m2", EventSource: "aws:sqs", Body: string(other)},
		}}
		resp, err := h.HandleSQS(context.Background(), batch)
		if err != nil {
			t.Fatalf("Handle: %v", err)
		}
		if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "m1" {
			t.Fatalf("failures %+v, want only m1", resp.BatchItemFailures)
		}
		if _, got := f.state(); len(got) != 1 || got[0].ID() != "bbbbbbbb-5e6f-4a7b-8c9d-0e1f2a3b4c5d" {
			t.Fatalf("receiver got %v", got)
		}
	})
}

// secretStore is a loopback Secrets Manager and SSM.
func secretStore(tb testing.TB, secrets map[string]string) {
	tb.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct{ SecretId, Name string }
		json.NewDecoder(r.Body).Decode(&in)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		switch r.Header.Get("X-Amz-Target") {
		case "secretsmanager.GetSecretValue":
			if v, ok := secrets[in.SecretId]; ok {
				fmt.Fprintf(w, `{"ARN":%q,"Name":"s","SecretString":%q}`, in.SecretId, v)
				return
			}
		case "AmazonSSM.GetParameter":
			if v, ok := secrets[in.Name]; ok {
				fmt.Fprintf(w, `{"Parameter":{"Name":%q,"Type":"SecureString","Value":%q}}`, in.Name, v)
				return
			}
			w.WriteHeader(400)
			io.WriteString(w, `{"__type":"ParameterNotFound","message":"not found"}`)
			return
		}
		w.WriteHeader(400)
		io.WriteString(w, `{"__type":"ResourceNotFoundException","message":"Secrets Manager can't find the specified secret."}`)
	}))
	tb.Cleanup(srv.Close)
	fwtest.AWSEnv(tb)
	tb.Setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", srv.URL)
	tb.Setenv("AWS_ENDPOINT_URL_SSM", srv.URL)
}

func TestNewReadsCredentialSecret(t *testing.T) {
	const smARN = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:sink-AbCdEf"
	secretStore(t, map[string]string{
		smARN:                 `{"token":"tok-from-secrets-manager"}`,
		"/cognito-events/key": `{"apiKey":"key-from-ssm"}`,
		"/cognito-events/bad": `{"apiKey":""}`,
	})
	for _, tc := range []struct {
		name, auth, ref, header, want string
	}{
		{"bearer from Secrets Manager", "bearer", smARN, "Authorization", "Bearer tok-from-secrets-manager"},
		{"apikey from SSM", "apikey", "/cognito-events/key", "X-Api-Key", "key-from-ssm"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = r.Header.Get(tc.header)
				w.WriteHeader(http.StatusAccepted)
			}))
			defer srv.Close()
			h, _ := newHandler(t, httpEnv(srv.URL, config.EnvAuth, tc.auth, config.EnvAuthSecret, tc.ref))
			if _, err := h.HandleEventBridge(context.Background(), fwtest.Event(t, "update-client.json")); err != nil {
				t.Fatalf("Handle: %v", err)
			}
			if got != tc.want {
				t.Fatalf("%s = %q, want %q", tc.header, got, tc.want)
			}
		})
	}
	for _, tc := range []struct{ name, ref, want string }{
		{"missing secret", "arn:aws:secretsmanager:eu-west-1:111122223333:secret:nope", "ResourceNotFoundException"},
		{"missing parameter", "/cognito-events/nope", "ParameterNotFound"},
		{"empty field", "/cognito-events/bad", "apiKey"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := mustConfig(t, httpEnv("http://127.0.0.1:1", config.EnvAuth, "apikey", config.EnvAuthSecret, tc.ref))
			_, err := New(context.Background(), cfg, Deps{Log: slog.New(slog.DiscardHandler), Metrics: io.Discard})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.ref) || !strings.Contains(err.Error(), config.EnvAuthSecret) {
				t.Fatalf("New = %v; want an error naming %s, %s and %s", err, config.EnvAuthSecret, tc.ref, tc.want)
			}
		})
	}
}

func TestNewWiresEachSink(t *testing.T) {
	fwtest.AWSEnv(t)
	for _, tc := range []struct {
		kind string
		env  map[string]string
		want any
	}{
		{"http", httpEnv("https://x.example"), &sink.HTTP{}},
		{"eventbridge", map[string]string{config.EnvSinkKind: "eventbridge", config.EnvEventBridgeBus: "b"}, &sink.EventBridge{}},
		{"sqs", map[string]string{config.EnvSinkKind: "sqs", config.EnvSQSQueueURL: "https://sqs.eu-west-1.amazonaws.com/1/q.fifo"}, &sink.SQS{}},
		{"sns", map[string]string{config.EnvSinkKind: "sns", config.EnvSNSTopicARN: "arn:aws:sns:eu-west-1:1:t"}, &sink.SNS{}},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			h, _ := newHandler(t, tc.env)
			if fmt.Sprintf("%T", h.Sink) != fmt.Sprintf("%T", tc.want) || h.SinkKind != tc.kind {
				t.Fatalf("sink %T (%s), want %T", h.Sink, h.SinkKind, tc.want)
			}
			if q, ok := h.Sink.(*sink.SQS); ok && !q.FIFO {
				t.Fatal("FIFO queue not detected")
			}
		})
	}
}

// TestAWSSinksEndToEnd wires each AWS sink from its configuration and
// delivers a fixture to a loopback endpoint named by AWS_ENDPOINT_URL_<SERVICE>.
func TestAWSSinksEndToEnd(t *testing.T) {
	for _, tc := range []struct {
		kind, endpointVar, want, answer string
		env                             map[string]string
	}{
		{"eventbridge", "AWS_ENDPOINT_URL_EVENTBRIDGE", "AWSEvents.PutEvents", `{"FailedEntryCount":0,"Entries":[{"EventId":"e1"}]}`,
			map[string]string{config.EnvEventBridgeBus: "identity"}},
		{"sqs", "AWS_ENDPOINT_URL_SQS", "AmazonSQS.SendMessage", `{"MessageId":"m1"}`,
			map[string]string{config.EnvSQSQueueURL: "https://sqs.eu-west-1.amazonaws.com/111122223333/events"}},
		{"sns", "AWS_ENDPOINT_URL_SNS", "Action=Publish", `<PublishResponse><PublishResult><MessageId>s1</MessageId></PublishResult></PublishResponse>`,
			map[string]string{config.EnvSNSTopicARN: "arn:aws:sns:eu-west-1:111122223333:identity"}},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			var seen []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				seen = append(seen, r.Header.Get("X-Amz-Target")+" "+string(body))
				io.WriteString(w, tc.answer)
			}))
			defer srv.Close()
			fwtest.AWSEnv(t)
			t.Setenv(tc.endpointVar, srv.URL)
			env := map[string]string{config.EnvSinkKind: tc.kind}
			for k, v := range tc.env {
				env[k] = v
			}
			h, logs := newHandler(t, env)
			out, err := h.HandleEventBridge(context.Background(), fwtest.Event(t, "update-client.json"))
			if err != nil {
				t.Fatalf("Handle: %v\n%s", err, logs)
			}
			if out.Outcome != handler.OutcomeDelivered {
				t.Fatalf("Handle = %+v", out)
			}
			if len(seen) != 1 || !strings.Contains(seen[0], tc.want) || !strings.Contains(seen[0], updateID) {
				t.Fatalf("requests %q, want one %s carrying the event", seen, tc.want)
			}
		})
	}
}
