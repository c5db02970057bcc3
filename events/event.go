package events

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Fixed attributes of every event.
const (
	// SpecVersion is the CloudEvents version of every event.
	SpecVersion = "1.0"
	// EventType is the type of every event: the type TriggerMesh's Cognito
	// user-pool source emits, so consumers written for it keep working.
	EventType = "com.amazon.cognito-idp.sync_trigger"
	// DataContentType of every event's data.
	DataContentType = "application/json"
	// DataSchemaVersion is the version of the data document's JSON Schema
	// (events/schema/data.v1.json), bumped on any incompatible change.
	DataSchemaVersion = "1"
	// DataSchema names the JSON Schema of data.
	DataSchema = "https://github.com/cognito-events/cognito-events/raw/main/events/schema/data.v1.json"
	// StructuredContentType is the media type of an event in structured mode.
	StructuredContentType = "application/cloudevents+json"
)

// Extension attribute names. Consumers filter on them.
const (
	ExtEventName    = "eventname"
	ExtUserPoolID   = "userpoolid"
	ExtAWSRegion    = "awsregion"
	ExtAWSAccountID = "awsaccountid"
	ExtResourceType = "resourcetype"
	ExtErrorCode    = "errorcode"
	// ExtSequence is the CloudEvents "sequence" extension: on the user
	// sync's events, the per-user change version as SequenceWidth decimal
	// digits, zero-padded, so that string and numeric order agree.
	// Compare it only between events of the same source and subject.
	ExtSequence = "sequence"
)

// SequenceWidth is the number of digits of a sequence attribute: enough for
// every positive int64.
const SequenceWidth = 20

// FormatSequence returns the sequence attribute of change version v:
// SequenceWidth decimal digits, zero-padded.
func FormatSequence(v int64) string {
	return fmt.Sprintf("%0*d", SequenceWidth, v)
}

// validSequence reports whether s is SequenceWidth decimal digits.
func validSequence(s string) bool {
	if len(s) != SequenceWidth {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Event is one CloudEvent of the contract (docs/events.md). Normalize makes
// it; the sinks send it. Every field is a plain value, so an Event can be
// compared and copied.
type Event struct {
	// ID is the CloudTrail eventID: every redelivery of one call has the same.
	ID string
	// Source is the user pool ARN, or the fallback
	// arn:<partition>:cognito-idp:<region>:<account>:userpool/unresolved
	// when the pool could not be determined.
	Source string
	// Subject is "<resourcetype>/<id>" of the resource inside the pool that
	// the call touched; empty for pool-level calls.
	Subject string
	// Time is the CloudTrail eventTime, RFC 3339.
	Time string

	// Extension attributes; empty ones are not sent.
	EventName    string
	UserPoolID   string
	AWSRegion    string
	AWSAccountID string
	ResourceType ResourceKind
	ErrorCode    string
	// Sequence is the CloudEvents sequence extension (ExtSequence): set on
	// the user sync's events only, FormatSequence of the change's version.
	Sequence string

	// DataSchema names the JSON Schema of Data; empty means DataSchema, the
	// schema of the CloudTrail call's document (data.v1.json). Events made
	// from other sources (the user sync, Cognito triggers) name their own.
	DataSchema string

	// Data is the data document, compact JSON valid against the schema.
	Data json.RawMessage
}

// Schema returns the dataschema attribute: e.DataSchema, or DataSchema.
func (e *Event) Schema() string {
	if e.DataSchema != "" {
		return e.DataSchema
	}
	return DataSchema
}

// Attribute is one context attribute of an event, by its CloudEvents name.
type Attribute struct {
	Name  string
	Value string
}

// Attributes returns the event's context attributes that have a value, in a
// fixed order: the required and optional attributes of the CloudEvents spec,
// then the extensions. Transports that carry attributes as headers or message
// attributes use it.
func (e *Event) Attributes() []Attribute {
	attrs := []Attribute{
		{"specversion", SpecVersion},
		{"id", e.ID},
		{"source", e.Source},
		{"type", EventType},
		{"datacontenttype", DataContentType},
		{"dataschema", e.Schema()},
		{"subject", e.Subject},
		{"time", e.Time},
		{ExtEventName, e.EventName},
		{ExtUserPoolID, e.UserPoolID},
		{ExtAWSRegion, e.AWSRegion},
		{ExtAWSAccountID, e.AWSAccountID},
		{ExtResourceType, string(e.ResourceType)},
		{ExtErrorCode, e.ErrorCode},
		{ExtSequence, e.Sequence},
	}
	out := attrs[:0]
	for _, a := range attrs {
		if a.Value != "" {
			out = append(out, a)
		}
	}
	return out
}

// AppendJSON appends the event in the CloudEvents JSON format (structured
// mode) to dst: one compact object, data inline.
func (e *Event) AppendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	for i, a := range e.Attributes() {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, a.Name)
		dst = append(dst, ':')
		dst = appendString(dst, a.Value)
	}
	dst = append(dst, `,"data":`...)
	if len(e.Data) == 0 {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, e.Data...)
	}
	return append(dst, '}')
}

// MarshalJSON returns the event in structured mode.
func (e Event) MarshalJSON() ([]byte, error) {
	return e.AppendJSON(make([]byte, 0, 256+len(e.Data))), nil
}

// Validate checks the event against the CloudEvents 1.0 rules and this
// contract: required attributes present, time in RFC 3339, data a JSON
// object.
func (e *Event) Validate() error {
	var errs []error
	if e.ID == "" {
		errs = append(errs, errors.New("id is empty"))
	}
	if e.Source == "" {
		errs = append(errs, errors.New("source is empty"))
	}
	if e.Time == "" {
		errs = append(errs, errors.New("time is empty"))
	} else if !validTime(e.Time) {
		errs = append(errs, fmt.Errorf("time %q is not RFC 3339", e.Time))
	}
	if strings.ContainsAny(e.Source, " #?\t\n") {
		errs = append(errs, fmt.Errorf("source %q is not a URI reference", e.Source))
	}
	if e.Sequence != "" && !validSequence(e.Sequence) {
		errs = append(errs, fmt.Errorf("sequence %q is not %d decimal digits", e.Sequence, SequenceWidth))
	}
	if e.EventName == "" {
		errs = append(errs, errors.New("eventname is empty"))
	}
	if len(e.Data) == 0 || e.Data[0] != '{' || !json.Valid(e.Data) {
		errs = append(errs, errors.New("data is not a JSON object"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("validating event %q: %w", e.ID, err)
	}
	return nil
}
