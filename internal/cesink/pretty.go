package cesink

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/cognito-events/cognito-events/internal/sink"
)

// Extensions shown by Pretty, from the event contract.
var prettyExtensions = []string{"eventname", "errorcode", "sequence"}

// Pretty formats one event as a block: a header line with its number,
// mode and the answer given, the main attributes, and the data indented.
func Pretty(n int, mode sink.Mode, status int, ev event.Event) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "--- event %d (%s) -> %d\n", n, mode, status)
	field := func(name, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%-12s %s\n", name+":", v)
		}
	}
	field("id", ev.ID())
	field("type", ev.Type())
	field("source", ev.Source())
	field("subject", ev.Subject())
	if t := ev.Time(); !t.IsZero() {
		field("time", t.UTC().Format(time.RFC3339Nano))
	}
	exts := ev.Extensions()
	for _, name := range prettyExtensions {
		if v, ok := exts[name]; ok {
			field(name, fmt.Sprint(v))
		}
	}
	if data := ev.Data(); len(data) > 0 {
		b.WriteString("data:\n  ")
		if err := json.Indent(&b, data, "  ", "  "); err != nil {
			b.Write(data)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
