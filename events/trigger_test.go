package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// triggerFixtureDir holds real trigger payloads, one per trigger source;
// their secrets are values starting with triggerCanary.
const triggerFixtureDir = "testdata/triggers"

// triggerCanary marks every secret value of the trigger fixtures.
const triggerCanary = "SECRET-"

// testTriggerOptions are the options of the golden files.
var testTriggerOptions = TriggerOptions{
	FunctionARN:         "arn:aws:lambda:eu-west-1:111122223333:function:cognito-events-trigger",
	Time:                "2024-05-01T10:00:00Z",
	Attributes:          AttributePolicy{Deny: []string{"custom:tier"}},
	ClientMetadataAllow: []string{"locale"},
}

type triggerFixture struct {
	name string
	data []byte
}

func loadTriggerFixtures(tb testing.TB) []triggerFixture {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(triggerFixtureDir, "*.json"))
	if err != nil || len(paths) < 15 {
		tb.Fatalf("listing %s: %d fixtures, %v", triggerFixtureDir, len(paths), err)
	}
	var out []triggerFixture
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatalf("reading %s: %v", p, err)
		}
		out = append(out, triggerFixture{strings.TrimSuffix(filepath.Base(p), ".json"), b})
	}
	return out
}

func compileTriggerSchema(tb testing.TB) *jsonschema.Schema {
	tb.Helper()
	return compileSchema(tb, TriggerDataSchema, TriggerSchemaJSON)
}

// TestBuildTriggerGolden builds the event of every fixture, checks it and
// compares it with its golden file (go test ./events -update rewrites them).
func TestBuildTriggerGolden(t *testing.T) {
	schema := compileTriggerSchema(t)
	for _, f := range loadTriggerFixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			ev, err := BuildTrigger(f.data, testTriggerOptions)
			if err != nil {
				t.Fatalf("BuildTrigger: %v", err)
			}
			if err := ev.Validate(); err != nil {
				t.Fatalf("invalid event: %v", err)
			}
			out, err := json.MarshalIndent(ev, "", "  ")
			if err != nil {
				t.Fatalf("marshalling: %v", err)
			}
			if bytes.Contains(out, []byte(triggerCanary)) {
				t.Errorf("a secret leaked into the event:\n%s", out)
			}
			checkSchema(t, schema, "trigger.v1.json", ev.Data)
			var d TriggerData
			decodeStrict(t, ev.Data, &d)
			if d.TriggerSource != ev.EventName || ev.Schema() != TriggerDataSchema || ev.AWSAccountID != "111122223333" {
				t.Errorf("attributes disagree with the data: %+v", ev)
			}
			if _, ok := d.UserAttributes["custom:tier"]; ok {
				t.Errorf("denied attribute custom:tier kept: %v", d.UserAttributes)
			}
			checkGolden(t, filepath.Join(triggerFixtureDir, "golden", f.name+".json"), append(out, '\n'))
		})
	}
}

func TestBuildTriggerAttributes(t *testing.T) {
	const sub = "0b8c5d3e-1f2a-4b6c-9d7e-8f9a0b1c2d3e"
	base := `{"version":"1","triggerSource":"PostConfirmation_ConfirmSignUp","region":"eu-west-1","userPoolId":"eu-west-1_AbCdEf123","userName":"alice","callerContext":{"clientId":"c1"},"request":{"userAttributes":{"sub":"` + sub + `","email":"a@example.com"}},"response":{}}`
	for _, tc := range []struct {
		name, payload, arn       string
		source, subject, account string
	}{
		{"pool ARN from the function's account", base, "arn:aws:lambda:eu-west-1:111122223333:function:f",
			"arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_AbCdEf123", "user/" + sub, "111122223333"},
		{"partition from the function ARN", base, "arn:aws-cn:lambda:cn-north-1:111122223333:function:f",
			"arn:aws-cn:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_AbCdEf123", "user/" + sub, "111122223333"},
		{"no function ARN leaves the account empty", base, "",
			"arn:aws:cognito-idp:eu-west-1::userpool/eu-west-1_AbCdEf123", "user/" + sub, ""},
		{"cognito-local's region", strings.NewReplacer(`"eu-west-1"`, `"local"`, "eu-west-1_AbCdEf123", "local_5yPKf3Xb").Replace(base), "arn:aws:lambda:local:123456789012:function:trigger",
			"arn:aws:cognito-idp:local:123456789012:userpool/local_5yPKf3Xb", "user/" + sub, "123456789012"},
		{"no sub, no subject", strings.Replace(base, `"sub":"`+sub+`",`, "", 1), "",
			"arn:aws:cognito-idp:eu-west-1::userpool/eu-west-1_AbCdEf123", "", ""},
		{"bad pool id is unresolved", strings.Replace(base, "eu-west-1_AbCdEf123", "not a pool", 1), "",
			"arn:aws:cognito-idp:eu-west-1::userpool/unresolved", "user/" + sub, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := BuildTrigger([]byte(tc.payload), TriggerOptions{FunctionARN: tc.arn, Time: "2024-05-01T10:00:00Z"})
			if err != nil {
				t.Fatalf("BuildTrigger: %v", err)
			}
			if ev.Source != tc.source || ev.Subject != tc.subject || ev.AWSAccountID != tc.account {
				t.Errorf("source %q subject %q account %q, want %q %q %q", ev.Source, ev.Subject, ev.AWSAccountID, tc.source, tc.subject, tc.account)
			}
			if err := ev.Validate(); err != nil {
				t.Errorf("invalid event: %v", err)
			}
		})
	}
}

func TestBuildTriggerPolicies(t *testing.T) {
	payload := []byte(`{"triggerSource":"PostAuthentication_Authentication","userPoolId":"eu-west-1_A","request":{"userAttributes":{"sub":"s","email":"e","phone_number":"p"},"clientMetadata":{"locale":"en","token":"t0p"}}}`)
	for _, tc := range []struct {
		name  string
		opts  TriggerOptions
		attrs string
		meta  string
	}{
		{"zero policy keeps every attribute, redacts all metadata", TriggerOptions{},
			`{"email":"e","phone_number":"p","sub":"s"}`, `{"locale":"REDACTED","token":"REDACTED"}`},
		{"allow list keeps sub", TriggerOptions{Attributes: AttributePolicy{Allow: []string{"email"}}, ClientMetadataAllow: []string{"locale"}},
			`{"email":"e","sub":"s"}`, `{"locale":"en","token":"REDACTED"}`},
		{"deny list", TriggerOptions{Attributes: AttributePolicy{Deny: []string{"phone_number"}}},
			`{"email":"e","sub":"s"}`, `{"locale":"REDACTED","token":"REDACTED"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := BuildTrigger(payload, tc.opts)
			if err != nil {
				t.Fatalf("BuildTrigger: %v", err)
			}
			var d struct{ UserAttributes, ClientMetadata json.RawMessage }
			if err := json.Unmarshal(ev.Data, &d); err != nil {
				t.Fatalf("decoding data: %v", err)
			}
			if string(d.UserAttributes) != tc.attrs || string(d.ClientMetadata) != tc.meta {
				t.Errorf("attributes %s metadata %s, want %s %s", d.UserAttributes, d.ClientMetadata, tc.attrs, tc.meta)
			}
		})
	}
}

func TestBuildTriggerID(t *testing.T) {
	a := []byte(`{"triggerSource":"PreSignUp_SignUp","userName":"alice"}`)
	spaced := []byte("{\n  \"triggerSource\": \"PreSignUp_SignUp\",\n  \"userName\": \"alice\"\n}")
	other := []byte(`{"triggerSource":"PreSignUp_SignUp","userName":"bob"}`)
	id := func(p []byte, tm string) string {
		t.Helper()
		ev, err := BuildTrigger(p, TriggerOptions{Time: tm})
		if err != nil {
			t.Fatalf("BuildTrigger: %v", err)
		}
		return ev.ID
	}
	first := id(a, "2024-05-01T10:00:00Z")
	if got := id(a, "2024-05-01T10:00:03Z"); got != first {
		t.Errorf("a retry of the same payload has id %s, want %s", got, first)
	}
	if got := id(spaced, "2024-05-01T10:00:00Z"); got != first {
		t.Errorf("the same payload with other spacing has id %s, want %s", got, first)
	}
	if got := id(other, "2024-05-01T10:00:00Z"); got == first {
		t.Errorf("another payload has the same id %s", got)
	}
	if len(first) != 36 || first[14] != '8' {
		t.Errorf("id %q is not a version-8 UUID", first)
	}
}

func TestBuildTriggerRefuses(t *testing.T) {
	for _, tc := range []struct{ name, payload string }{
		{"not JSON", `nope`},
		{"not an object", `[1,2]`},
		{"no triggerSource", `{"userName":"alice"}`},
		{"triggerSource not a string", `{"triggerSource":3}`},
		{"request not an object", `{"triggerSource":"PreSignUp_SignUp","request":"x"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := BuildTrigger([]byte(tc.payload), TriggerOptions{})
			if !errors.Is(err, ErrNotTrigger) {
				t.Errorf("error %v, want ErrNotTrigger", err)
			}
		})
	}
}

// FuzzBuildTrigger: any input gives an error wrapping ErrNotTrigger or an
// event whose data matches the schema and holds no canary; never a panic.
func FuzzBuildTrigger(f *testing.F) {
	for _, fx := range loadTriggerFixtures(f) {
		f.Add(fx.data)
	}
	schema := compileTriggerSchema(f)
	f.Fuzz(func(t *testing.T, payload []byte) {
		ev, err := BuildTrigger(payload, testTriggerOptions)
		if err != nil {
			if !errors.Is(err, ErrNotTrigger) {
				t.Fatalf("error %v does not wrap ErrNotTrigger", err)
			}
			return
		}
		if err := ev.Validate(); err != nil {
			t.Fatalf("invalid event: %v", err)
		}
		checkSchema(t, schema, "trigger.v1.json", ev.Data)
	})
}

func BenchmarkBuildTrigger(b *testing.B) {
	var payload []byte
	for _, f := range loadTriggerFixtures(b) {
		if f.name == "PostConfirmation_ConfirmSignUp" {
			payload = f.data
		}
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		if _, err := BuildTrigger(payload, testTriggerOptions); err != nil {
			b.Fatal(err)
		}
	}
}
