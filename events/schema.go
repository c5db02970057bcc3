package events

import (
	_ "embed"
	"encoding/json"
)

// DataSchemaJSON is the JSON Schema (draft 2020-12) of an event's data,
// version DataSchemaVersion; its $id is DataSchema.
//
//go:embed schema/data.v1.json
var DataSchemaJSON []byte

// Data is the data document of an event, for consumers that decode it. The
// normaliser writes it directly; this type and schema/data.v1.json describe
// the same document, and the tests hold them to each other.
type Data struct {
	Call                Call                 `json:"call"`
	Actor               Actor                `json:"actor"`
	SourceIPAddress     string               `json:"sourceIPAddress,omitempty"`
	UserAgent           string               `json:"userAgent,omitempty"`
	Resource            Resource             `json:"resource"`
	RequestParameters   json.RawMessage      `json:"requestParameters"`
	ResponseElements    json.RawMessage      `json:"responseElements"`
	AdditionalEventData *AdditionalEventData `json:"additionalEventData,omitempty"`
	Error               *CallError           `json:"error,omitempty"`
	// User is the user's current record, added by the forwarder's
	// enrichment (a route's enrich.user) when the lookup found it.
	User *User `json:"user,omitempty"`
	// UserLookup is how the enrichment's lookup went; absent on events the
	// enrichment did not touch.
	UserLookup *UserLookup `json:"userLookup,omitempty"`
}

// UserLookupStatus is the outcome of the enrichment's lookup of a user.
type UserLookupStatus string

// The lookup's outcomes.
const (
	// UserLookupFound: Data.User is the user's current record.
	UserLookupFound UserLookupStatus = "found"
	// UserLookupNotFound: no user of the pool has the sub; it was deleted.
	UserLookupNotFound UserLookupStatus = "notFound"
	// UserLookupFailed: the lookup did not answer; Reason says why and
	// Data.User is absent.
	UserLookupFailed UserLookupStatus = "failed"
)

// UserLookup is data.userLookup: how the enrichment's lookup of the
// event's user went.
type UserLookup struct {
	Status UserLookupStatus `json:"status"`
	// Reason says why a failed lookup failed (a rate limit, a timeout,
	// the error code Cognito answered); never Cognito's message.
	Reason string `json:"reason,omitempty"`
}

// Call identifies the recorded call.
type Call struct {
	EventName          string `json:"eventName"`
	EventSource        string `json:"eventSource"`
	EventType          string `json:"eventType,omitempty"`
	EventCategory      string `json:"eventCategory,omitempty"`
	EventVersion       string `json:"eventVersion,omitempty"`
	EventTime          string `json:"eventTime"`
	EventID            string `json:"eventID"`
	RequestID          string `json:"requestID,omitempty"`
	ReadOnly           bool   `json:"readOnly"`
	ManagementEvent    bool   `json:"managementEvent"`
	AWSRegion          string `json:"awsRegion"`
	RecipientAccountID string `json:"recipientAccountId,omitempty"`
}

// Actor is who made the call.
type Actor struct {
	Type                         string         `json:"type,omitempty"`
	PrincipalID                  string         `json:"principalId,omitempty"`
	ARN                          string         `json:"arn,omitempty"`
	AccountID                    string         `json:"accountId,omitempty"`
	UserName                     string         `json:"userName,omitempty"`
	InvokedBy                    string         `json:"invokedBy,omitempty"`
	SessionIssuer                *SessionIssuer `json:"sessionIssuer,omitempty"`
	MFAAuthenticated             *bool          `json:"mfaAuthenticated,omitempty"`
	SessionCredentialFromConsole bool           `json:"sessionCredentialFromConsole,omitempty"`
	Unauthenticated              bool           `json:"unauthenticated"`
}

// Resource is what the call touched inside the pool.
type Resource struct {
	Type       ResourceKind `json:"type"`
	ID         string       `json:"id,omitempty"`
	UserPoolID string       `json:"userPoolId,omitempty"`
}

// AdditionalEventData holds the meaningful parts of CloudTrail's
// additionalEventData, and the whole of it, redacted, in Details.
type AdditionalEventData struct {
	UserPoolDomain string          `json:"userPoolDomain,omitempty"`
	ClientID       string          `json:"clientId,omitempty"`
	Sub            string          `json:"sub,omitempty"`
	ResponseStatus *float64        `json:"responseStatus,omitempty"`
	Details        json.RawMessage `json:"details"`
}

// CallError is the error of a failed call.
type CallError struct {
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}
