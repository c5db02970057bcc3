package events

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
)

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
