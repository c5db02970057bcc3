package config

import (
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cognito-events/cognito-events/internal/lambdafn"
	"github.com/cognito-events/cognito-events/internal/sink"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(map[string]string{EnvSinkKind: "http", EnvSinkURL: "https://example.com/events", EnvAWSRegion: "eu-west-1"}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := Config{
		Sink: sink.Settings{
			Kind:    sink.KindHTTP,
			Timeout: 10 * time.Second,
			HTTP: sink.HTTPSettings{
				URL:          "https://example.com/events",
				Mode:         sink.Binary,
				Auth:         sink.AuthNone,
				AuthHeader:   "x-api-key",
				SigV4Service: "execute-api",
				SigV4Region:  "eu-west-1",
			},
			EventBridge: sink.EventBridgeSettings{
				Source:     sink.DefaultEventBridgeSource,
				DetailType: sink.DefaultEventBridgeDetail,
			},
		},
		PoolLookupRate:   2,
		EnrichUserRate:   5,
		RetryBaseDelay:   200 * time.Millisecond,
		RetryMaxAttempts: 5,
		LogFormat:        lambdafn.LogJSON,
		LogLevel:         slog.LevelInfo,
		Region:           "eu-west-1",
		Input:            InputEventBridge,
	}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("Load =\n%+v\nwant\n%+v", c, want)
	}
	if sink.DefaultEventBridgeDetail != "com.amazon.cognito-idp.sync_trigger" {
		t.Fatal("default detail type drifted from the event type")
	}
}

func TestLoadValid(t *testing.T) {
	for _, tc := range []struct {
		name  string
		env   map[string]string
		check func(t *testing.T, c Config)
	}{
		{"K_SINK alias", map[string]string{EnvSinkKind: "http", EnvKSink: "https://broker.example/ns/default"}, func(t *testing.T, c Config) {
			if c.Sink.HTTP.URL != "https://broker.example/ns/default" {
				t.Errorf("URL = %q", c.Sink.HTTP.URL)
			}
		}},
		{"SINK_URL wins over K_SINK", map[string]string{EnvSinkKind: "http", EnvSinkURL: "https://a.example", EnvKSink: "https://b.example"}, func(t *testing.T, c Config) {
			if c.Sink.HTTP.URL != "https://a.example" {
				t.Errorf("URL = %q", c.Sink.HTTP.URL)
			}
		}},
		{"insecure allowed", map[string]string{EnvSinkKind: "http", EnvSinkURL: "http://127.0.0.1:8080", EnvAllowInsecure: "true"}, func(t *testing.T, c Config) {
			if !c.Sink.HTTP.AllowInsecure {
				t.Error("AllowInsecure false")
			}
		}},
		{"http everything", map[string]string{
			EnvSinkKind: "http", EnvSinkURL: "https://x.example/", EnvHTTPMode: "structured", EnvTimeout: "3s",
			EnvHeaders: `{"X-Team":"identity","X-Env":"prod"}`, EnvAuth: "oauth2",
			EnvAuthSecret: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:sink-AbCdEf", EnvOAuth2TokenURL: "https://d.auth.eu-west-1.amazoncognito.com/oauth2/token",
			EnvOAuth2Scopes: "events/write, events/read  other",
		}, func(t *testing.T, c Config) {
			h := c.Sink.HTTP
			if h.Mode != sink.Structured || c.Sink.Timeout != 3*time.Second || h.Auth != sink.AuthOAuth2 ||
				!reflect.DeepEqual(h.Headers, map[string]string{"X-Team": "identity", "X-Env": "prod"}) ||
				!reflect.DeepEqual(h.OAuth2Scopes, []string{"events/write", "events/read", "other"}) {
				t.Errorf("HTTP = %+v", h)
			}
		}},
		{"apikey with SSM parameter", map[string]string{EnvSinkKind: "http", EnvSinkURL: "https://x.example", EnvAuth: "apikey", EnvAuthSecret: "/cognito-events/key", EnvAuthHeader: "X-Key"}, func(t *testing.T, c Config) {
			if c.Sink.HTTP.AuthHeader != "X-Key" || c.Sink.HTTP.AuthSecret != "/cognito-events/key" {
				t.Errorf("HTTP = %+v", c.Sink.HTTP)
			}
		}},
		{"basic with SSM ARN", map[string]string{EnvSinkKind: "http", EnvSinkURL: "https://x.example", EnvAuth: "basic", EnvAuthSecret: "arn:aws:ssm:eu-west-1:111122223333:parameter/sink/basic"}, nil},
		{"sigv4 region", map[string]string{EnvSinkKind: "http", EnvSinkURL: "https://x.example", EnvAuth: "sigv4", EnvSigV4Service: "lambda", EnvSigV4Region: "us-east-1", EnvAWSRegion: "eu-west-1"}, func(t *testing.T, c Config) {
			if c.Sink.HTTP.SigV4Service != "lambda" || c.Sink.HTTP.SigV4Region != "us-east-1" {
				t.Errorf("HTTP = %+v", c.Sink.HTTP)
			}
		}},
		{"eventbridge", map[string]string{EnvSinkKind: "eventbridge", EnvEventBridgeBus: "identity", EnvEventBridgeSource: "acme.identity", EnvEventBridgeDetail: "Pool changed"}, func(t *testing.T, c Config) {
			if eb := c.Sink.EventBridge; eb.Bus != "identity" || eb.Source != "acme.identity" || eb.DetailType != "Pool changed" {
				t.Errorf("Config = %+v", c)
			}
		}},
		{"sqs fifo", map[string]string{EnvSinkKind: "sqs", EnvSQSQueueURL: "https://sqs.eu-west-1.amazonaws.com/111122223333/e.fifo"}, func(t *testing.T, c Config) {
			if !c.Sink.SQS.IsFIFO() {
				t.Error("IsFIFO false")
			}
		}},
		{"sns standard", map[string]string{EnvSinkKind: "sns", EnvSNSTopicARN: "arn:aws:sns:eu-west-1:111122223333:t"}, func(t *testing.T, c Config) {
			if c.Sink.SNS.IsFIFO() {
				t.Error("IsFIFO true")
			}
		}},
		{"enrich user", map[string]string{EnvSinkKind: "http", EnvSinkURL: "https://x.example", EnvEnrichUser: "true", EnvEnrichUserRate: "2.5", EnvEnrichUserDeny: " phone_number, ,custom:ssn"}, func(t *testing.T, c Config) {
			if !c.EnrichUser || c.EnrichUserRate != 2.5 || !reflect.DeepEqual(c.EnrichUserAttributes.Deny, []string{"phone_number", "custom:ssn"}) || c.EnrichUserAttributes.Allow != nil || !c.NeedsAWS() {
				t.Errorf("Config = %+v", c)
			}
		}},
		{"pools, retries, logs", map[string]string{
			EnvSinkKind: "sns", EnvSNSTopicARN: "arn:aws:sns:eu-west-1:111122223333:t",
			EnvPoolClientMap: "clientA=us-east-1_AAAAAAAAA, clientB = eu-west-1_BBBBBBBBB,", EnvPoolLookup: "true", EnvPoolLookupRate: "0.5",
			EnvRetryBaseDelay: "1s", EnvRetryMaxAttempts: "3", EnvLogFormat: "Text", EnvLogLevel: "DEBUG",
		}, func(t *testing.T, c Config) {
			if !reflect.DeepEqual(c.PoolClientMap, map[string]string{"clientA": "us-east-1_AAAAAAAAA", "clientB": "eu-west-1_BBBBBBBBB"}) ||
				!c.PoolLookup || c.PoolLookupRate != 0.5 || c.RetryBaseDelay != time.Second || c.RetryMaxAttempts != 3 ||
				c.LogFormat != lambdafn.LogText || c.LogLevel != slog.LevelDebug {
				t.Errorf("Config = %+v", c)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(env(tc.env))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if tc.check != nil {
				tc.check(t, c)
			}
		})
	}
}

func TestLoadInvalid(t *testing.T) {
	httpOK := func(extra map[string]string) map[string]string {
		m := map[string]string{EnvSinkKind: "http", EnvSinkURL: "https://x.example"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		// names are the variables the error must name.
		names []string
	}{
		{"nothing set", nil, []string{EnvSinkKind}},
		{"unknown kind", map[string]string{EnvSinkKind: "kafka"}, []string{EnvSinkKind}},
		{"http without URL", map[string]string{EnvSinkKind: "http"}, []string{EnvSinkURL}},
		{"plain http", httpOK(map[string]string{EnvSinkURL: "http://x.example"}), []string{EnvSinkURL}},
		{"relative URL", httpOK(map[string]string{EnvSinkURL: "/events"}), []string{EnvSinkURL}},
		{"credentials in URL", httpOK(map[string]string{EnvSinkURL: "https://u:p@x.example"}), []string{EnvSinkURL}},
		{"ftp URL", httpOK(map[string]string{EnvSinkURL: "ftp://x.example"}), []string{EnvSinkURL}},
		{"bad mode", httpOK(map[string]string{EnvHTTPMode: "batch"}), []string{EnvHTTPMode}},
		{"bad bool", httpOK(map[string]string{EnvAllowInsecure: "yes please"}), []string{EnvAllowInsecure}},
		{"bad timeout", httpOK(map[string]string{EnvTimeout: "10"}), []string{EnvTimeout}},
		{"negative timeout", httpOK(map[string]string{EnvTimeout: "-1s"}), []string{EnvTimeout}},
		{"headers not JSON", httpOK(map[string]string{EnvHeaders: "X-Team: identity"}), []string{EnvHeaders}},
		{"headers not strings", httpOK(map[string]string{EnvHeaders: `{"X-N":1}`}), []string{EnvHeaders}},
		{"header sets ce-id", httpOK(map[string]string{EnvHeaders: `{"ce-id":"x"}`}), []string{EnvHeaders}},
		{"header sets Authorization", httpOK(map[string]string{EnvHeaders: `{"Authorization":"Bearer x"}`}), []string{EnvHeaders}},
		{"header sets Cookie", httpOK(map[string]string{EnvHeaders: `{"Cookie":"session=x"}`}), []string{EnvHeaders}},
		{"header sets the API key header", httpOK(map[string]string{EnvAuth: "apikey", EnvAuthSecret: "/k", EnvAuthHeader: "X-Key", EnvHeaders: `{"x-key":"v"}`}), []string{EnvHeaders}},
		{"header value with newline", httpOK(map[string]string{EnvHeaders: `{"X-A":"a\r\nX-B: b"}`}), []string{EnvHeaders}},
		{"bad header name", httpOK(map[string]string{EnvHeaders: `{"X A":"b"}`}), []string{EnvHeaders}},
		{"unknown auth", httpOK(map[string]string{EnvAuth: "kerberos"}), []string{EnvAuth}},
		{"bearer without secret", httpOK(map[string]string{EnvAuth: "bearer"}), []string{EnvAuthSecret}},
		{"secret not a reference", httpOK(map[string]string{EnvAuth: "bearer", EnvAuthSecret: "my-token-value"}), []string{EnvAuthSecret}},
		{"bad apikey header", httpOK(map[string]string{EnvAuth: "apikey", EnvAuthSecret: "/k", EnvAuthHeader: "x:y"}), []string{EnvAuthHeader}},
		{"oauth2 without token URL", httpOK(map[string]string{EnvAuth: "oauth2", EnvAuthSecret: "/k"}), []string{EnvOAuth2TokenURL}},
		{"oauth2 http token URL", httpOK(map[string]string{EnvAuth: "oauth2", EnvAuthSecret: "/k", EnvOAuth2TokenURL: "http://x/token"}), []string{EnvOAuth2TokenURL}},
		{"sigv4 without region", httpOK(map[string]string{EnvAuth: "sigv4"}), []string{EnvSigV4Region}},
		{"eventbridge without bus", map[string]string{EnvSinkKind: "eventbridge"}, []string{EnvEventBridgeBus}},
		{"eventbridge aws. source", map[string]string{EnvSinkKind: "eventbridge", EnvEventBridgeBus: "b", EnvEventBridgeSource: "aws.cognito-idp"}, []string{EnvEventBridgeSource}},
		{"sqs without queue", map[string]string{EnvSinkKind: "sqs"}, []string{EnvSQSQueueURL}},
		{"sqs queue not a URL", map[string]string{EnvSinkKind: "sqs", EnvSQSQueueURL: "events"}, []string{EnvSQSQueueURL}},
		{"sns without topic", map[string]string{EnvSinkKind: "sns"}, []string{EnvSNSTopicARN}},
		{"sns topic not an ARN", map[string]string{EnvSinkKind: "sns", EnvSNSTopicARN: "identity"}, []string{EnvSNSTopicARN}},
		{"pool map entry without =", httpOK(map[string]string{EnvPoolClientMap: "clientA"}), []string{EnvPoolClientMap}},
		{"pool map bad pool id", httpOK(map[string]string{EnvPoolClientMap: "clientA=pool"}), []string{EnvPoolClientMap}},
		{"bad lookup rate", httpOK(map[string]string{EnvPoolLookupRate: "0"}), []string{EnvPoolLookupRate}},
		{"NaN lookup rate", httpOK(map[string]string{EnvPoolLookupRate: "NaN"}), []string{EnvPoolLookupRate}},
		{"bad enrich flag", httpOK(map[string]string{EnvEnrichUser: "maybe"}), []string{EnvEnrichUser}},
		{"bad enrich rate", httpOK(map[string]string{EnvEnrichUser: "true", EnvEnrichUserRate: "-1"}), []string{EnvEnrichUserRate}},
		{"enrich allow and deny", httpOK(map[string]string{EnvEnrichUser: "true", EnvEnrichUserAllow: "email", EnvEnrichUserDeny: "phone_number"}), []string{EnvEnrichUserAllow, EnvEnrichUserDeny}},
		{"enrich denies sub", httpOK(map[string]string{EnvEnrichUser: "true", EnvEnrichUserDeny: "email,sub"}), []string{EnvEnrichUserDeny}},
		{"bad attempts", httpOK(map[string]string{EnvRetryMaxAttempts: "0"}), []string{EnvRetryMaxAttempts}},
		{"bad base delay", httpOK(map[string]string{EnvRetryBaseDelay: "fast"}), []string{EnvRetryBaseDelay}},
		{"bad log format", httpOK(map[string]string{EnvLogFormat: "XML"}), []string{EnvLogFormat}},
		{"bad log level", httpOK(map[string]string{EnvLogLevel: "LOUD"}), []string{EnvLogLevel}},
		{"several at once", map[string]string{EnvSinkKind: "http", EnvTimeout: "x", EnvRetryMaxAttempts: "-2"}, []string{EnvSinkURL, EnvTimeout, EnvRetryMaxAttempts}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(env(tc.env))
			if err == nil {
				t.Fatal("Load accepted the configuration")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			for _, name := range tc.names {
				if !strings.Contains(err.Error(), name) {
					t.Errorf("error %q does not name %s", err, name)
				}
			}
		})
	}
}

func TestLoadNeverQuotesSecretLookingValues(t *testing.T) {
	// A token pasted where a reference belongs must not be echoed.
	_, err := Load(env(map[string]string{EnvSinkKind: "http", EnvSinkURL: "https://x.example", EnvAuth: "bearer", EnvAuthSecret: "eyJhbGciOi-token"}))
	if err == nil || strings.Contains(err.Error(), "eyJhbGciOi") {
		t.Fatalf("Load = %v; want an error that does not quote the value", err)
	}
	_, err = Load(env(map[string]string{EnvSinkKind: "http", EnvSinkURL: "https://user:hunter2@x.example"}))
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("Load = %v; want an error that does not quote the URL's password", err)
	}
}
