package events

import (
	"encoding/json"
	"strings"
	"testing"
)

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
