package events

import (
	"encoding/json"
	"fmt"
	"strings"
)

// envelopeVersion is the version of every EventBridge event.
const envelopeVersion = "0"

// detailTypes maps CloudTrail eventType values to the detail-type of the
// EventBridge events that carry them.
var detailTypes = map[string]string{
	EventTypeAPICall:       DetailTypeAPICall,
	EventTypeServiceEvent:  DetailTypeServiceEvent,
	EventTypeConsoleSignIn: DetailTypeConsoleSignIn,
	EventTypeConsoleAction: DetailTypeConsoleAction,
}

// Wrap wraps a bare CloudTrail record in the event EventBridge builds for it
// on the default bus: source "aws." plus the eventSource's service
// (aws.cognito-idp), detail-type from the eventType ("AWS API Call via
// CloudTrail", ...), region from awsRegion, account from recipientAccountId
// (else userIdentity.accountId), time from eventTime, no resources, and the
// record, unchanged, as detail. EventBridge gives each event a random id;
// here it is the record's eventID, so the output is a pure function of the
// input.
//
// An input that already is an EventBridge event (an object with a
// detail-type, which CloudTrail records never have) is returned unchanged,
// whatever its detail. Errors wrap ErrNotJSON or ErrMissingField and name
// the field.
func Wrap(record []byte) ([]byte, error) {
	var probe struct {
		DetailType json.RawMessage `json:"detail-type"`
	}
	if err := json.Unmarshal(record, &probe); err != nil {
		return nil, fmt.Errorf("wrapping record: %w: %w", ErrNotJSON, err)
	}
	if probe.DetailType != nil {
		return record, nil
	}
	var rec struct {
		EventSource        string `json:"eventSource"`
		EventType          string `json:"eventType"`
		EventTime          string `json:"eventTime"`
		EventID            string `json:"eventID"`
		AWSRegion          string `json:"awsRegion"`
		RecipientAccountID string `json:"recipientAccountId"`
		UserIdentity       struct {
			AccountID string `json:"accountId"`
		} `json:"userIdentity"`
	}
	if err := json.Unmarshal(record, &rec); err != nil {
		return nil, fmt.Errorf("wrapping record: %w: %w", ErrMissingField, err)
	}
	service, ok := strings.CutSuffix(rec.EventSource, ".amazonaws.com")
	if !ok || service == "" {
		return nil, fmt.Errorf("wrapping record: eventSource: %w: want SERVICE.amazonaws.com, found %q", ErrMissingField, rec.EventSource)
	}
	detailType, ok := detailTypes[rec.EventType]
	if !ok {
		return nil, fmt.Errorf("wrapping record: eventType: %w: want one of AwsApiCall, AwsServiceEvent, AwsConsoleSignIn, AwsConsoleAction, found %q", ErrMissingField, rec.EventType)
	}
	account := rec.RecipientAccountID
	if account == "" {
		account = rec.UserIdentity.AccountID
	}
	env := Envelope{
		Version:    envelopeVersion,
		ID:         rec.EventID,
		DetailType: detailType,
		Source:     "aws." + service,
		Account:    account,
		Time:       rec.EventTime,
		Region:     rec.AWSRegion,
		Resources:  []string{},
		Detail:     record,
	}
	out, err := json.Marshal(env)
	if err != nil {
		return nil, fmt.Errorf("wrapping record: %w", err)
	}
	return out, nil
}
