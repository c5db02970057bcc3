package events

import (
	"errors"
	"testing"
)

func TestAttributePolicyKeep(t *testing.T) {
	for _, tc := range []struct {
		name   string
		policy AttributePolicy
		keep   map[string]bool
	}{
		{"zero keeps all", AttributePolicy{}, map[string]bool{"email": true, "custom:tier": true, "sub": true}},
		{"allow", AttributePolicy{Allow: []string{"email"}}, map[string]bool{"email": true, "phone_number": false, "sub": true, "Email": false}},
		{"deny", AttributePolicy{Deny: []string{"phone_number", "custom:ssn"}}, map[string]bool{"email": true, "phone_number": false, "custom:ssn": false, "sub": true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for attr, want := range tc.keep {
				if got := tc.policy.Keep(attr); got != want {
					t.Errorf("Keep(%q) = %v, want %v", attr, got, want)
				}
			}
		})
	}
}

func TestAttributePolicyValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		policy AttributePolicy
		ok     bool
	}{
		{"zero", AttributePolicy{}, true},
		{"allow", AttributePolicy{Allow: []string{"email"}}, true},
		{"both", AttributePolicy{Allow: []string{"email"}, Deny: []string{"phone_number"}}, false},
		{"empty name", AttributePolicy{Deny: []string{""}}, false},
		{"deny sub", AttributePolicy{Deny: []string{"sub"}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.policy.Validate()
			if (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrBadPolicy)) {
				t.Fatalf("Validate() = %v, want ok %v", err, tc.ok)
			}
		})
	}
}

func TestEventSchema(t *testing.T) {
	e := Event{}
	if e.Schema() != DataSchema {
		t.Fatalf("default Schema() = %q", e.Schema())
	}
	e.DataSchema = "https://example.com/other.json"
	for _, a := range e.Attributes() {
		if a.Name == "dataschema" && a.Value != e.DataSchema {
			t.Fatalf("dataschema attribute %q, want %q", a.Value, e.DataSchema)
		}
	}
}
