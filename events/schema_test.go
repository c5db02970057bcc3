package events

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

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
			checkSchema(t, schema, "data.v1.json", ev.Data)
			var d Data
			decodeStrict(t, ev.Data, &d)
			if d.Call.EventID != ev.ID || d.Call.EventName != ev.EventName || d.Resource.Type != ev.ResourceType || d.Resource.UserPoolID != ev.UserPoolID {
				t.Errorf("data disagrees with the attributes: call %+v resource %+v, event %+v", d.Call, d.Resource, ev)
			}
		})
	}
}

// compileSchema compiles one of the package's embedded JSON Schemas (doc,
// published at url), asserting formats as the tests want.
func compileSchema(tb testing.TB, url string, doc []byte) *jsonschema.Schema {
	tb.Helper()
	d, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		tb.Fatalf("reading schema %s: %v", url, err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(url, d); err != nil {
		tb.Fatalf("adding schema %s: %v", url, err)
	}
	s, err := c.Compile(url)
	if err != nil {
		tb.Fatalf("compiling schema %s: %v", url, err)
	}
	return s
}

// checkSchema fails tb unless data is JSON that schema accepts; name says
// which schema in the message.
func checkSchema(tb testing.TB, schema *jsonschema.Schema, name string, data []byte) {
	tb.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		tb.Fatalf("data is not JSON: %v", err)
	}
	if err := schema.Validate(doc); err != nil {
		tb.Fatalf("data does not match %s: %v\ndata: %s", name, err, data)
	}
}

// decodeStrict decodes data into v, failing tb on an unknown field: the
// typed models must cover every key the schema allows.
func decodeStrict(tb testing.TB, data []byte, v any) {
	tb.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		tb.Fatalf("data does not decode into %T: %v", v, err)
	}
}

func compileDataSchema(tb testing.TB) *jsonschema.Schema {
	tb.Helper()
	return compileSchema(tb, DataSchema, DataSchemaJSON)
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
