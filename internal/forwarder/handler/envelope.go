package handler

import (
	"bytes"
	"encoding/json"
	"time"

	lambdaevents "github.com/aws/aws-lambda-go/events"
)

// wireEnvelope is the EventBridge envelope as the normaliser reads it. The
// fields left empty by the decode are left out, so an envelope without an
// account (as EventBridge-to-SQS deliveries on some emulators) reads as it
// did on the wire.
type wireEnvelope struct {
	Version    string          `json:"version,omitempty"`
	ID         string          `json:"id,omitempty"`
	DetailType string          `json:"detail-type,omitempty"`
	Source     string          `json:"source,omitempty"`
	Account    string          `json:"account,omitempty"`
	Time       string          `json:"time,omitempty"`
	Region     string          `json:"region,omitempty"`
	Resources  []string        `json:"resources,omitempty"`
	Detail     json.RawMessage `json:"detail,omitempty"`
}

// envelope encodes ev again for the normaliser, which takes the bytes of an
// envelope. Every field it reads survives: detail-type, account, region and
// resources as decoded, and detail as the bytes Lambda delivered (a
// json.RawMessage; the encoder only drops its insignificant white space,
// which the normaliser ignores, and escapes no HTML).
func envelope(ev *lambdaevents.EventBridgeEvent) []byte {
	w := wireEnvelope{
		Version:    ev.Version,
		ID:         ev.ID,
		DetailType: ev.DetailType,
		Source:     ev.Source,
		Account:    ev.AccountID,
		Region:     ev.Region,
		Resources:  ev.Resources,
		Detail:     ev.Detail,
	}
	if !ev.Time.IsZero() {
		w.Time = ev.Time.Format(time.RFC3339Nano)
	}
	var buf bytes.Buffer
	buf.Grow(len(ev.Detail) + 512)
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(w); err != nil {
		// Only a Detail that is not JSON fails, which Lambda's decode
		// cannot produce; the normaliser reports the detail's syntax
		// error.
		return ev.Detail
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})
}
