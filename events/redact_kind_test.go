package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// craftedRecord is a bare CloudTrail record of eventName with the given
// open-ended parts (JSON, or "" for none).
func craftedRecord(eventName, request, response, additional string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `{"eventVersion":"1.08","userIdentity":{"type":"Unknown","principalId":"Anonymous"},`+
		`"eventTime":"2025-04-23T17:58:20Z","eventSource":"cognito-idp.amazonaws.com","eventName":%q,`+
		`"awsRegion":"us-east-1","sourceIPAddress":"192.0.2.77","userAgent":"test",`+
		`"eventID":"0de10e99-58d2-4fbc-a230-2d7e52a29a86","readOnly":false,"eventType":"AwsApiCall",`+
		`"managementEvent":true,"recipientAccountId":"111122223333"`, eventName)
	for _, p := range []struct{ key, v string }{{"requestParameters", request}, {"responseElements", response}, {"additionalEventData", additional}} {
		if p.v != "" {
			fmt.Fprintf(&b, ",%q:%s", p.key, p.v)
		}
	}
	b.WriteString("}")
	return []byte(b.String())
}

// TestRedactionByKind: each kind of credential-like member of the Cognito
// API (issue #19 §3), under its own name and under names encoding/json
// folds onto it, leaves no trace of its value (every value planted here
// holds "canary"); the redacted parts are golden files in
// testdata/redaction.
func TestRedactionByKind(t *testing.T) {
	tests := []struct {
		name                          string
		event                         string
		request, response, additional string
	}{
		{name: "srp-challenge", event: "InitiateAuth",
			request: `{"authFlow":"USER_SRP_AUTH","clientId":"3n4b5urk1ft4fl3mg5e62d9ado"}`,
			response: `{"challengeName":"PASSWORD_VERIFIER","challengeParameters":{"SALT":"canary-salt","SECRET_BLOCK":"canary-block",` +
				`"SRP_B":"canary-srpb","USER_ID_FOR_SRP":"HIDDEN_DUE_TO_SECURITY_REASONS"}}`},
		{name: "webauthn-sign-in", event: "InitiateAuth",
			request:  `{"authFlow":"USER_AUTH","clientId":"3n4b5urk1ft4fl3mg5e62d9ado"}`,
			response: `{"challengeName":"WEB_AUTHN","challengeParameters":{"CREDENTIAL_REQUEST_OPTIONS":"{\"challenge\":\"canary-webauthn\"}"}}`},
		{name: "device-secret", event: "ConfirmDevice",
			request: `{"deviceKey":"us-east-1_0f5a3f6e-2b8c-4d3e-9a7b-1c2d3e4f5a6b","deviceName":"phone",` +
				`"deviceSecretVerifierConfig":{"passwordVerifier":"canary-verifier","salt":"canary-devsalt"}}`,
			response: `{"userConfirmationNecessary":false}`},
		{name: "new-device", event: "RespondToAuthChallenge",
			request:  `{"clientId":"3n4b5urk1ft4fl3mg5e62d9ado","challengeName":"SMS_MFA"}`,
			response: `{"newDeviceMetadata":{"deviceKey":"us-east-1_0f5a3f6e","deviceGroupKey":"canary-groupkey"}}`},
		{name: "webauthn-registration", event: "StartWebAuthnRegistration",
			response: `{"credentialCreationOptions":{"challenge":"canary-challenge","rp":{"id":"auth.example.com","name":"Acme"},"timeout":180000}}`},
		{name: "webauthn-credential", event: "CompleteWebAuthnRegistration",
			request: `{"credential":{"id":"canary-credid","response":{"attestationObject":"canary-attestation"}}}`},
		{name: "sms-external-id", event: "SetUserPoolMfaConfig",
			request: `{"userPoolId":"us-east-1_Xk3mQ9pLw","smsMfaConfiguration":{"smsConfiguration":{"snsCallerArn":"arn:aws:iam::111122223333:role/sms","externalId":"canary-external"}}}`},
		{name: "hosted-ui-oidc", event: "Logout",
			additional: `{"userPoolDomain":"auth.example.com","requestParameters":{"client_id":["3n4b5urk1ft4fl3mg5e62d9ado"],` +
				`"state":["canary-state"],"id_token_hint":["canary-hint"],"client_assertion":["canary-assertion"],` +
				`"client_assertion_type":["urn:ietf:params:oauth:client-assertion-type:jwt-bearer"],"nonce":["canary-nonce"],` +
				`"code_challenge":["canary-pkce"],"SAMLResponse":["canary-saml"]},"responseParameters":{"status":302}}`},
		{name: "folded-keys", event: "AdminInitiateAuth",
			request: `{"userPoolId":"us-east-1_Xk3mQ9pLw","clientId":"3n4b5urk1ft4fl3mg5e62d9ado",` +
				`"pa\u017f\u017fword":"canary-longs","\u017fession":"canary-session","to\u212aen":"canary-kelvin",` +
				`"ID_TOKEN_HINT":"canary-upper","Client-Assertion":"canary-dash","ExternalID":"canary-ext",` +
				`"pa` + "\u017f\u017f" + `word2":"kept","` + "\u017f" + `ession_":"canary-utf8","TO` + "\u212a" + `EN":"canary-kelvin-utf8"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			input := craftedRecord(tt.event, tt.request, tt.response, tt.additional)
			if !json.Valid(input) {
				t.Fatalf("crafted record is not JSON: %s", input)
			}
			ev, err := Normalize(input)
			if err != nil {
				t.Fatalf("Normalize: %v", err)
			}
			out := string(ev.AppendJSON(nil)) + fmt.Sprintf("%+v", *ev)
			if i := strings.Index(out, "canary"); i >= 0 {
				t.Fatalf("a planted value survived: …%s…", out[max(i-60, 0):min(i+40, len(out))])
			}
			var d struct {
				Request    json.RawMessage `json:"requestParameters"`
				Response   json.RawMessage `json:"responseElements"`
				Additional json.RawMessage `json:"additionalEventData"`
			}
			if err := json.Unmarshal(ev.Data, &d); err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			for _, p := range []json.RawMessage{d.Request, d.Response, d.Additional} {
				if len(p) == 0 {
					p = json.RawMessage("null")
				}
				if err := json.Indent(&got, p, "", "  "); err != nil {
					t.Fatal(err)
				}
				got.WriteByte('\n')
			}
			checkGolden(t, filepath.Join("testdata", "redaction", tt.name+".json"), got.Bytes())
		})
	}
}

// TestDeniedFolds: denied matches every spelling encoding/json reads as a
// deny-listed name, and no other.
func TestDeniedFolds(t *testing.T) {
	for key, want := range map[string]bool{
		"password": true, "PASSWORD": true, "pa\u017f\u017fword": true, "\u017fession": true, "to\u212aen": true,
		"client_secret": true, "Client-Secret": true, "SRP_B": true, "Salt": true, "deviceGroupKey": true,
		"externalId": true, "id_token_hint": true, "client_assertion": true, "state": true, "nonce": true,
		"challenge": true,
		"passwörd":  false, "pass word": false, "tokens": false, "userPoolId": false, "challengeName": false,
		"\u0130d_token": false, "deviceKey": false, "": false,
	} {
		if got := denied([]byte(key)); got != want {
			t.Errorf("denied(%q) = %v, want %v", key, got, want)
		}
	}
}

// TestRepeatedKeys: a record whose open-ended parts repeat a key, or hold
// two spellings of an identifier that encoding/json folds together, is
// malformed (decoders keep the last value, the normaliser's hints the
// first); other folded pairs are data and pass.
func TestRepeatedKeys(t *testing.T) {
	tests := []struct {
		name, request string
		malformed     bool
	}{
		{"exact repeat", `{"userPoolId":"us-east-1_Xk3mQ9pLw","username":"alice","username":"mallory"}`, true},
		{"exact repeat deep", `{"userPoolId":"us-east-1_Xk3mQ9pLw","username":"alice","a":{"b":1,"b":2}}`, true},
		{"folded identifier", `{"userPoolId":"us-east-1_Xk3mQ9pLw","username":"alice","USERNAME":"mallory"}`, true},
		{"folded identifier first", `{"userPoolId":"us-east-1_Xk3mQ9pLw","Username":"mallory","username":"alice"}`, true},
		{"folded identifier long s", `{"userPoolId":"us-east-1_Xk3mQ9pLw","username":"alice","u\u017fername":"mallory"}`, true},
		{"folded data", `{"userPoolId":"us-east-1_Xk3mQ9pLw","username":"alice","attributeMapping":{"email":"email","Email":"mail"}}`, false},
		{"same key in sibling objects", `{"userPoolId":"us-east-1_Xk3mQ9pLw","username":"alice","a":{"b":1},"c":{"b":2}}`, false},
		{"many keys", `{"userPoolId":"us-east-1_Xk3mQ9pLw","username":"alice","m":{` + manyKeys(200, "") + `}}`, false},
		{"many keys repeat", `{"userPoolId":"us-east-1_Xk3mQ9pLw","username":"alice","m":{` + manyKeys(200, `,"k7":0`) + `}}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := Normalize(craftedRecord("AdminGetUser", tt.request, "", ""))
			if !tt.malformed {
				if err != nil {
					t.Fatalf("Normalize: %v", err)
				}
				if ev.Subject != "" && !strings.Contains(ev.Subject, "alice") {
					t.Errorf("subject %q", ev.Subject)
				}
				return
			}
			if !errors.Is(err, ErrNotJSON) || !strings.Contains(err.Error(), "malformed") {
				t.Fatalf("err = %v, want a malformed-record error", err)
			}
			if strings.Contains(err.Error(), "mallory") || strings.Contains(err.Error(), "alice") {
				t.Errorf("error shows a value: %v", err)
			}
		})
	}
}

func manyKeys(n int, extra string) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"k%d":%d`, i, i)
	}
	return b.String() + extra
}
