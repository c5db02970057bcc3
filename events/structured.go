package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// ErrNotEvent is wrapped by ParseStructured's errors: the input is JSON
// but not a CloudEvent of this contract.
var ErrNotEvent = errors.New("not a CloudEvent of the contract")

// ParseStructured reads one event in the CloudEvents JSON format
// (structured mode), as AppendJSON writes it, back into an Event: the
// inverse of AppendJSON for every valid event, so that an event queued by
// one function (the trigger function's SQS sink) is delivered unchanged by
// another (the forwarder's sqs-cloudevents input).
//
// It is a pure function. It refuses, with an error naming the attribute:
// input that is not a JSON object (ErrNotJSON); a specversion other than
// SpecVersion, a type other than EventType, a datacontenttype other than
// DataContentType, an attribute that is not a string, an attribute the
// contract does not define (it could not be delivered unchanged),
// data_base64, and an event that fails Validate (all ErrNotEvent).
func ParseStructured(b []byte) (*Event, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil || m == nil {
		if err == nil {
			err = errors.New("null")
		}
		return nil, fmt.Errorf("parsing structured event: %w: %w", ErrNotJSON, err)
	}
	ev := &Event{}
	fields := map[string]*string{
		"id":            &ev.ID,
		"source":        &ev.Source,
		"subject":       &ev.Subject,
		"time":          &ev.Time,
		"dataschema":    &ev.DataSchema,
		ExtEventName:    &ev.EventName,
		ExtUserPoolID:   &ev.UserPoolID,
		ExtAWSRegion:    &ev.AWSRegion,
		ExtAWSAccountID: &ev.AWSAccountID,
		ExtErrorCode:    &ev.ErrorCode,
		ExtSequence:     &ev.Sequence,
	}
	fixed := map[string]string{
		"specversion":     SpecVersion,
		"type":            EventType,
		"datacontenttype": DataContentType,
	}
	var resourceType string
	fields[ExtResourceType] = &resourceType
	for _, name := range []string{"specversion", "type"} {
		if _, ok := m[name]; !ok {
			return nil, fmt.Errorf("parsing structured event: %w: %s is missing", ErrNotEvent, name)
		}
	}
	for name, raw := range m {
		if name == "data" {
			continue
		}
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, fmt.Errorf("parsing structured event: %w: attribute %q is not a string", ErrNotEvent, name)
		}
		if want, ok := fixed[name]; ok {
			if v != want {
				return nil, fmt.Errorf("parsing structured event: %w: %s is %q, want %q", ErrNotEvent, name, v, want)
			}
			continue
		}
		dst, ok := fields[name]
		if !ok {
			return nil, fmt.Errorf("parsing structured event: %w: attribute %q is not part of the contract", ErrNotEvent, name)
		}
		*dst = v
	}
	ev.ResourceType = ResourceKind(resourceType)
	if ev.DataSchema == DataSchema {
		ev.DataSchema = "" // the default, as Normalize leaves it
	}
	if data := m["data"]; len(data) > 0 {
		ev.Data = json.RawMessage(bytes.Clone(data))
	}
	if err := ev.Validate(); err != nil {
		return nil, fmt.Errorf("parsing structured event: %w: %w", ErrNotEvent, err)
	}
	return ev, nil
}
