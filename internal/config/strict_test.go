package config

import (
	"errors"
	"strings"
	"testing"
)

// TestStrictKeys: keys match exactly, case included; an unknown key names
// the route by name and index, its path, and the nearest known key.
func TestStrictKeys(t *testing.T) {
	tests := []struct {
		name, top, route string
		want             string
	}{
		{"pool id capitalised", "", `{"selection": {"operations": ["users"], "userPoolID": ["us-east-1_AbCdEfGhI"]}}`,
			`route "app-clients" (routes[0]): selection.userPoolID: unknown field "userPoolID": did you mean "userPoolIds"?`},
		{"read-only case", "", `{"selection": {"operations": ["users"], "includeReadonly": true}}`,
			`route "app-clients" (routes[0]): selection.includeReadonly: unknown field "includeReadonly": did you mean "includeReadOnly"?`},
		{"top-level typo", `{"regoins": ["us-east-1"]}`, "",
			`regoins: unknown field "regoins": did you mean "regions"?`},
		{"top-level case", `{"Regions": ["us-east-1"]}`, "",
			`Regions: unknown field "Regions": did you mean "regions"?`},
		{"trail key", `{"trail": {"bucketExpirationDay": 3}}`, "",
			`trail.bucketExpirationDay: unknown field "bucketExpirationDay": did you mean "bucketExpirationDays"?`},
		{"embedded sink key", "", `{"sink": {"kind": "sqs", "queueURL": "https://sqs.us-east-1.amazonaws.com/123456789012/q"}}`,
			`route "app-clients" (routes[0]): sink.queueURL: unknown field "queueURL": did you mean "queueUrl"?`},
		{"nested auth key", "", `{"sink": {"kind": "http", "url": "https://example.com/", "auth": {"type": "bearer", "Secret": "x"}}}`,
			`(routes[0]): sink.auth.Secret: unknown field "Secret": did you mean "secret"?`},
		{"key far from any", "", `{"delivery": {"zzzzzzzzzzzz": 1}}`,
			`delivery.zzzzzzzzzzzz: unknown field "zzzzzzzzzzzz": known keys here are archiveRetentionDays, batchSize, buffered, maxEventAgeSeconds, retryAttempts`},
		{"sync attribute policy", "", `{"sync": {"schedule": "rate(1 hour)", "attributes": {"Allow": ["email"]}}}`,
			`sync.attributes.Allow: unknown field "Allow": did you mean "allow"?`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			input := patch(t, tt.top, tt.route)
			_, err := Parse([]byte(input))
			if err == nil {
				t.Fatalf("Parse accepted %s", input)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error does not wrap ErrInvalid: %v", err)
			}
			var uk *UnknownKeyError
			if !errors.As(err, &uk) {
				t.Errorf("error is not an *UnknownKeyError: %v", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\ndoes not contain %q", err, tt.want)
			}
		})
	}
}

// TestStrictKeysSecondRoute: the route is named by its own name and index,
// and the first unknown key in document order is the one reported.
func TestStrictKeysSecondRoute(t *testing.T) {
	c := `{"regions": ["us-east-1"], "routes": [
	  {"name": "a", "selection": {"operations": ["users"]}, "sink": {"kind": "sns", "topicArn": "arn:aws:sns:us-east-1:123456789012:t"}},
	  {"selection": {"operations": ["groups"], "clientIDs": ["x"]}, "name": "b", "sink": {"kind": "sns", "topicARN": "arn:aws:sns:us-east-1:123456789012:t"}}]}`
	_, err := Parse([]byte(c))
	want := `route "b" (routes[1]): selection.clientIDs: unknown field "clientIDs": did you mean "clientIds"?`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
}

// TestStrictKeysOpenParts: maps keep any key, and selection.match is left
// to its own checker (which knows the CloudTrail record's fields).
func TestStrictKeysOpenParts(t *testing.T) {
	input := patch(t, "", `{"poolResolution": {"clientMap": {"AnyClientId": "us-east-1_AbCdEfGhI"}}}`)
	if _, err := Parse([]byte(input)); err != nil {
		t.Errorf("client map key refused: %v", err)
	}
	if err := checkKeys([]byte(`{"routes": [{"selection": {"match": {"Anything": ["x"]}}}]}`), &Config{}); err != nil {
		t.Errorf("selection.match checked by checkKeys: %v", err)
	}
}
