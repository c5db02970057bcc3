package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
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
	ID:                  testTriggerID,
	FunctionARN:         "arn:aws:lambda:eu-west-1:111122223333:function:cognito-events-trigger",
	Time:                "2024-05-01T10:00:00Z",
	Attributes:          AttributePolicy{Deny: []string{"custom:tier"}},
	ClientMetadataAllow: []string{"locale"},
}

// testTriggerID is a Lambda request id.
const testTriggerID = "7e0c9a52-3f1d-4c2b-9a8e-5d6f7a8b9c0d"

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
			ev, err := BuildTrigger([]byte(tc.payload), TriggerOptions{ID: testTriggerID, FunctionARN: tc.arn, Time: "2024-05-01T10:00:00Z"})
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
			tc.opts.ID = testTriggerID
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

// TestBuildTriggerID: the id is the invocation's, whatever the payload;
// without one there is no event.
func TestBuildTriggerID(t *testing.T) {
	a := []byte(`{"triggerSource":"PostAuthentication_Authentication","userName":"alice"}`)
	for _, id := range []string{"req-1", "req-2"} {
		ev, err := BuildTrigger(a, TriggerOptions{ID: id})
		if err != nil || ev.ID != id {
			t.Fatalf("BuildTrigger with id %q: %v, event id %q", id, err, ev.ID)
		}
	}
	if _, err := BuildTrigger(a, TriggerOptions{}); !errors.Is(err, ErrNoTriggerID) {
		t.Errorf("no id: error %v, want ErrNoTriggerID", err)
	}
}

// TestBuildTriggerSecretsChangeNothing: payloads that differ only in their
// secret values (password, challenge answer, private challenge parameters,
// codes, validation data, unknown fields) give the same event.
func TestBuildTriggerSecretsChangeNothing(t *testing.T) {
	for _, f := range loadTriggerFixtures(t) {
		if !bytes.Contains(f.data, []byte(triggerCanary)) {
			continue
		}
		t.Run(f.name, func(t *testing.T) {
			other := bytes.ReplaceAll(f.data, []byte(triggerCanary), []byte(triggerCanary+"Winter2025!"))
			a, err := BuildTrigger(f.data, testTriggerOptions)
			if err != nil {
				t.Fatalf("BuildTrigger: %v", err)
			}
			b, err := BuildTrigger(other, testTriggerOptions)
			if err != nil {
				t.Fatalf("BuildTrigger: %v", err)
			}
			if ja, jb := a.AppendJSON(nil), b.AppendJSON(nil); !bytes.Equal(ja, jb) {
				t.Errorf("the events differ:\n%s\n%s", ja, jb)
			}
		})
	}
}

// TestBuildTriggerOutcome: the outcome, the error of a rejection and the
// response flags, which come from the function's answer, not the request.
func TestBuildTriggerOutcome(t *testing.T) {
	payload := []byte(`{"triggerSource":"PreSignUp_SignUp","userPoolId":"eu-west-1_A","request":{"userAttributes":{"sub":"s"}},"response":{"autoConfirmUser":false,"autoVerifyEmail":false,"autoVerifyPhone":false}}`)
	answer := []byte(`{"triggerSource":"PreSignUp_SignUp","response":{"autoConfirmUser":true,"autoVerifyEmail":true,"autoVerifyPhone":false}}`)
	long := strings.Repeat("é", 600)
	for _, tc := range []struct {
		name string
		opts TriggerOptions
		want string
	}{
		{"pass-through answers the payload", TriggerOptions{Response: payload},
			`"outcome":"accepted","autoConfirmUser":false,"autoVerifyEmail":false,"autoVerifyPhone":false}`},
		{"a handler's answer", TriggerOptions{Outcome: TriggerAccepted, Response: answer},
			`"outcome":"accepted","autoConfirmUser":true,"autoVerifyEmail":true,"autoVerifyPhone":false}`},
		{"an answer without flags", TriggerOptions{Response: []byte(`{"response":{}}`)}, `"outcome":"accepted"}`},
		{"an answer that is not JSON", TriggerOptions{Response: []byte(`nope`)}, `"outcome":"accepted"}`},
		{"rejected", TriggerOptions{Outcome: TriggerRejected, Error: "sign-ups are closed", Response: answer},
			`"outcome":"rejected","error":"sign-ups are closed"}`},
		{"a long error is cut on a rune", TriggerOptions{Outcome: TriggerRejected, Error: long},
			`"outcome":"rejected","error":"` + long[:1024] + `"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.ID = testTriggerID
			ev, err := BuildTrigger(payload, tc.opts)
			if err != nil {
				t.Fatalf("BuildTrigger: %v", err)
			}
			if !strings.HasSuffix(string(ev.Data), tc.want) {
				t.Errorf("data %s, want it to end with %s", ev.Data, tc.want)
			}
			checkSchema(t, compileTriggerSchema(t), "trigger.v1.json", ev.Data)
		})
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
			_, err := BuildTrigger([]byte(tc.payload), TriggerOptions{ID: testTriggerID})
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

// TestBuildTriggerErrorMasksSecrets: a rejecting handler that echoes its
// input (a UserMigration "wrong password %q") does not carry the request's
// secrets into data.error, written plainly or JSON-escaped, nor half of one
// at the 1,024-byte cut; the rest of the message is kept.
func TestBuildTriggerErrorMasksSecrets(t *testing.T) {
	canaries := regexp.MustCompile(triggerCanary + `[A-Za-z0-9-]+`)
	checked := 0
	for _, f := range loadTriggerFixtures(t) {
		secrets := canaries.FindAll(f.data, -1)
		if len(secrets) == 0 {
			continue
		}
		checked++
		t.Run(f.name, func(t *testing.T) {
			msg := "rejected: " + string(bytes.Join(secrets, []byte(", "))) + "; input " + string(f.data)
			opts := testTriggerOptions
			opts.Outcome, opts.Error = TriggerRejected, msg
			ev, err := BuildTrigger(f.data, opts)
			if err != nil {
				t.Fatalf("BuildTrigger: %v", err)
			}
			if bytes.Contains(ev.AppendJSON(nil), []byte(triggerCanary)) {
				t.Errorf("the event carries a secret: %s", ev.Data)
			}
			if !bytes.Contains(ev.Data, []byte(`"error":"rejected: REDACTED`)) {
				t.Errorf("data.error lost its message: %s", ev.Data)
			}
		})
	}
	if checked < 10 {
		t.Fatalf("only %d fixtures hold secrets", checked)
	}
	payload := []byte(`{"triggerSource":"UserMigration_Authentication","request":{"password":"p\"w\\d-é","challengeAnswer":"12345678","privateChallengeParameters":{"answer":"ZZ-answer"}}}`)
	for _, tc := range []struct{ name, msg, want string }{
		{"plain", `bad password p"w\d-é for bob`, `bad password REDACTED for bob`},
		{"JSON-escaped", `input {"password":"p\"w\\d-é"}`, `input {"password":"REDACTED"}`},
		{"nested", `expected ZZ-answer, got 12345678`, `expected REDACTED, got REDACTED`},
		{"at the cut", strings.Repeat("x", 1020) + "12345678", strings.Repeat("x", 1020) + "REDA"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := BuildTrigger(payload, TriggerOptions{ID: testTriggerID, Outcome: TriggerRejected, Error: tc.msg})
			if err != nil {
				t.Fatalf("BuildTrigger: %v", err)
			}
			var d TriggerData
			if err := json.Unmarshal(ev.Data, &d); err != nil {
				t.Fatalf("decoding data: %v", err)
			}
			if d.Error != tc.want {
				t.Errorf("data.error %q, want %q", d.Error, tc.want)
			}
		})
	}
}
