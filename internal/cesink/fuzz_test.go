package cesink

import (
	"net/http"
	"strings"
	"testing"

	"github.com/cognito-events/cognito-events/events"
)

// FuzzParse: no headers and body make Parse panic, and an accepted event
// is valid.
func FuzzParse(f *testing.F) {
	for _, ev := range corpus(f)[:5] {
		f.Add(seedAttrs(ev.Attributes()), "application/json", string(ev.Data))
	}
	f.Add("specversion=1.0;id=1;source=s;type=t;subject=a%20b", "text/plain", "hello")
	f.Add("", "application/cloudevents+json", `{"specversion":"1.0","id":"1","source":"s","type":"t","data":{"a":1}}`)
	f.Add("", "application/cloudevents+json; charset=utf-8", `{"specversion":"1.0","id":"1","source":"s","type":"t","data_base64":"aGk="}`)
	f.Fuzz(func(t *testing.T, attrs, contentType, body string) {
		h := http.Header{}
		if contentType != "" {
			h.Set("Content-Type", contentType)
		}
		for _, kv := range strings.Split(attrs, ";") {
			if k, v, ok := strings.Cut(kv, "="); ok {
				h.Set("Ce-"+k, v)
			}
		}
		ev, mode, err := Parse(h, []byte(body))
		if err != nil {
			return
		}
		if mode != ModeBinary && mode != ModeStructured {
			t.Errorf("mode %q", mode)
		}
		if err := ev.Validate(); err != nil {
			t.Errorf("accepted an invalid event: %v", err)
		}
		_ = Pretty(1, mode, 202, ev)
	})
}

// seedAttrs writes attributes as the fuzz seed's name=value list.
func seedAttrs(attrs []events.Attribute) string {
	var parts []string
	for _, a := range attrs {
		if a.Name != "datacontenttype" {
			parts = append(parts, a.Name+"="+a.Value)
		}
	}
	return strings.Join(parts, ";")
}
