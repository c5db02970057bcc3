package events

import "encoding/json"

// DetailType values of the EventBridge envelopes that carry CloudTrail
// records of Cognito user pools.
const (
	// DetailTypeAPICall carries API calls (eventType AwsApiCall).
	DetailTypeAPICall = "AWS API Call via CloudTrail"
	// DetailTypeServiceEvent carries hosted-UI and managed-login endpoint
	// events (eventType AwsServiceEvent).
	DetailTypeServiceEvent = "AWS Service Event via CloudTrail"
	// DetailTypeConsoleSignIn carries console sign-ins (eventType
	// AwsConsoleSignIn).
	DetailTypeConsoleSignIn = "AWS Console Sign In via CloudTrail"
	// DetailTypeConsoleAction carries console actions (eventType
	// AwsConsoleAction).
	DetailTypeConsoleAction = "AWS Console Action via CloudTrail"
)

// Sources and event sources of Cognito records.
const (
	// EventBridgeSource is the envelope's source for user-pool records.
	EventBridgeSource = "aws.cognito-idp"
	// EventSourceUserPool is the CloudTrail eventSource of user-pool records.
	EventSourceUserPool = "cognito-idp.amazonaws.com"
	// EventSourceIdentityPool is the CloudTrail eventSource of identity-pool
	// records, which are not user-pool records and are skipped.
	EventSourceIdentityPool = "cognito-identity.amazonaws.com"
)

// CloudTrail eventType values.
const (
	EventTypeAPICall       = "AwsApiCall"
	EventTypeServiceEvent  = "AwsServiceEvent"
	EventTypeConsoleSignIn = "AwsConsoleSignIn"
	EventTypeConsoleAction = "AwsConsoleAction"
)

// Envelope is an EventBridge event as delivered to a rule target. For
// CloudTrail events Detail is a Record.
type Envelope struct {
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       string          `json:"time"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}

// Record is one CloudTrail record, as EventBridge puts it under detail and as
// CloudTrail's LookupEvents API and S3 log files give it. The open-ended parts
// stay raw JSON. Unknown fields are ignored.
type Record struct {
	EventVersion                 string          `json:"eventVersion"`
	UserIdentity                 UserIdentity    `json:"userIdentity"`
	EventTime                    string          `json:"eventTime"`
	EventSource                  string          `json:"eventSource"`
	EventName                    string          `json:"eventName"`
	AWSRegion                    string          `json:"awsRegion"`
	SourceIPAddress              string          `json:"sourceIPAddress"`
	UserAgent                    string          `json:"userAgent"`
	RequestParameters            json.RawMessage `json:"requestParameters"`
	ResponseElements             json.RawMessage `json:"responseElements"`
	AdditionalEventData          json.RawMessage `json:"additionalEventData"`
	ErrorCode                    string          `json:"errorCode"`
	ErrorMessage                 string          `json:"errorMessage"`
	RequestID                    string          `json:"requestID"`
	EventID                      string          `json:"eventID"`
	ReadOnly                     Flag            `json:"readOnly"`
	EventType                    string          `json:"eventType"`
	ManagementEvent              Flag            `json:"managementEvent"`
	RecipientAccountID           string          `json:"recipientAccountId"`
	EventCategory                string          `json:"eventCategory"`
	TLSDetails                   *TLSDetails     `json:"tlsDetails"`
	ServiceEventDetails          json.RawMessage `json:"serviceEventDetails"`
	SessionCredentialFromConsole Flag            `json:"sessionCredentialFromConsole"`
	Resources                    []TrailResource `json:"resources"`
}

// TrailResource is one entry of a record's resources list. Some Cognito
// records (ChangePassword, DeleteUser, AssociateSoftwareToken, …) name their
// user pool only here.
type TrailResource struct {
	AccountID string `json:"accountId"`
	Type      string `json:"type"`
	ARN       string `json:"ARN"`
}

// UserIdentity says who made the call. Hosted-UI records carry only
// AccountID; unauthenticated API calls carry Type "Unknown".
type UserIdentity struct {
	Type           string          `json:"type"`
	PrincipalID    string          `json:"principalId"`
	ARN            string          `json:"arn"`
	AccountID      string          `json:"accountId"`
	AccessKeyID    string          `json:"accessKeyId"`
	UserName       string          `json:"userName"`
	InvokedBy      string          `json:"invokedBy"`
	SessionContext *SessionContext `json:"sessionContext"`
}

// SessionContext describes the session of temporary credentials.
type SessionContext struct {
	SessionIssuer SessionIssuer     `json:"sessionIssuer"`
	Attributes    SessionAttributes `json:"attributes"`
}

// SessionIssuer is the role or user whose credentials opened the session.
type SessionIssuer struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId"`
	ARN         string `json:"arn"`
	AccountID   string `json:"accountId"`
	UserName    string `json:"userName"`
}

// SessionAttributes of a session; CloudTrail writes mfaAuthenticated as the
// string "true" or "false".
type SessionAttributes struct {
	CreationDate     string `json:"creationDate"`
	MFAAuthenticated Flag   `json:"mfaAuthenticated"`
}

// TLSDetails of the caller's connection.
type TLSDetails struct {
	TLSVersion               string `json:"tlsVersion"`
	CipherSuite              string `json:"cipherSuite"`
	ClientProvidedHostHeader string `json:"clientProvidedHostHeader"`
}

// Flag is a boolean that CloudTrail writes either as a JSON boolean or as the
// string "true"/"false" (sessionCredentialFromConsole, mfaAuthenticated).
// Anything else decodes as false.
type Flag bool

// UnmarshalJSON accepts true, false, "true" and "false"; any other value is
// false rather than an error, so one odd field never loses a record.
func (f *Flag) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "true", `"true"`:
		*f = true
	default:
		*f = false
	}
	return nil
}
