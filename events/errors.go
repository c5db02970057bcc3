package events

import "errors"

// Sentinel errors returned (wrapped) by Normalize. Classify them with
// errors.Is, never by their text.
var (
	// ErrNotJSON: the input is not JSON, or not a JSON object.
	ErrNotJSON = errors.New("input is not a JSON object")
	// ErrNotCloudTrail: the input is a JSON object but neither an EventBridge
	// envelope of a CloudTrail record nor a bare CloudTrail record.
	ErrNotCloudTrail = errors.New("not a CloudTrail record")
	// ErrSkip: a well-formed CloudTrail record that is not a call on a Cognito
	// user pool (for example cognito-identity, or another service). Callers log
	// and drop it; retrying cannot help.
	ErrSkip = errors.New("not a Cognito user-pool record")
	// ErrMissingField: the record lacks a field the contract needs (eventID,
	// eventName or eventTime), or has it in a form that cannot be used.
	ErrMissingField = errors.New("record lacks a required field")
	// ErrUnknownOperation: a name given to the catalogue is neither an
	// operation nor a preset.
	ErrUnknownOperation = errors.New("unknown operation")
)

// IsSkip reports whether err says the input should be dropped without retry.
func IsSkip(err error) bool { return errors.Is(err, ErrSkip) }
