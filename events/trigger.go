package events

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Schema of the data of events made from Cognito Lambda triggers.
const (
	// TriggerSchemaVersion is the version of schema/trigger.v1.json,
	// bumped on any incompatible change.
	TriggerSchemaVersion = "1"
	// TriggerDataSchema names the JSON Schema of a trigger event's data;
	// BuildTrigger sets it as the event's DataSchema.
	TriggerDataSchema = "https://github.com/cognito-events/cognito-events/raw/main/events/schema/trigger.v1.json"
)

// TriggerSchemaJSON is the JSON Schema (draft 2020-12) of a trigger
// event's data; its $id is TriggerDataSchema.
//
//go:embed schema/trigger.v1.json
var TriggerSchemaJSON []byte

// ErrNotTrigger is wrapped by BuildTrigger's errors: the payload is not a
// Cognito user-pool trigger payload (not a JSON object, a header field of
// the wrong type, or no triggerSource).
var ErrNotTrigger = errors.New("not a Cognito user-pool trigger payload")

// TriggerPayload is the part of a Cognito user-pool Lambda trigger payload
// that BuildTrigger reads: the header every trigger shares (aws-lambda-go's
// CognitoEventUserPoolsHeader), with the request kept open, because each
// trigger source has its own. The response is never read.
type TriggerPayload struct {
	Version       string                     `json:"version"`
	TriggerSource string                     `json:"triggerSource"`
	Region        string                     `json:"region"`
	UserPoolID    string                     `json:"userPoolId"`
	UserName      string                     `json:"userName"`
	CallerContext TriggerCallerContext       `json:"callerContext"`
	Request       map[string]json.RawMessage `json:"request"`
}

// TriggerCallerContext is the trigger payload's callerContext.
type TriggerCallerContext struct {
	AWSSDKVersion string `json:"awsSdkVersion,omitempty"`
	ClientID      string `json:"clientId,omitempty"`
}

// TriggerData is the data document of a trigger event, described by
// schema/trigger.v1.json; BuildTrigger writes it, consumers may decode it.
// It carries only what the request says about the user and the call:
// never the password (UserMigration), the challenge answer, private
// challenge parameters, codes or tokens, which live in request fields it
// does not read.
type TriggerData struct {
	// TriggerSource is Cognito's triggerSource, such as
	// PostConfirmation_ConfirmSignUp.
	TriggerSource string `json:"triggerSource"`
	Version       string `json:"version,omitempty"`
	Region        string `json:"region,omitempty"`
	UserPoolID    string `json:"userPoolId,omitempty"`
	UserName      string `json:"userName,omitempty"`
	// CallerContext names the app client and SDK of the call.
	CallerContext TriggerCallerContext `json:"callerContext"`
	// UserAttributes are request.userAttributes that the attribute policy
	// keeps; values that are not strings are kept as their JSON text.
	UserAttributes map[string]string `json:"userAttributes"`
	// ClientMetadata is request.clientMetadata, every value RedactedValue
	// except those whose key is allow-listed.
	ClientMetadata map[string]string `json:"clientMetadata"`
	// Groups is request.groupConfiguration.groupsToOverride (token
	// generation triggers).
	Groups []string `json:"groups,omitempty"`
	// NewDeviceUsed is request.newDeviceUsed (PostAuthentication).
	NewDeviceUsed *bool `json:"newDeviceUsed,omitempty"`
	// UserNotFound is request.userNotFound (authentication challenges,
	// PreAuthentication).
	UserNotFound *bool `json:"userNotFound,omitempty"`
}

// TriggerOptions are what BuildTrigger needs besides the payload.
type TriggerOptions struct {
	// FunctionARN is the ARN of the invoked function (the Lambda context's
	// InvokedFunctionArn): the account and partition of the pool ARN.
	FunctionARN string
	// Time is the event's time, RFC 3339: the invocation's, which the
	// payload does not carry.
	Time string
	// Attributes limits the user attributes the event carries.
	Attributes AttributePolicy
	// ClientMetadataAllow lists the clientMetadata keys whose values are
	// kept; every other value is RedactedValue.
	ClientMetadataAllow []string
}

// BuildTrigger makes the event of one Cognito user-pool trigger
// invocation: type EventType, eventname the triggerSource, source the pool
// ARN (region from the payload, account and partition from
// opts.FunctionARN), subject user/<sub> when request.userAttributes holds
// the sub, dataschema TriggerDataSchema and data a TriggerData.
//
// The id is a function of the payload alone (a SHA-256 of its compact
// form, shaped as a UUID), so each of Cognito's retries of an invocation
// carries the same id; so do two invocations with identical payloads. Any
// triggerSource is accepted. Errors wrap ErrNotTrigger.
func BuildTrigger(payload []byte, opts TriggerOptions) (*Event, error) {
	var p TriggerPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return nil, fmt.Errorf("reading trigger payload: %w: %w", ErrNotTrigger, err)
	}
	if p.TriggerSource == "" {
		return nil, fmt.Errorf("reading trigger payload: %w: triggerSource is missing", ErrNotTrigger)
	}
	data := TriggerData{
		TriggerSource:  p.TriggerSource,
		Version:        p.Version,
		Region:         p.Region,
		UserPoolID:     p.UserPoolID,
		UserName:       p.UserName,
		CallerContext:  p.CallerContext,
		UserAttributes: map[string]string{},
		ClientMetadata: map[string]string{},
	}
	readRequest(&data, p.Request, &opts)
	doc, err := json.Marshal(&data)
	if err != nil {
		return nil, fmt.Errorf("writing trigger data: %w", err)
	}

	region := arnToken(p.Region)
	pool := p.UserPoolID
	if !validPoolID(pool) {
		pool = ""
	}
	if region == "" && pool != "" {
		region = pool[:strings.IndexByte(pool, '_')]
	}
	part, account := functionAccount(opts.FunctionARN)
	if part == "" {
		part = partition(region)
	}
	resource := UnresolvedPool
	if pool != "" {
		resource = "userpool/" + pool
	}
	ev := &Event{
		ID:           triggerID(payload),
		Source:       "arn:" + part + ":cognito-idp:" + region + ":" + account + ":" + resource,
		Time:         opts.Time,
		EventName:    p.TriggerSource,
		UserPoolID:   pool,
		AWSRegion:    region,
		AWSAccountID: account,
		DataSchema:   TriggerDataSchema,
		Data:         doc,
	}
	if sub := data.UserAttributes[AttrSub]; sub != "" && !strings.ContainsAny(sub, " /") {
		ev.Subject = string(KindUser) + "/" + sub
		ev.ResourceType = KindUser
	}
	return ev, nil
}

// readRequest copies the request fields the data carries. A field of an
// unexpected type is left out rather than failing the event.
func readRequest(d *TriggerData, req map[string]json.RawMessage, opts *TriggerOptions) {
	var attrs map[string]json.RawMessage
	if json.Unmarshal(req["userAttributes"], &attrs) == nil {
		for k, v := range attrs {
			if opts.Attributes.Keep(k) {
				d.UserAttributes[k] = textOf(v)
			}
		}
	}
	var meta map[string]json.RawMessage
	if json.Unmarshal(req["clientMetadata"], &meta) == nil {
		for k, v := range meta {
			if slices.Contains(opts.ClientMetadataAllow, k) {
				d.ClientMetadata[k] = textOf(v)
			} else {
				d.ClientMetadata[k] = RedactedValue
			}
		}
	}
	var groups struct {
		GroupsToOverride []string `json:"groupsToOverride"`
	}
	if json.Unmarshal(req["groupConfiguration"], &groups) == nil && len(groups.GroupsToOverride) > 0 {
		d.Groups = groups.GroupsToOverride
	}
	d.NewDeviceUsed = optBool(req["newDeviceUsed"])
	d.UserNotFound = optBool(req["userNotFound"])
}

// textOf is a JSON string's value, or the compact JSON text of any other
// value.
func textOf(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	var b bytes.Buffer
	if json.Compact(&b, v) != nil {
		return ""
	}
	return b.String()
}

func optBool(v json.RawMessage) *bool {
	var b bool
	if v == nil || json.Unmarshal(v, &b) != nil {
		return nil
	}
	return &b
}

// triggerID is the id of a payload's event: the SHA-256 of its compact
// form, the first 16 bytes shaped as a version-8 UUID.
func triggerID(payload []byte) string {
	var b bytes.Buffer
	h := sha256.New()
	if json.Compact(&b, payload) == nil {
		h.Write(b.Bytes())
	} else {
		h.Write(payload)
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	sum[6] = sum[6]&0x0f | 0x80
	sum[8] = sum[8]&0x3f | 0x80
	x := hex.EncodeToString(sum[:16])
	return x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
}

// functionAccount returns the partition and account of a Lambda function
// ARN (arn:<partition>:lambda:<region>:<account>:function:<name>), each
// "" when the ARN does not give it.
func functionAccount(arn string) (partition, account string) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" || parts[2] != "lambda" {
		return "", ""
	}
	return arnToken(parts[1]), firstAccount(parts[4])
}

// arnToken returns s when it can stand as one part of an ARN (lower-case
// letters, digits and '-', as regions and partitions are; cognito-local's
// region is "local"), else "".
func arnToken(s string) string {
	if len(s) == 0 || len(s) > 32 || strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
		return ""
	}
	return s
}
