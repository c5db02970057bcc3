package events

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// sentinels are the errors Normalize may wrap, by name, for golden files.
var sentinels = []struct {
	name string
	err  error
}{
	{"ErrNotJSON", ErrNotJSON},
	{"ErrNotCloudTrail", ErrNotCloudTrail},
	{"ErrSkip", ErrSkip},
	{"ErrMissingField", ErrMissingField},
}

func sentinelName(err error) string {
	for _, s := range sentinels {
		if errors.Is(err, s.err) {
			return s.name
		}
	}
	return ""
}

// goldenPath is where the golden output of a fixture lives.
func goldenPath(name, ext string) string {
	return filepath.Join("..", "testdata", "golden", filepath.FromSlash(name)+ext)
}

// checkGolden compares got with the golden file, or rewrites it with -update.
func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatalf("creating golden folder: %v", err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("writing golden file: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run go test ./events -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test ./events -update and review the diff)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// TestNormalizeGolden normalises every fixture and compares the structured
// CloudEvent, indented for review, with its golden file. Skipped records
// have a golden file naming the sentinel and the reason.
func TestNormalizeGolden(t *testing.T) {
	for _, f := range loadFixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			ev, err := Normalize(f.data)
			if err != nil {
				if !IsSkip(err) {
					t.Fatalf("normalising %s: %v", f.path, err)
				}
				checkGolden(t, goldenPath(f.name, ".skip.txt"), []byte(sentinelName(err)+": "+err.Error()+"\n"))
				return
			}
			if err := ev.Validate(); err != nil {
				t.Fatalf("event of %s does not validate: %v", f.path, err)
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, ev.AppendJSON(nil), "", "  "); err != nil {
				t.Fatalf("event of %s is not JSON: %v", f.path, err)
			}
			pretty.WriteByte('\n')
			checkGolden(t, goldenPath(f.name, ".json"), pretty.Bytes())
		})
	}
}

// TestMalformedGolden checks that each malformed input gives a sentinel
// error, and that the message (in a golden file) names what is wrong.
func TestMalformedGolden(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "malformed", "*"))
	if err != nil {
		t.Fatalf("listing malformed inputs: %v", err)
	}
	n := 0
	for _, p := range paths {
		if strings.HasSuffix(p, ".md") {
			continue
		}
		n++
		name := "malformed/" + filepath.Base(p)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatalf("reading input: %v", err)
			}
			ev, err := Normalize(data)
			if err == nil {
				t.Fatalf("Normalize(%s) = event %q, want an error", p, ev.ID)
			}
			if IsSkip(err) {
				t.Fatalf("Normalize(%s) skipped (%v); malformed input must be an error, not a skip", p, err)
			}
			sentinel := sentinelName(err)
			if sentinel == "" {
				t.Fatalf("Normalize(%s) error %q wraps no sentinel", p, err)
			}
			checkGolden(t, goldenPath(name, ".err.txt"), []byte(sentinel+": "+err.Error()+"\n"))
		})
	}
	if n == 0 {
		t.Skip("no malformed inputs under ../testdata/malformed yet")
	}
}

// TestErrors covers each sentinel with inputs written here.
func TestErrors(t *testing.T) {
	const rec = `"eventSource":"cognito-idp.amazonaws.com","awsRegion":"us-east-1"`
	tests := []struct {
		name  string
		input string
		want  error
		text  string // a substring the message must hold
	}{
		{"empty", ``, ErrNotJSON, "empty"},
		{"not JSON", `hello`, ErrNotJSON, "offset 0"},
		{"truncated", `{"eventID":"a"`, ErrNotJSON, "end of input"},
		{"array", `[{"eventID":"a"}]`, ErrNotJSON, "an array"},
		{"string", `"x"`, ErrNotJSON, "a string"},
		{"null", `null`, ErrNotJSON, "null"},
		{"trailing garbage", `{"eventID":"a"} x`, ErrNotJSON, "after the top-level value"},
		{"bad escape", `{"eventID":"\q"}`, ErrNotJSON, "escape"},
		{"deep nesting", `{"requestParameters":` + strings.Repeat("[", 2000) + strings.Repeat("]", 2000) + `}`, ErrNotJSON, "nested deeper"},
		{"not CloudTrail", `{"hello":"world"}`, ErrNotCloudTrail, "no CloudTrail fields"},
		{"scheduled event", `{"detail-type":"Scheduled Event","source":"aws.events","detail":{}}`, ErrNotCloudTrail, "Scheduled Event"},
		{"detail a string", `{"detail-type":"AWS API Call via CloudTrail","detail":"x"}`, ErrNotCloudTrail, "detail is a string"},
		{"eventName an object", `{` + rec + `,"eventID":"a","eventTime":"2024-01-01T00:00:00Z","eventName":{}}`, ErrMissingField, "field eventName is an object"},
		{"userAgent an array", `{` + rec + `,"eventID":"a","eventName":"X","eventTime":"2024-01-01T00:00:00Z","userAgent":["x"]}`, ErrNotCloudTrail, "field userAgent is an array"},
		{"identity pool", `{"eventSource":"cognito-identity.amazonaws.com","eventName":"GetId","eventID":"a","eventTime":"2024-01-01T00:00:00Z"}`, ErrSkip, "cognito-identity"},
		{"iam in envelope", `{"detail-type":"AWS API Call via CloudTrail","detail":{"eventSource":"iam.amazonaws.com","eventName":"CreateRole"}}`, ErrSkip, "iam.amazonaws.com"},
		{"no eventSource", `{"eventName":"AdminCreateUser","eventID":"a","eventTime":"2024-01-01T00:00:00Z"}`, ErrMissingField, "eventSource"},
		{"no eventID", `{` + rec + `,"eventName":"AdminCreateUser","eventTime":"2024-01-01T00:00:00Z"}`, ErrMissingField, "eventID"},
		{"no eventName", `{` + rec + `,"eventID":"a","eventTime":"2024-01-01T00:00:00Z"}`, ErrMissingField, "eventName"},
		{"no eventTime", `{` + rec + `,"eventID":"a","eventName":"AdminCreateUser"}`, ErrMissingField, "eventTime"},
		{"eventTime not RFC 3339", `{` + rec + `,"eventID":"a","eventName":"AdminCreateUser","eventTime":"Jan 19, 2023 5:55:08 PM"}`, ErrMissingField, "not RFC 3339"},
		{"eventTime with a one-digit hour", `{` + rec + `,"eventID":"a","eventName":"AdminCreateUser","eventTime":"2024-01-10T0:00:00Z"}`, ErrMissingField, "not RFC 3339"},
		{"awsRegion not a region", `{"eventSource":"cognito-idp.amazonaws.com","awsRegion":"# ","eventID":"a","eventName":"AdminCreateUser","eventTime":"2024-01-01T00:00:00Z"}`, ErrMissingField, "not an AWS region"},
		{"no region", `{"eventSource":"cognito-idp.amazonaws.com","eventID":"a","eventName":"AdminCreateUser","eventTime":"2024-01-01T00:00:00Z"}`, ErrMissingField, "awsRegion"},
		{"bad requestParameters", `{` + rec + `,"eventID":"a","eventName":"X","eventTime":"2024-01-01T00:00:00Z","requestParameters":{"a":tru}}`, ErrNotJSON, "expected true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := Normalize([]byte(tt.input))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Normalize() = (%v, %v), want an error wrapping %v", ev, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.text) {
				t.Errorf("error %q does not mention %q", err, tt.text)
			}
			if ev != nil {
				t.Errorf("Normalize() returned an event with an error")
			}
		})
	}
}

// TestDataSchema validates the data of every fixture's event against the
// published JSON Schema, and decodes it into the typed Data model without
// unknown fields.
func TestDataSchema(t *testing.T) {
	schema := compileDataSchema(t)
	for _, f := range loadFixtures(t) {
		ev, err := Normalize(f.data)
		if err != nil {
			continue
		}
		t.Run(f.name, func(t *testing.T) {
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(ev.Data))
			if err != nil {
				t.Fatalf("data is not JSON: %v", err)
			}
			if err := schema.Validate(doc); err != nil {
				t.Fatalf("data does not match the schema: %v\ndata: %s", err, ev.Data)
			}
			var d Data
			dec := json.NewDecoder(bytes.NewReader(ev.Data))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&d); err != nil {
				t.Fatalf("data does not decode into Data: %v", err)
			}
			if d.Call.EventID != ev.ID || d.Call.EventName != ev.EventName || d.Resource.Type != ev.ResourceType || d.Resource.UserPoolID != ev.UserPoolID {
				t.Errorf("data disagrees with the attributes: call %+v resource %+v, event %+v", d.Call, d.Resource, ev)
			}
		})
	}
}

func compileDataSchema(tb testing.TB) *jsonschema.Schema {
	tb.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(DataSchemaJSON))
	if err != nil {
		tb.Fatalf("reading schema: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(DataSchema, doc); err != nil {
		tb.Fatalf("adding schema: %v", err)
	}
	s, err := c.Compile(DataSchema)
	if err != nil {
		tb.Fatalf("compiling schema: %v", err)
	}
	return s
}

// TestSchemaRejects proves the schema is not vacuous: documents that break
// the contract fail it.
func TestSchemaRejects(t *testing.T) {
	schema := compileDataSchema(t)
	valid := `{"call":{"eventName":"X","eventSource":"cognito-idp.amazonaws.com","eventTime":"2024-01-01T00:00:00Z","eventID":"a","readOnly":false,"managementEvent":true,"awsRegion":"us-east-1"},"actor":{"unauthenticated":false},"resource":{"type":"userpool"},"requestParameters":null,"responseElements":null}`
	tests := []struct{ name, doc string }{
		{"unknown top-level field", strings.Replace(valid, `"actor"`, `"extra":1,"actor"`, 1)},
		{"wrong event source", strings.Replace(valid, "cognito-idp.amazonaws.com", "iam.amazonaws.com", 1)},
		{"bad time", strings.Replace(valid, "2024-01-01T00:00:00Z", "yesterday", 1)},
		{"unknown resource type", strings.Replace(valid, `"userpool"`, `"table"`, 1)},
		{"no actor", strings.Replace(valid, `"actor":{"unauthenticated":false},`, ``, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := jsonschema.UnmarshalJSON(strings.NewReader(tt.doc))
			if err != nil {
				t.Fatalf("test document is not JSON: %v", err)
			}
			if err := schema.Validate(doc); err == nil {
				t.Errorf("schema accepted %s", tt.doc)
			}
		})
	}
	doc, _ := jsonschema.UnmarshalJSON(strings.NewReader(valid))
	if err := schema.Validate(doc); err != nil {
		t.Fatalf("schema rejects the valid document: %v", err)
	}
}

// TestNormalizeIsPure normalises each fixture twice, the second time from a
// copy that is then overwritten: the events are identical and do not alias
// the input.
func TestNormalizeIsPure(t *testing.T) {
	for _, f := range loadFixtures(t) {
		first, err := Normalize(f.data)
		if err != nil {
			continue
		}
		input := bytes.Clone(f.data)
		second, err := Normalize(input)
		if err != nil {
			t.Fatalf("%s: second run failed: %v", f.name, err)
		}
		for i := range input {
			input[i] = 'x'
		}
		if !reflect.DeepEqual(first, second) {
			t.Errorf("%s: two runs differ or the event aliases its input:\n%+v\n%+v", f.name, first, second)
		}
	}
}

// TestRedaction proves that no secret value present in any input appears
// anywhere in its output: neither the canary values the fixtures plant
// (testdata/README.md) nor any string found under a deny-listed key.
func TestRedaction(t *testing.T) {
	canaries := 0
	for _, f := range loadFixtures(t) {
		secrets := secretValues(t, f.data)
		if bytes.Contains(bytes.ToLower(f.data), []byte("canary")) {
			canaries++
		}
		ev, err := Normalize(f.data)
		if err != nil {
			continue
		}
		out := string(ev.AppendJSON(nil)) + fmt.Sprintf("%+v", *ev)
		if i := strings.Index(strings.ToLower(out), "canary"); i >= 0 {
			t.Errorf("%s: a canary secret survived normalisation: …%s…", f.name, out[max(i-60, 0):min(i+40, len(out))])
		}
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("%s: secret value %q under a deny-listed key appears in the output", f.name, s)
			}
		}
	}
	if canaries < 15 {
		t.Errorf("only %d fixtures plant canaries; the corpus promises at least 15 (testdata/README.md)", canaries)
	}
}

// secretValues returns every string (at least 4 bytes, not one of Cognito's
// placeholders) found under a deny-listed key in data, at any depth, that
// does not also appear in the input outside such keys (a value the record
// makes public elsewhere, such as a role name reused as trigger metadata, is
// no secret).
func secretValues(tb testing.TB, data []byte) []string {
	tb.Helper()
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		tb.Fatalf("fixture is not JSON: %v", err)
	}
	var secrets []string
	var public strings.Builder
	var walk func(v any, parent string, secret bool)
	walk = func(v any, parent string, secret bool) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				public.WriteString(k + "\x00")
				walk(e, k, secret || secretKey([]byte(parent), []byte(k)))
			}
		case []any:
			for _, e := range v {
				walk(e, parent, secret)
			}
		case string:
			switch {
			case !secret:
				public.WriteString(v + "\x00")
			case len(v) >= 4 && !isHidden(v):
				secrets = append(secrets, v)
			}
		}
	}
	walk(doc, "", false)
	var out []string
	for _, s := range secrets {
		if !strings.Contains(public.String(), s) {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// TestRedactionDepths plants secrets at every depth and under every spelling
// of a denied key, including an escaped key.
func TestRedactionDepths(t *testing.T) {
	input := `{"eventSource":"cognito-idp.amazonaws.com","eventName":"AdminInitiateAuth","eventID":"e1","eventTime":"2024-05-01T10:00:00Z","awsRegion":"eu-west-1","recipientAccountId":"111122223333",
	"requestParameters":{"userPoolId":"eu-west-1_AbCdEfGhI","clientId":"c1","authFlow":"ADMIN_USER_PASSWORD_AUTH",
		"authParameters":{"USERNAME":"alice","PASSWORD":"s3cret-pw-1","SECRET_HASH":"s3cret-hash-2"},
		"nested":[{"deeper":{"client_secret":"s3cret-3","ok":"visible-1"}},{"Session":"s3cret-4"}],
		"pass\u0077ord":"s3cret-5","Refresh-Token":["s3cret-6","s3cret-7"]},
	"responseElements":{"authenticationResult":{"accessToken":"s3cret-8","idToken":"s3cret-9","expiresIn":3600},"challengeParameters":{}}}`
	ev, err := Normalize([]byte(input))
	if err != nil {
		t.Fatalf("Normalize: %v", err)
	}
	out := string(ev.AppendJSON(nil))
	if strings.Contains(out, "s3cret") {
		t.Errorf("a secret survived: %s", out)
	}
	for _, want := range []string{`"visible-1"`, `"authParameters":"REDACTED"`, `"client_secret":"REDACTED"`, `"Session":"REDACTED"`, `"password":"REDACTED"`, `"Refresh-Token":"REDACTED"`, `"authenticationResult":"REDACTED"`, `"challengeParameters":{}`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s: %s", want, out)
		}
	}
}

// TestDecodeMatchesEncodingJSON holds the single-pass decoder to
// encoding/json: for every fixture both give the same Record.
func TestDecodeMatchesEncodingJSON(t *testing.T) {
	for _, f := range loadFixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			var env struct {
				DetailType string          `json:"detail-type"`
				Detail     json.RawMessage `json:"detail"`
			}
			if err := json.Unmarshal(f.data, &env); err != nil {
				t.Fatalf("fixture is not JSON: %v", err)
			}
			recJSON := f.data
			if env.DetailType != "" {
				recJSON = env.Detail
			}
			var want Record
			if err := json.Unmarshal(recJSON, &want); err != nil {
				t.Fatalf("encoding/json: %v", err)
			}
			// Both ways of reading the open-ended parts: raw, and copied
			// redacted as Normalize does.
			var got, gotRedacting decoded
			if err := decodeInput(newScanner(f.data), &got); err != nil {
				t.Fatalf("decodeInput: %v", err)
			}
			gotRedacting.red = &redactor{}
			if err := decodeInput(newScanner(f.data), &gotRedacting); err != nil {
				t.Fatalf("decodeInput, redacting: %v", err)
			}
			if !reflect.DeepEqual(got.Record, gotRedacting.Record) {
				t.Errorf("redacting changes the decoded record:\n%+v\n%+v", got.Record, gotRedacting.Record)
			}
			compactRaw(t, &want)
			compactRaw(t, &got.Record)
			if !reflect.DeepEqual(got.Record, want) {
				t.Errorf("decoders disagree:\nscanner:       %+v\nencoding/json: %+v", got.Record, want)
			}
		})
	}
}

// compactRaw compacts the raw parts of a record so that two decodings can
// be compared.
func compactRaw(tb testing.TB, r *Record) {
	for _, raw := range []*json.RawMessage{&r.RequestParameters, &r.ResponseElements, &r.AdditionalEventData, &r.ServiceEventDetails} {
		if len(*raw) == 0 {
			continue
		}
		var b bytes.Buffer
		if err := json.Compact(&b, *raw); err != nil {
			tb.Fatalf("compacting: %v", err)
		}
		*raw = b.Bytes()
	}
}

// fakeResolver answers from a map and counts calls; err, when set, is
// returned for every call.
type fakeResolver struct {
	pools map[string]string
	err   error
	calls int
}

func (f *fakeResolver) ResolveUserPool(_ context.Context, region, clientID string) (string, error) {
	f.calls++
	if f.err != nil {
		return "", f.err
	}
	if p, ok := f.pools[region+"/"+clientID]; ok {
		return p, nil
	}
	return "", ErrPoolNotFound
}

var _ PoolResolver = (*fakeResolver)(nil)

// TestPoolResolution covers where the pool comes from: the record itself,
// the resolver for client-only records, and the fallback source.
func TestPoolResolution(t *testing.T) {
	clientOnly := `{"eventSource":"cognito-idp.amazonaws.com","eventName":"InitiateAuth","eventID":"e1","eventTime":"2024-05-01T10:00:00Z","awsRegion":"cn-north-1","recipientAccountId":"111122223333","userIdentity":{"type":"Unknown","principalId":"Anonymous"},"requestParameters":{"clientId":"abc123","authFlow":"USER_SRP_AUTH","authParameters":"HIDDEN_DUE_TO_SECURITY_REASONS"}}`
	withPool := `{"eventSource":"cognito-idp.amazonaws.com","eventName":"UpdateUserPoolClient","eventID":"e2","eventTime":"2024-05-01T10:00:00Z","awsRegion":"us-gov-west-1","recipientAccountId":"111122223333","requestParameters":{"userPoolId":"us-gov-west-1_AAAAAAAAA","clientId":"abc123"}}`
	tagged := `{"eventSource":"cognito-idp.amazonaws.com","eventName":"TagResource","eventID":"e3","eventTime":"2024-05-01T10:00:00Z","awsRegion":"eu-west-1","recipientAccountId":"111122223333","requestParameters":{"resourceArn":"arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_BBBBBBBBB","tags":{"team":"id"}}}`
	badPool := `{"eventSource":"cognito-idp.amazonaws.com","eventName":"DescribeUserPool","eventID":"e4","eventTime":"2024-05-01T10:00:00Z","awsRegion":"eu-west-1","recipientAccountId":"111122223333","requestParameters":{"userPoolId":"eu-west-1_x/../y"}}`
	tests := []struct {
		name       string
		input      string
		resolver   *fakeResolver
		wantSource string
		wantPool   string
		wantCalls  int
		wantErr    bool
	}{
		{"client only, resolved", clientOnly, &fakeResolver{pools: map[string]string{"cn-north-1/abc123": "cn-north-1_CCCCCCCCC"}},
			"arn:aws-cn:cognito-idp:cn-north-1:111122223333:userpool/cn-north-1_CCCCCCCCC", "cn-north-1_CCCCCCCCC", 1, false},
		{"client only, unknown client", clientOnly, &fakeResolver{},
			"arn:aws-cn:cognito-idp:cn-north-1:111122223333:userpool/unresolved", "", 1, false},
		{"client only, no resolver", clientOnly, nil,
			"arn:aws-cn:cognito-idp:cn-north-1:111122223333:userpool/unresolved", "", 0, false},
		{"client only, resolver fails", clientOnly, &fakeResolver{err: errors.New("throttled")}, "", "", 1, true},
		{"pool in record, resolver not asked", withPool, &fakeResolver{},
			"arn:aws-us-gov:cognito-idp:us-gov-west-1:111122223333:userpool/us-gov-west-1_AAAAAAAAA", "us-gov-west-1_AAAAAAAAA", 0, false},
		{"pool from resourceArn", tagged, nil,
			"arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_BBBBBBBBB", "eu-west-1_BBBBBBBBB", 0, false},
		{"malformed pool id ignored", badPool, nil,
			"arn:aws:cognito-idp:eu-west-1:111122223333:userpool/unresolved", "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n Normalizer
			if tt.resolver != nil {
				n.Resolver = tt.resolver
			}
			ev, err := n.Normalize(context.Background(), []byte(tt.input))
			if tt.resolver != nil && tt.resolver.calls != tt.wantCalls {
				t.Errorf("resolver called %d times, want %d", tt.resolver.calls, tt.wantCalls)
			}
			if tt.wantErr {
				if err == nil || sentinelName(err) != "" {
					t.Fatalf("Normalize() error = %v, want the resolver's error unclassified", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Normalize: %v", err)
			}
			if ev.Source != tt.wantSource || ev.UserPoolID != tt.wantPool {
				t.Errorf("source, pool = %q, %q; want %q, %q", ev.Source, ev.UserPoolID, tt.wantSource, tt.wantPool)
			}
		})
	}
}

// TestSubjects covers the subject table of docs/events.md with records
// written here.
func TestSubjects(t *testing.T) {
	record := func(name, req, resp, add string) string {
		return `{"eventSource":"cognito-idp.amazonaws.com","eventName":"` + name + `","eventID":"e","eventTime":"2024-05-01T10:00:00Z","awsRegion":"us-east-1","recipientAccountId":"111122223333","requestParameters":` + req + `,"responseElements":` + resp + `,"additionalEventData":` + add + `}`
	}
	const pool = `"userPoolId":"us-east-1_AAAAAAAAA"`
	tests := []struct {
		name, input, want string
		kind              ResourceKind
	}{
		{"client from request", record("UpdateUserPoolClient", `{`+pool+`,"clientId":"c1"}`, `null`, `null`), "client/c1", KindClient},
		{"client from response", record("CreateUserPoolClient", `{`+pool+`,"clientName":"web"}`, `{"userPoolClient":{`+pool+`,"clientId":"c2"}}`, `null`), "client/c2", KindClient},
		{"user sub preferred to username", record("AdminDisableUser", `{`+pool+`,"username":"alice"}`, `null`, `{"sub":"s-1"}`), "user/s-1", KindUser},
		{"hidden username, sub", record("AdminDeleteUser", `{`+pool+`,"username":"HIDDEN_DUE_TO_SECURITY_REASONS"}`, `null`, `{"sub":"s-2"}`), "user/s-2", KindUser},
		{"hidden username, no sub", record("AdminDeleteUser", `{`+pool+`,"username":"HIDDEN_FOR_SECURITY_REASONS"}`, `null`, `null`), "", KindUser},
		{"username in clear", record("AdminEnableUser", `{`+pool+`,"username":"bob"}`, `null`, `null`), "user/bob", KindUser},
		{"user from response", record("AdminCreateUser", `{`+pool+`,"username":"HIDDEN_DUE_TO_SECURITY_REASONS"}`, `{"user":{"username":"carol","enabled":true}}`, `null`), "user/carol", KindUser},
		{"sign-up userSub", record("SignUp", `{"clientId":"c1","username":"HIDDEN_DUE_TO_SECURITY_REASONS"}`, `{"userConfirmed":false,"userSub":"s-3"}`, `null`), "user/s-3", KindUser},
		{"group", record("CreateGroup", `{`+pool+`,"groupName":"admins"}`, `null`, `null`), "group/admins", KindGroup},
		{"identity provider", record("DeleteIdentityProvider", `{`+pool+`,"providerName":"Google"}`, `null`, `null`), "identityprovider/Google", KindIdentityProvider},
		{"resource server", record("UpdateResourceServer", `{`+pool+`,"identifier":"https://api.example.com"}`, `null`, `null`), "resourceserver/https://api.example.com", KindResourceServer},
		{"domain", record("DeleteUserPoolDomain", `{`+pool+`,"domain":"auth.example.com"}`, `null`, `null`), "domain/auth.example.com", KindDomain},
		{"import job from response", record("CreateUserImportJob", `{`+pool+`,"jobName":"j"}`, `{"userImportJob":{"jobId":"import-1"}}`, `null`), "importjob/import-1", KindImportJob},
		{"device", record("AdminForgetDevice", `{`+pool+`,"deviceKey":"us-east-1_dk"}`, `null`, `null`), "device/us-east-1_dk", KindDevice},
		{"pool level", record("UpdateUserPool", `{`+pool+`}`, `null`, `null`), "", KindUserPool},
		{"unknown operation guesses its kind", record("FrobnicateGroup", `{`+pool+`,"groupName":"g"}`, `null`, `null`), "group/g", KindGroup},
		{"unknown operation, nothing named", record("Frobnicate", `{`+pool+`}`, `null`, `null`), "", KindUserPool},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := Normalize([]byte(tt.input))
			if err != nil {
				t.Fatalf("Normalize: %v", err)
			}
			if ev.Subject != tt.want || ev.ResourceType != tt.kind {
				t.Errorf("subject, resourcetype = %q, %q; want %q, %q", ev.Subject, ev.ResourceType, tt.want, tt.kind)
			}
		})
	}
}

func TestValidTime(t *testing.T) {
	valid := []string{"2024-01-10T00:00:00Z", "2024-01-10T00:00:00.123Z", "2024-01-10T00:00:00+01:00", "0000-01-10T00:00:00Z"}
	invalid := []string{"", "2024-01-10", "2024-01-10T0:00:00Z", "2024-01-10 00:00:00Z", "2024-01-10T00:00:00", "2024-01-10T00:00:00.Z",
		"2024-13-10T00:00:00Z", "2024-01-10T00:00:00+0100", "Jan 19, 2023 5:55:08 PM", "2024-01-10T00:00:00Zjunk", "2024-01-10t00:00:00z"}
	for _, v := range valid {
		if !validTime(v) {
			t.Errorf("validTime(%q) = false, want true", v)
		}
	}
	for _, v := range invalid {
		if validTime(v) {
			t.Errorf("validTime(%q) = true, want false", v)
		}
	}
}

func TestValidRegionAndAccount(t *testing.T) {
	for _, r := range []string{"us-east-1", "us-gov-west-1", "cn-north-1", "eu-isoe-west-1", "ap-southeast-5"} {
		if !validRegion(r) {
			t.Errorf("validRegion(%q) = false", r)
		}
	}
	for _, r := range []string{"", "# ", "us-east", "US-EAST-1", "us-east-1a", "us--1", "us-east-1/x", "-us-east-1"} {
		if validRegion(r) {
			t.Errorf("validRegion(%q) = true", r)
		}
	}
	if got := firstAccount("", "12345", "abcdefghijkl", "111122223333", "444455556666"); got != "111122223333" {
		t.Errorf("firstAccount = %q, want the first 12-digit id", got)
	}
	if got := firstAccount("x y", ""); got != "" {
		t.Errorf("firstAccount = %q, want none", got)
	}
}

func TestPartition(t *testing.T) {
	tests := map[string]string{
		"us-east-1": "aws", "eu-west-1": "aws", "cn-north-1": "aws-cn", "cn-northwest-1": "aws-cn",
		"us-gov-west-1": "aws-us-gov", "us-iso-east-1": "aws-iso", "us-isob-east-1": "aws-iso-b",
	}
	for region, want := range tests {
		if got := partition(region); got != want {
			t.Errorf("partition(%q) = %q, want %q", region, got, want)
		}
	}
}

// TestAttributes checks the attribute list of an event: every name is a
// valid CloudEvents attribute name, empty values are left out, and the
// errorcode extension appears on failed calls only.
func TestAttributes(t *testing.T) {
	for _, f := range loadFixtures(t) {
		ev, err := Normalize(f.data)
		if err != nil {
			continue
		}
		var d Data
		if err := json.Unmarshal(ev.Data, &d); err != nil {
			t.Fatalf("%s: data: %v", f.name, err)
		}
		seen := map[string]bool{}
		for _, a := range ev.Attributes() {
			if a.Value == "" || len(a.Name) > 20 || strings.Trim(a.Name, "abcdefghijklmnopqrstuvwxyz0123456789") != "" {
				t.Errorf("%s: bad attribute %+v", f.name, a)
			}
			seen[a.Name] = true
		}
		for _, name := range []string{"specversion", "id", "source", "type", "time", "datacontenttype", "dataschema", ExtEventName, ExtAWSRegion, ExtResourceType} {
			if !seen[name] {
				t.Errorf("%s: attribute %s missing", f.name, name)
			}
		}
		if failed := d.Error != nil && d.Error.Code != ""; seen[ExtErrorCode] != failed {
			t.Errorf("%s: errorcode present = %v, failed call = %v", f.name, seen[ExtErrorCode], failed)
		}
	}
}
