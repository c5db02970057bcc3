package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cognito-events/cognito-events/internal/sink"
)

// valid is a minimal valid configuration; bad cases patch it.
const valid = `{
  "regions": ["us-east-1"],
  "routes": [{
    "name": "app-clients",
    "selection": {"operations": ["app-clients"]},
    "sink": {"kind": "http", "url": "https://example.com/hook"}
  }]
}`

// patch returns valid with the route's fields replaced by route (a JSON
// object merged into the route) and the top level by top.
func patch(tb testing.TB, top, route string) string {
	tb.Helper()
	var c map[string]any
	if err := json.Unmarshal([]byte(valid), &c); err != nil {
		tb.Fatal(err)
	}
	merge := func(dst map[string]any, src string) {
		if src == "" {
			return
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(src), &m); err != nil {
			tb.Fatalf("patch %s: %v", src, err)
		}
		maps.Copy(dst, m)
	}
	merge(c, top)
	if routes, _ := c["routes"].([]any); len(routes) > 0 {
		merge(routes[0].(map[string]any), route)
	}
	b, err := json.Marshal(c)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func TestParseDefaults(t *testing.T) {
	c, err := Parse([]byte(valid))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	r := c.Routes[0]
	checks := []struct {
		name      string
		got, want any
	}{
		{"trail.mode", c.Trail.Mode, TrailCreate},
		{"trail.bucketExpirationDays", c.Trail.BucketExpirationDays, 90},
		{"sink.mode", r.Sink.Mode, sink.Binary},
		{"sink.auth.type", r.Sink.Auth.Type, sink.AuthNone},
		{"sink.timeout", r.Sink.Timeout, "10s"},
		{"retry.maxAttempts", r.Retry.MaxAttempts, 5},
		{"retry.baseDelay", r.Retry.BaseDelay, "200ms"},
		{"function.memoryMB", r.Function.MemoryMB, 128},
		{"function.logLevel", r.Function.LogLevel, "INFO"},
		{"function.logRetentionDays", r.Function.LogRetentionDays, 30},
		{"delivery.buffered", r.Delivery.Buffered, false},
		{"delivery.batchSize", r.Delivery.BatchSize, 10},
		{"delivery.maxEventAgeSeconds", r.Delivery.MaxEventAgeSeconds, 86400},
		{"delivery.retryAttempts", *r.Delivery.RetryAttempts, 185},
		{"delivery.archiveRetentionDays", *r.Delivery.ArchiveRetentionDays, 7},
		{"selection.includeFailed", r.Selection.IncludeFailed, false},
		{"selection.includeReadOnly", r.Selection.IncludeReadOnly, false},
		{"selection.includeHostedUI", r.Selection.IncludeHostedUI, false},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
			}
		})
	}
}

func TestParseExplicitZeroes(t *testing.T) {
	c, err := Parse([]byte(patch(t, "", `{"delivery": {"retryAttempts": 0, "archiveRetentionDays": 0}}`)))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	d := c.Routes[0].Delivery
	if *d.RetryAttempts != 0 || *d.ArchiveRetentionDays != 0 {
		t.Errorf("explicit zeroes replaced by defaults: retryAttempts=%d archiveRetentionDays=%d", *d.RetryAttempts, *d.ArchiveRetentionDays)
	}
}

// TestParseInvalid: each bad configuration gives its message.
func TestParseInvalid(t *testing.T) {
	const secretValue = "s3cr3t-t0ken-value"
	tests := []struct {
		name, top, route string
		want             string
	}{
		{"not JSON", "", "", ""}, // replaced below
		{"unknown key", `{"regoins": ["us-east-1"]}`, "", `unknown field "regoins"`},
		{"no regions", `{"regions": []}`, "", "regions: at least one region is required"},
		{"bad region", `{"regions": ["us-east-1", "Frankfurt"]}`, "", `regions[1]: "Frankfurt" is not a region name`},
		{"duplicate region", `{"regions": ["us-east-1", "us-east-1"]}`, "", `regions[1]: "us-east-1" is listed twice`},
		{"bad trail mode", `{"trail": {"mode": "maybe"}}`, "", `trail.mode: "maybe": want create or existing`},
		{"trail limited to cognito", `{"trail": {"excludeEventSources": ["cognito-idp.amazonaws.com"]}}`, "",
			`trail.excludeEventSources[0]: "cognito-idp.amazonaws.com": a trail can exclude only kms.amazonaws.com and rdsdata.amazonaws.com`},
		{"existing trail with bucket settings", `{"trail": {"mode": "existing", "bucketExpirationDays": 10}}`, "", "apply only with mode create"},
		{"bad alarm email", `{"alarms": {"email": "ops at example.com"}}`, "", `alarms.email: "ops at example.com" is not an e-mail address`},
		{"no routes", `{"routes": []}`, "", "routes: at least one route is required"},
		{"bad route name", "", `{"name": "app clients!"}`, `routes[0].name: "app clients!"`},
		{"unknown operation", "", `{"selection": {"operations": ["app-clients", "UpdateUserPoolClinet"]}}`,
			`route "app-clients": selection.operations[1]: unknown operation or preset "UpdateUserPoolClinet": did you mean UpdateUserPoolClient`},
		{"unknown preset", "", `{"selection": {"operations": ["app-client"]}}`,
			`route "app-clients": selection.operations[0]: unknown operation or preset "app-client": did you mean app-clients`},
		{"no operations", "", `{"selection": {}}`, `route "app-clients": selection.operations: required`},
		{"only read-only selected", "", `{"selection": {"operations": ["DescribeUserPoolClient"]}}`, "set selection.includeReadOnly or selection.includeHostedUI"},
		{"bad pool id", "", `{"selection": {"operations": ["users"], "userPoolIds": ["pool-1"]}}`, `selection.userPoolIds[0]: "pool-1" is not a user pool id`},
		{"pool in other region", "", `{"selection": {"operations": ["users"], "userPoolIds": ["eu-west-1_AbCdEfGhI"]}}`, "is in eu-west-1, which is not in regions"},
		{"pattern too long even split", "", `{"selection": {"operations": ["UpdateUserPoolClient"], "clientIds": [` + longClientIDs(8) + `]}}`,
			"a rule for UpdateUserPoolClient alone would be 3752 characters, 1704 more than EventBridge's default limit of 2048: its conditions make 4 alternatives; list at most 3 of the 8 client ids in selection.clientIds (5 fewer)"},
		{"no sink kind", "", `{"sink": {}}`, "sink.kind: required"},
		{"unknown sink kind", "", `{"sink": {"kind": "kafka"}}`, `sink.kind: unknown kind "kafka"`},
		{"missing sink URL", "", `{"sink": {"kind": "http"}}`, `route "app-clients": sink.url: required for kind http`},
		{"non-HTTPS URL", "", `{"sink": {"kind": "http", "url": "http://example.com/hook"}}`, "is not HTTPS: use https://, or set sink.allowInsecure"},
		{"URL with credentials", "", `{"sink": {"kind": "http", "url": "https://user:` + secretValue + `@example.com/"}}`, "must not carry credentials"},
		{"field of another kind", "", `{"sink": {"kind": "sqs", "url": "https://example.com/", "queueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q"}}`, "sink.url: only for kind http, not sqs"},
		{"bad mode", "", `{"sink": {"kind": "http", "url": "https://example.com/", "mode": "batch"}}`, `sink.mode: "batch"`},
		{"bad timeout", "", `{"sink": {"kind": "http", "url": "https://example.com/", "timeout": "10"}}`, `sink.timeout: "10" is not a Go duration`},
		{"header the forwarder sets", "", `{"sink": {"kind": "http", "url": "https://example.com/", "headers": {"ce-id": "x"}}}`, `the forwarder would refuse its environment: invalid configuration: SINK_HEADERS "ce-id" is set by the forwarder`},
		{"credential header", "", `{"sink": {"kind": "http", "url": "https://example.com/", "headers": {"Authorization": "Bearer x"}}}`, `sink.headers: "Authorization" carries credentials`},
		{"unknown auth", "", `{"sink": {"kind": "http", "url": "https://example.com/", "auth": {"type": "digest"}}}`, `sink.auth.type: unknown type "digest"`},
		{"bearer without secret", "", `{"sink": {"kind": "http", "url": "https://example.com/", "auth": {"type": "bearer"}}}`, "sink.auth.secret: required for auth type bearer"},
		{"secret that is not a reference", "", `{"sink": {"kind": "http", "url": "https://example.com/", "auth": {"type": "bearer", "secret": "` + secretValue + `"}}}`,
			"sink.auth.secret: not a Secrets Manager secret ARN"},
		{"secret ARN of another service", "", `{"sink": {"kind": "http", "url": "https://example.com/", "auth": {"type": "bearer", "secret": "arn:aws:s3:::bucket/token"}}}`,
			"sink.auth.secret: not a Secrets Manager secret ARN"},
		{"oauth2 without token URL", "", `{"sink": {"kind": "http", "url": "https://example.com/", "auth": {"type": "oauth2", "secret": "/cognito-events/oauth"}}}`, "sink.auth.tokenUrl: required for auth type oauth2"},
		{"sigv4 without invoke ARN", "", `{"sink": {"kind": "http", "url": "https://example.com/", "auth": {"type": "sigv4"}}}`, "sink.auth.invokeArn: required for sigv4"},
		{"eventbridge without bus", "", `{"sink": {"kind": "eventbridge"}}`, "sink.bus: required for kind eventbridge"},
		{"eventbridge reserved source", "", `{"sink": {"kind": "eventbridge", "bus": "b", "source": "aws.cognito"}}`, "reserved for AWS services"},
		{"sqs bad URL", "", `{"sink": {"kind": "sqs", "queueUrl": "arn:aws:sqs:us-east-1:123456789012:q"}}`, "sink.queueUrl: \"arn:aws:sqs:us-east-1:123456789012:q\" is not an SQS queue URL"},
		{"sns bad ARN", "", `{"sink": {"kind": "sns", "topicArn": "my-topic"}}`, `sink.topicArn: "my-topic" is not an SNS topic ARN`},
		{"retry budget over 15 minutes", "", `{"sink": {"kind": "http", "url": "https://example.com/", "timeout": "5m"}, "retry": {"maxAttempts": 4}}`, "more than Lambda's 15 minutes"},
		{"bad log level", "", `{"function": {"logLevel": "VERBOSE"}}`, `function.logLevel: "VERBOSE"`},
		{"log sink above INFO", "", `{"sink": {"kind": "log"}, "function": {"logLevel": "WARN"}}`, `function.logLevel: "WARN": a log sink writes each event at INFO`},
		{"log sink with a URL", "", `{"sink": {"kind": "log", "url": "https://example.com/"}}`, "sink.url: only for kind http, not log"},
		{"bad log retention", "", `{"function": {"logRetentionDays": 31}}`, "function.logRetentionDays: 31: CloudWatch Logs accepts only"},
		{"bad memory", "", `{"function": {"memoryMB": 64}}`, "function.memoryMB: 64"},
		{"bad batch size", "", `{"delivery": {"buffered": true, "batchSize": 11}}`, "delivery.batchSize: 11"},
		{"bad event age", "", `{"delivery": {"maxEventAgeSeconds": 30}}`, "delivery.maxEventAgeSeconds: 30"},
		{"bad retry attempts", "", `{"delivery": {"retryAttempts": 200}}`, "delivery.retryAttempts: 200"},
		{"lookup rate without lookup", "", `{"poolResolution": {"lookupRate": 5}}`, "poolResolution.lookupRate"},
		{"bad client map", "", `{"poolResolution": {"clientMap": {"abc": "not-a-pool"}}}`, "poolResolution.clientMap"},
		{"function timeout shorter than the attempts", "", `{"function": {"timeoutSeconds": 5}, "sink": {"kind": "http", "url": "https://example.com/hook", "timeout": "10s"}, "retry": {"maxAttempts": 5}}`,
			`route "app-clients": function.timeoutSeconds: 5 s is shorter than sink.timeout 10s times retry.maxAttempts 5 (50s): Lambda would end the function before its last attempt; raise function.timeoutSeconds to at least 50`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			input := patch(t, tt.top, tt.route)
			if tt.name == "not JSON" {
				input, tt.want = `{"regions": [`, `reading "cognito-events"`
			}
			_, err := Parse([]byte(input))
			if err == nil {
				t.Fatalf("Parse accepted %s", input)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error does not wrap ErrInvalid: %v", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\ndoes not contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), secretValue) {
				t.Errorf("error shows the secret value: %q", err)
			}
		})
	}
}

func TestParseDuplicateRoute(t *testing.T) {
	c := `{"regions": ["us-east-1"], "routes": [
	  {"name": "a", "selection": {"operations": ["users"]}, "sink": {"kind": "sns", "topicArn": "arn:aws:sns:us-east-1:123456789012:t"}},
	  {"name": "a", "selection": {"operations": ["groups"]}, "sink": {"kind": "sns", "topicArn": "arn:aws:sns:us-east-1:123456789012:t"}}]}`
	_, err := Parse([]byte(c))
	if err == nil || !strings.Contains(err.Error(), `routes[1].name: "a" is used by another route`) {
		t.Fatalf("err = %v", err)
	}
}

func TestFromContext(t *testing.T) {
	var obj any
	if err := json.Unmarshal([]byte(valid), &obj); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		in      any
		wantErr string
	}{
		{"object from cdk.json", obj, ""},
		{"string from -c", valid, ""},
		{"missing", nil, `context key "cognito-events" not found`},
		{"wrong type", 42.0, "reading"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := FromContext(tt.in)
			if tt.wantErr == "" {
				if err != nil || c.Routes[0].Name != "app-clients" {
					t.Fatalf("FromContext = %v, %v", c, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestCDKJSON: the repository's cdk.json carries a valid configuration.
func TestCDKJSON(t *testing.T) {
	data, err := os.ReadFile("../../cdk.json")
	if err != nil {
		t.Fatalf("reading cdk.json: %v", err)
	}
	var doc struct {
		App     string         `json:"app"`
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("decoding cdk.json: %v", err)
	}
	c, err := FromContext(doc.Context[ContextKey])
	if err != nil {
		t.Fatalf("cdk.json: %v", err)
	}
	// The shipped defaults deploy with nothing to replace: every route
	// writes its events to its own log group (docs/examples has the rest).
	if len(c.Routes) == 0 {
		t.Fatal("cdk.json has no route")
	}
	for _, r := range c.Routes {
		if r.Sink.Kind != sink.KindLog {
			t.Errorf("cdk.json route %q has a %s sink, want log: a placeholder endpoint fails every event of a fresh deployment", r.Name, r.Sink.Kind)
		}
	}
	if doc.Context["cli-telemetry"] != false {
		t.Errorf("cdk.json context cli-telemetry = %v, want false", doc.Context["cli-telemetry"])
	}
}

func mustRoute(tb testing.TB, route string) *Route {
	tb.Helper()
	c, err := Parse([]byte(patch(tb, "", route)))
	if err != nil {
		tb.Fatalf("Parse: %v", err)
	}
	return &c.Routes[0]
}

func TestEnvironment(t *testing.T) {
	tests := []struct {
		name  string
		route string
		want  map[string]string
	}{
		{"http defaults", `{}`, map[string]string{
			"SINK_KIND": "http", "SINK_URL": "https://example.com/hook", "SINK_HTTP_MODE": "binary", "SINK_AUTH": "none",
			"SINK_TIMEOUT": "10s", "RETRY_MAX_ATTEMPTS": "5", "RETRY_BASE_DELAY": "200ms",
		}},
		{"http oauth2, headers, insecure, pools", `{"sink": {"kind": "http", "url": "http://10.0.0.1/hook", "allowInsecure": true, "mode": "structured", "timeout": "3s",
			"headers": {"X-Team": "identity"}, "auth": {"type": "oauth2", "secret": "/cognito-events/oauth", "tokenUrl": "https://auth.example.com/token", "scopes": ["events/write", "events/read"]}},
			"retry": {"maxAttempts": 3, "baseDelay": "1s"}, "poolResolution": {"clientMap": {"c2": "us-east-1_BBBBBBBBB", "c1": "us-east-1_AAAAAAAAA"}, "lookup": true, "lookupRate": 0.5}}`,
			map[string]string{
				"SINK_KIND": "http", "SINK_URL": "http://10.0.0.1/hook", "SINK_ALLOW_INSECURE": "true", "SINK_HTTP_MODE": "structured",
				"SINK_TIMEOUT": "3s", "SINK_HEADERS": `{"X-Team":"identity"}`, "SINK_AUTH": "oauth2", "SINK_AUTH_SECRET": "/cognito-events/oauth",
				"SINK_OAUTH2_TOKEN_URL": "https://auth.example.com/token", "SINK_OAUTH2_SCOPES": "events/write events/read",
				"RETRY_MAX_ATTEMPTS": "3", "RETRY_BASE_DELAY": "1s",
				"POOL_CLIENT_MAP": "c1=us-east-1_AAAAAAAAA,c2=us-east-1_BBBBBBBBB", "POOL_LOOKUP": "true", "POOL_LOOKUP_RATE": "0.5",
			}},
		{"http apikey", `{"sink": {"kind": "http", "url": "https://example.com/", "auth": {"type": "apikey", "header": "X-Key", "secret": "arn:aws:secretsmanager:us-east-1:123456789012:secret:hook-key-AbCdEf"}}}`,
			map[string]string{
				"SINK_KIND": "http", "SINK_URL": "https://example.com/", "SINK_HTTP_MODE": "binary", "SINK_AUTH": "apikey", "SINK_AUTH_HEADER": "X-Key",
				"SINK_AUTH_SECRET": "arn:aws:secretsmanager:us-east-1:123456789012:secret:hook-key-AbCdEf",
				"SINK_TIMEOUT":     "10s", "RETRY_MAX_ATTEMPTS": "5", "RETRY_BASE_DELAY": "200ms",
			}},
		{"http sigv4", `{"sink": {"kind": "http", "url": "https://abc.execute-api.us-east-1.amazonaws.com/prod/events", "auth": {"type": "sigv4", "sigv4Region": "us-east-1",
			"invokeArn": "arn:aws:execute-api:us-east-1:123456789012:abc/prod/POST/events"}}}`,
			map[string]string{
				"SINK_KIND": "http", "SINK_URL": "https://abc.execute-api.us-east-1.amazonaws.com/prod/events", "SINK_HTTP_MODE": "binary",
				"SINK_AUTH": "sigv4", "SINK_SIGV4_SERVICE": "execute-api", "SINK_SIGV4_REGION": "us-east-1",
				"SINK_TIMEOUT": "10s", "RETRY_MAX_ATTEMPTS": "5", "RETRY_BASE_DELAY": "200ms",
			}},
		{"eventbridge", `{"sink": {"kind": "eventbridge", "bus": "identity", "source": "acme.identity", "detailType": "cognito change"}}`,
			map[string]string{
				"SINK_KIND": "eventbridge", "SINK_EVENTBRIDGE_BUS": "identity", "SINK_EVENTBRIDGE_SOURCE": "acme.identity",
				"SINK_EVENTBRIDGE_DETAIL_TYPE": "cognito change", "SINK_TIMEOUT": "10s", "RETRY_MAX_ATTEMPTS": "5", "RETRY_BASE_DELAY": "200ms",
			}},
		{"sqs", `{"sink": {"kind": "sqs", "queueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/events.fifo"}}`,
			map[string]string{
				"SINK_KIND": "sqs", "SINK_SQS_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/events.fifo",
				"SINK_TIMEOUT": "10s", "RETRY_MAX_ATTEMPTS": "5", "RETRY_BASE_DELAY": "200ms",
			}},
		{"sns", `{"sink": {"kind": "sns", "topicArn": "arn:aws:sns:us-east-1:123456789012:events"}}`,
			map[string]string{
				"SINK_KIND": "sns", "SINK_SNS_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:events",
				"SINK_TIMEOUT": "10s", "RETRY_MAX_ATTEMPTS": "5", "RETRY_BASE_DELAY": "200ms",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustRoute(t, tt.route).Environment()
			if !maps.Equal(got, tt.want) {
				t.Errorf("Environment()\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestStatements(t *testing.T) {
	tests := []struct {
		name  string
		route string
		want  []Statement
	}{
		{"http without auth needs nothing", `{}`, nil},
		{"eventbridge bus name", `{"sink": {"kind": "eventbridge", "bus": "identity"}}`, []Statement{
			{Sid: "PutEventsToSink", Actions: []string{"events:PutEvents"}, Resources: []string{"arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/identity"}}}},
		{"eventbridge bus ARN", `{"sink": {"kind": "eventbridge", "bus": "arn:aws:events:us-east-1:210987654321:event-bus/central"}}`, []Statement{
			{Sid: "PutEventsToSink", Actions: []string{"events:PutEvents"}, Resources: []string{"arn:aws:events:us-east-1:210987654321:event-bus/central"}}}},
		{"sqs with KMS", `{"sink": {"kind": "sqs", "queueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/events", "kmsKeyArn": "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}`, []Statement{
			{Sid: "SendToSinkQueue", Actions: []string{"sqs:SendMessage"}, Resources: []string{"arn:aws:sqs:eu-west-1:123456789012:events"}},
			{Sid: "EncryptForSink", Actions: []string{"kms:Decrypt", "kms:GenerateDataKey"}, Resources: []string{"arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}}},
		{"sns", `{"sink": {"kind": "sns", "topicArn": "arn:aws:sns:us-east-1:123456789012:events"}}`, []Statement{
			{Sid: "PublishToSinkTopic", Actions: []string{"sns:Publish"}, Resources: []string{"arn:aws:sns:us-east-1:123456789012:events"}}}},
		{"bearer from Secrets Manager", `{"sink": {"kind": "http", "url": "https://example.com/", "auth": {"type": "bearer", "secret": "arn:aws:secretsmanager:us-east-1:123456789012:secret:hook"}}}`, []Statement{
			{Sid: "ReadSinkSecret", Actions: []string{"secretsmanager:GetSecretValue"}, Resources: []string{"arn:aws:secretsmanager:us-east-1:123456789012:secret:hook", "arn:aws:secretsmanager:us-east-1:123456789012:secret:hook-??????"}}}},
		{"basic from SSM name with CMK", `{"sink": {"kind": "http", "url": "https://example.com/", "auth": {"type": "basic", "secret": "/cognito-events/basic", "secretKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/k1"}}}`, []Statement{
			{Sid: "ReadSinkSecret", Actions: []string{"ssm:GetParameter"}, Resources: []string{"arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/cognito-events/basic"}},
			{Sid: "DecryptSinkSecret", Actions: []string{"kms:Decrypt"}, Resources: []string{"arn:aws:kms:us-east-1:123456789012:key/k1"}}}},
		{"sigv4 lambda URL", `{"sink": {"kind": "http", "url": "https://x.lambda-url.us-east-1.on.aws/", "auth": {"type": "sigv4", "sigv4Service": "lambda", "invokeArn": "arn:aws:lambda:us-east-1:123456789012:function:receiver"}}}`, []Statement{
			{Sid: "InvokeSink", Actions: []string{"lambda:InvokeFunctionUrl"}, Resources: []string{"arn:aws:lambda:us-east-1:123456789012:function:receiver"}}}},
		{"pool lookup limited to the selected pools", `{"selection": {"operations": ["users"], "userPoolIds": ["us-east-1_AAAAAAAAA"]}, "poolResolution": {"lookup": true}}`, []Statement{
			{Sid: "ListUserPools", Actions: []string{"cognito-idp:ListUserPools"}, Resources: []string{"*"}},
			{Sid: "ListUserPoolClients", Actions: []string{"cognito-idp:ListUserPoolClients"}, Resources: []string{"arn:${AWS::Partition}:cognito-idp:us-east-1:${AWS::AccountId}:userpool/us-east-1_AAAAAAAAA"}}}},
		{"pool lookup in the stack's region", `{"poolResolution": {"lookup": true}}`, []Statement{
			{Sid: "ListUserPools", Actions: []string{"cognito-idp:ListUserPools"}, Resources: []string{"*"}},
			{Sid: "ListUserPoolClients", Actions: []string{"cognito-idp:ListUserPoolClients"}, Resources: []string{"arn:${AWS::Partition}:cognito-idp:${AWS::Region}:${AWS::AccountId}:userpool/*"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustRoute(t, tt.route).Statements()
			if !slices.EqualFunc(got, tt.want, func(a, b Statement) bool {
				return a.Sid == b.Sid && slices.Equal(a.Actions, b.Actions) && slices.Equal(a.Resources, b.Resources)
			}) {
				t.Errorf("Statements()\n got %+v\nwant %+v", got, tt.want)
			}
			for _, s := range got {
				for _, a := range s.Actions {
					if strings.Contains(a, "*") {
						t.Errorf("wildcard action %q", a)
					}
				}
			}
		})
	}
}

func TestTimeout(t *testing.T) {
	tests := []struct {
		name  string
		route string
		want  time.Duration
	}{
		// 5 × 10s + 200ms × (2⁴−1) + 5s = 58s.
		{"defaults", `{}`, 58 * time.Second},
		// 3 × 2s + 1s × (2²−1) + 5s = 14s.
		{"short", `{"sink": {"kind": "http", "url": "https://example.com/", "timeout": "2s"}, "retry": {"maxAttempts": 3, "baseDelay": "1s"}}`, 14 * time.Second},
		// 1 × 1.5s + 0 + 5s = 6.5s, rounded up.
		{"rounded up", `{"sink": {"kind": "http", "url": "https://example.com/", "timeout": "1500ms"}, "retry": {"maxAttempts": 1}}`, 7 * time.Second},
		{"override", `{"function": {"timeoutSeconds": 30}, "sink": {"kind": "http", "url": "https://example.com/hook", "timeout": "5s"}}`, 30 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustRoute(t, tt.route).Timeout(); got != tt.want {
				t.Errorf("Timeout() = %s, want %s", got, tt.want)
			}
		})
	}
}

// longClientIDs returns n distinct client ids of 100 characters, as a JSON
// list's inside.
func longClientIDs(n int) string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%q", fmt.Sprintf("%d%s", i, strings.Repeat("x", 99)))
	}
	return strings.Join(ids, ",")
}

// TestTooLongAdviceWorks: following the advice of the too-long error (3
// of the 8 client ids) gives a route that fits.
func TestTooLongAdviceWorks(t *testing.T) {
	input := patch(t, "", `{"selection": {"operations": ["UpdateUserPoolClient"], "clientIds": [`+longClientIDs(3)+`]}}`)
	c, err := Parse([]byte(input))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	ps, err := c.Routes[0].Rules()
	if err != nil || len(ps) != 1 {
		t.Fatalf("Rules: %d rules, %v", len(ps), err)
	}
	if input := patch(t, "", `{"selection": {"operations": ["UpdateUserPoolClient"], "clientIds": [`+longClientIDs(4)+`]}}`); func() error { _, err := Parse([]byte(input)); return err }() == nil {
		t.Errorf("4 client ids fit, so the advice (at most 3) is not the largest that fits")
	}
}
