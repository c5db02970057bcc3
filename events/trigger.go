package events

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
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

// ErrNoTriggerID is returned by BuildTrigger when TriggerOptions.ID is
// empty: a trigger event's id is the invocation's, never the payload's.
var ErrNoTriggerID = errors.New("no invocation id for the trigger event")

// TriggerOutcome is what the function answered Cognito: data.outcome.
type TriggerOutcome string

// The outcomes of a trigger invocation.
const (
	// TriggerAccepted: the function returned a response; Cognito goes on.
	TriggerAccepted TriggerOutcome = "accepted"
	// TriggerRejected: the function returned an error; Cognito stops the
	// flow (sign-up refused, sign-in failed) and shows the error's message.
	TriggerRejected TriggerOutcome = "rejected"
)

// maxTriggerError bounds data.error, in bytes.
const maxTriggerError = 1024

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
	// Outcome says whether the function accepted the call (returned a
	// response) or rejected it (returned an error).
	Outcome TriggerOutcome `json:"outcome"`
	// Error is the handler's error message when Outcome is rejected,
	// every request value the event does not carry replaced by
	// RedactedValue, cut at 1,024 bytes.
	Error string `json:"error,omitempty"`
	// AutoConfirmUser, AutoVerifyEmail and AutoVerifyPhone are the flags
	// of the function's response (PreSignUp), when it has them.
	AutoConfirmUser *bool `json:"autoConfirmUser,omitempty"`
	AutoVerifyEmail *bool `json:"autoVerifyEmail,omitempty"`
	AutoVerifyPhone *bool `json:"autoVerifyPhone,omitempty"`
}

// TriggerOptions are what BuildTrigger needs besides the payload.
type TriggerOptions struct {
	// ID is the event's id: the invocation's Lambda request id
	// (lambdacontext's AwsRequestID). Required.
	ID string
	// Outcome is the function's answer; "" means TriggerAccepted.
	Outcome TriggerOutcome
	// Error is the handler's error message, carried when Outcome is
	// TriggerRejected.
	Error string
	// Response is the JSON document the function answered Cognito with
	// (the payload itself for the pass-through function); the event
	// carries its response's autoConfirmUser, autoVerifyEmail and
	// autoVerifyPhone, nothing else of it. Nil when rejected.
	Response []byte
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
// The id is opts.ID, the invocation's Lambda request id: never a function
// of the payload, so two sign-ins with identical payloads are two events,
// and no id can be traced back to a password or a code. Cognito's retry
// of an invocation is a new invocation with a new id (at-least-once). No
// part of the event is read from the request's secrets (password,
// challengeAnswer, privateChallengeParameters, codes, tokens). Any
// triggerSource is accepted. Errors wrap ErrNotTrigger or ErrNoTriggerID.
func BuildTrigger(payload []byte, opts TriggerOptions) (*Event, error) {
	var p TriggerPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return nil, fmt.Errorf("reading trigger payload: %w: %w", ErrNotTrigger, err)
	}
	if p.TriggerSource == "" {
		return nil, fmt.Errorf("reading trigger payload: %w: triggerSource is missing", ErrNotTrigger)
	}
	if opts.ID == "" {
		return nil, fmt.Errorf("building the %s event: %w", p.TriggerSource, ErrNoTriggerID)
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
	readOutcome(&data, &opts, p.Request)
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
		part = Partition(region)
	}
	resource := UnresolvedPool
	if pool != "" {
		resource = "userpool/" + pool
	}
	ev := &Event{
		ID:           opts.ID,
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

// readOutcome sets the outcome, the error of a rejection (with the
// request's withheld values masked) and the response flags.
func readOutcome(d *TriggerData, opts *TriggerOptions, req map[string]json.RawMessage) {
	d.Outcome = opts.Outcome
	if d.Outcome == "" {
		d.Outcome = TriggerAccepted
	}
	if d.Outcome == TriggerRejected {
		d.Error = truncateUTF8(maskWithheld(opts.Error, req, opts), maxTriggerError)
		return
	}
	var doc struct {
		Response struct {
			AutoConfirmUser json.RawMessage `json:"autoConfirmUser"`
			AutoVerifyEmail json.RawMessage `json:"autoVerifyEmail"`
			AutoVerifyPhone json.RawMessage `json:"autoVerifyPhone"`
		} `json:"response"`
	}
	if len(opts.Response) == 0 || json.Unmarshal(opts.Response, &doc) != nil {
		return
	}
	d.AutoConfirmUser = optBool(doc.Response.AutoConfirmUser)
	d.AutoVerifyEmail = optBool(doc.Response.AutoVerifyEmail)
	d.AutoVerifyPhone = optBool(doc.Response.AutoVerifyPhone)
}

// maskWithheld replaces, in a handler's error message, every value of the
// request that the event does not carry (the password, challenge answer,
// private challenge parameters, codes, tokens, validation data, clientMetadata
// values not allow-listed, any field of a trigger yet unknown) with
// RedactedValue, as written and as JSON-escaped: a handler that echoes its
// input ("wrong password %q") must not carry the password into the event.
// userAttributes (the data carries them, or the policy withholds them as
// private rather than secret) and groupConfiguration are left. It runs
// before the cut, so no secret is half kept at the 1,024-byte boundary. A
// secret the handler made itself (a response's privateChallengeParameters)
// cannot be known here: such a handler must not put it in its error.
func maskWithheld(msg string, req map[string]json.RawMessage, opts *TriggerOptions) string {
	if msg == "" {
		return msg
	}
	var vals []string
	for k, v := range req {
		switch k {
		case "userAttributes", "groupConfiguration":
			continue
		case "clientMetadata":
			var meta map[string]json.RawMessage
			if json.Unmarshal(v, &meta) == nil {
				for mk, mv := range meta {
					if !slices.Contains(opts.ClientMetadataAllow, mk) {
						vals = appendLeaves(vals, mv, 0)
					}
				}
				continue
			}
		}
		vals = appendLeaves(vals, v, 0)
	}
	var forms []string
	for _, v := range vals {
		forms = append(forms, v)
		if b, err := json.Marshal(v); err == nil && string(b[1:len(b)-1]) != v {
			forms = append(forms, string(b[1:len(b)-1]))
		}
	}
	// Longest first, so that a secret holding another is masked whole.
	slices.SortFunc(forms, func(a, b string) int { return len(b) - len(a) })
	for _, f := range forms {
		msg = strings.ReplaceAll(msg, f, RedactedValue)
	}
	return msg
}

// appendLeaves appends the non-empty strings and numbers of a JSON value,
// at any depth up to maxTriggerDepth.
func appendLeaves(dst []string, v json.RawMessage, depth int) []string {
	if depth > maxTriggerDepth {
		return dst
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		if s != "" {
			dst = append(dst, s)
		}
		return dst
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(v, &obj) == nil {
		for _, c := range obj {
			dst = appendLeaves(dst, c, depth+1)
		}
		return dst
	}
	var arr []json.RawMessage
	if json.Unmarshal(v, &arr) == nil {
		for _, c := range arr {
			dst = appendLeaves(dst, c, depth+1)
		}
		return dst
	}
	var n json.Number
	if json.Unmarshal(v, &n) == nil && n != "" {
		dst = append(dst, n.String())
	}
	return dst
}

// maxTriggerDepth bounds the nesting maskWithheld walks; the payload was
// already decoded by encoding/json, whose own limit is far deeper.
const maxTriggerDepth = 32

// truncateUTF8 cuts s to at most n bytes on a rune boundary.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
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
