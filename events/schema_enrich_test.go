package events

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// enrichedUserJSON is data.user as the forwarder's enrichment writes it.
const enrichedUserJSON = `{"Attributes":[{"Name":"email","Value":"alice@example.com"},{"Name":"sub","Value":"dd3f707b-0b74-4448-8d1b-7ec65b2bd138"}],"Enabled":false,"MFAOptions":null,"UserCreateDate":"2025-01-02T03:04:05Z","UserLastModifiedDate":"2025-01-02T04:04:05Z","UserStatus":"CONFIRMED","Username":"alice"}`

// addEnrichment adds fields before the closing brace of a data object, as the
// forwarder's enrichment does.
func addEnrichment(tb testing.TB, data []byte, fields string) []byte {
	tb.Helper()
	data = bytes.TrimSpace(data)
	if len(data) < 2 || data[len(data)-1] != '}' {
		tb.Fatalf("data is not a JSON object: %s", data)
	}
	return append(bytes.Clone(data[:len(data)-1]), ","+fields+"}"...)
}

// TestDataEnriched decodes an enriched data document (data.user and
// data.userLookup added by a route's enrich.user) into Data with unknown
// fields disallowed, after validating it against the schema.
func TestDataEnriched(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "envelopes", "AdminUpdateUserAttributes.json"))
	if err != nil {
		t.Fatalf("reading fixture: %v", err)
	}
	ev, err := Normalize(raw)
	if err != nil {
		t.Fatalf("normalizing fixture: %v", err)
	}
	created := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	modified := created.Add(time.Hour)
	alice := &User{
		Attributes:     []UserAttribute{{Name: "email", Value: "alice@example.com"}, {Name: "sub", Value: "dd3f707b-0b74-4448-8d1b-7ec65b2bd138"}},
		UserCreateDate: &created, UserLastModifiedDate: &modified, UserStatus: "CONFIRMED", Username: "alice",
	}
	schema := compileDataSchema(t)
	tests := []struct {
		name       string
		fields     string
		wantUser   *User
		wantLookup *UserLookup
	}{
		{"found", `"user":` + enrichedUserJSON + `,"userLookup":{"status":"found"}`, alice, &UserLookup{Status: UserLookupFound}},
		{"not found", `"userLookup":{"status":"notFound"}`, nil, &UserLookup{Status: UserLookupNotFound}},
		{"failed", `"userLookup":{"status":"failed","reason":"Cognito answered TooManyRequestsException"}`, nil, &UserLookup{Status: UserLookupFailed, Reason: "Cognito answered TooManyRequestsException"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := addEnrichment(t, ev.Data, tt.fields)
			checkSchema(t, schema, "data.v1.json", data)
			var d Data
			decodeStrict(t, data, &d)
			if !reflect.DeepEqual(d.User, tt.wantUser) {
				t.Errorf("User = %+v, want %+v", d.User, tt.wantUser)
			}
			if !reflect.DeepEqual(d.UserLookup, tt.wantLookup) {
				t.Errorf("UserLookup = %+v, want %+v", d.UserLookup, tt.wantLookup)
			}
			if d.Call.EventID != ev.ID {
				t.Errorf("call.eventID = %q, want %q", d.Call.EventID, ev.ID)
			}
			// Data encodes back to what the consumer read.
			b, err := json.Marshal(&d)
			if err != nil {
				t.Fatalf("encoding Data: %v", err)
			}
			var again Data
			decodeStrict(t, b, &again)
			if !reflect.DeepEqual(again.User, d.User) || !reflect.DeepEqual(again.UserLookup, d.UserLookup) {
				t.Errorf("round trip: user %+v lookup %+v, want %+v %+v", again.User, again.UserLookup, d.User, d.UserLookup)
			}
		})
	}
}

// TestDataEnrichedUnknownField proves the decoding above is strict inside
// data.user and data.userLookup too.
func TestDataEnrichedUnknownField(t *testing.T) {
	tests := []struct{ name, doc string }{
		{"in user", `{"user":{"Username":"alice","Password":"x"}}`},
		{"in userLookup", `{"userLookup":{"status":"found","message":"x"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d Data
			dec := json.NewDecoder(strings.NewReader(tt.doc))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&d); err == nil {
				t.Fatalf("decoding %s: no error, want an unknown-field error", tt.doc)
			}
		})
	}
}
