package events

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEventsDoc holds docs/events.md to the code: it must name every
// extension, resource kind, deny-listed key and sentinel, and the fixed
// attribute values.
func TestEventsDoc(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "docs", "events.md"))
	if err != nil {
		t.Fatalf("reading docs/events.md: %v", err)
	}
	doc := string(data)
	want := []string{EventType, DataSchema, DataContentType, RedactedValue, HiddenDueToSecurityReasons, UnresolvedPool,
		ExtEventName, ExtUserPoolID, ExtAWSRegion, ExtAWSAccountID, ExtResourceType, ExtErrorCode,
		"ErrSkip", "ErrNotJSON", "ErrNotCloudTrail", "ErrMissingField", "ErrPoolNotFound"}
	for _, k := range []ResourceKind{KindUserPool, KindClient, KindUser, KindGroup, KindIdentityProvider, KindResourceServer,
		KindDomain, KindImportJob, KindDevice, KindManagedLoginBranding, KindTerms, KindWebAuthnCredential} {
		want = append(want, "`"+string(k)+"`")
	}
	for _, k := range RedactedKeys {
		want = append(want, `"`+k+`"`)
	}
	for _, w := range want {
		if !strings.Contains(doc, w) {
			t.Errorf("docs/events.md does not mention %s", w)
		}
	}
}

// TestSchemaResourceKinds holds the schema's resource.type enum to the kinds
// the catalogue uses.
func TestSchemaResourceKinds(t *testing.T) {
	var schema struct {
		Properties struct {
			Resource struct {
				Properties struct {
					Type struct {
						Enum []string `json:"enum"`
					} `json:"type"`
				} `json:"properties"`
			} `json:"resource"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(DataSchemaJSON, &schema); err != nil {
		t.Fatalf("reading schema: %v", err)
	}
	enum := schema.Properties.Resource.Properties.Type.Enum
	used := map[string]bool{string(KindUserPool): true}
	for _, op := range Operations() {
		used[string(op.Resource)] = true
	}
	if len(enum) != len(used) {
		t.Errorf("schema enum %v, catalogue kinds %v", enum, used)
	}
	for _, k := range enum {
		if !used[k] {
			t.Errorf("schema allows kind %q that no operation has", k)
		}
	}
}
