package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// ContextKey is the key of cdk.json's context that holds the configuration.
const ContextKey = "cognito-events"

// ErrInvalid is wrapped by every validation error of Parse.
var ErrInvalid = errors.New("invalid cognito-events configuration")

// TrailMode says whether the app creates a CloudTrail trail.
type TrailMode string

// The trail modes.
const (
	// TrailCreate creates a trail (and its bucket) in each region's stack.
	TrailCreate TrailMode = "create"
	// TrailExisting creates none: a trail that logs management events
	// already exists in every region of the configuration.
	TrailExisting TrailMode = "existing"
)

// Defaults applied by Parse to keys left out.
const (
	DefaultTrailMode            = TrailCreate
	DefaultBucketExpirationDays = 90
	DefaultMemoryMB             = 128
	DefaultLogLevel             = "INFO"
	DefaultLogRetentionDays     = 30
	DefaultArchiveRetentionDays = 7
	DefaultMaxEventAgeSeconds   = 86400
	DefaultTargetRetryAttempts  = 185
	DefaultBatchSize            = 10
	DefaultRetryMaxAttempts     = 5
	DefaultRetryBaseDelay       = 200 * time.Millisecond
	DefaultSinkTimeout          = 10 * time.Second
)

// Config is the whole configuration: the regions to deploy to, the trail,
// the alarms and the routes. Each region gets one stack with every route.
type Config struct {
	// Regions lists the AWS regions to deploy to, one stack each. Required.
	Regions []string `json:"regions"`
	// Trail says whether to create a CloudTrail trail. Default: create.
	Trail Trail `json:"trail"`
	// Alarms configures where alarm notifications go.
	Alarms Alarms `json:"alarms"`
	// Routes are the rule → forwarder → sink paths. At least one.
	Routes []Route `json:"routes"`
	// Organization, when set, makes the app one hub for an AWS
	// organization (organization.go, docs/organizations.md).
	Organization *Organization `json:"organization,omitempty"`
}

// Trail configures the CloudTrail trail each stack creates.
type Trail struct {
	// Mode is "create" (default) or "existing".
	Mode TrailMode `json:"mode"`
	// BucketExpirationDays is how long log files stay in the trail's S3
	// bucket before they expire. Default 90.
	BucketExpirationDays int `json:"bucketExpirationDays"`
	// ExcludeEventSources lists management-event sources the trail does not
	// log, to cut cost: only "kms.amazonaws.com" and "rdsdata.amazonaws.com",
	// the two CloudTrail allows a trail to exclude.
	ExcludeEventSources []string `json:"excludeEventSources"`
	// CloudWatchLogs also delivers the trail's events to a CloudWatch
	// Logs group (retention one year), for metric filters and alarms on
	// API activity (Security Hub CloudTrail.5). Mode create only.
	CloudWatchLogs bool `json:"cloudWatchLogs"`
}

// Alarms configures the alarm notifications.
type Alarms struct {
	// Email, when set, subscribes this address to an SNS topic that every
	// alarm notifies.
	Email string `json:"email"`
}

// Route is one EventBridge rule with its selection, its forwarder function
// and the sink the forwarder delivers to.
type Route struct {
	// Name identifies the route in construct ids, logs and messages:
	// letters, digits and hyphens, at most 40. Required, unique.
	Name string `json:"name"`
	// Selection says which calls the rule matches.
	Selection Selection `json:"selection"`
	// Sink says where the forwarder delivers.
	Sink Sink `json:"sink"`
	// Retry tunes the forwarder's in-process retries.
	Retry Retry `json:"retry"`
	// PoolResolution tells the forwarder how to find the user pool of
	// records that name only an app client.
	PoolResolution PoolResolution `json:"poolResolution"`
	// Function sizes the forwarder function and its logs.
	Function Function `json:"function"`
	// Delivery tunes how EventBridge hands events to the forwarder.
	Delivery Delivery `json:"delivery"`
	// Triggers, when set, makes the route's events come from the user
	// pool's Lambda triggers instead of a CloudTrail rule (triggers.go).
	Triggers *Triggers `json:"triggers,omitempty"`
	// Sync, when set, adds the scheduled user sync of the route's pools,
	// delivering to the route's sink (sync.go, docs/sync.md). A route
	// with a sync and no selection.operations has no rule.
	Sync *Sync `json:"sync,omitempty"`
	// Enrich adds the user's record to the forwarder's events (sync.go).
	Enrich Enrich `json:"enrich"`
}

// Selection picks the calls a route's rule matches.
type Selection struct {
	// Operations are catalogue operation names and presets. Required,
	// except on a sync-only route.
	Operations []string `json:"operations"`
	// UserPoolIDs limits the rule to these user pools. Default: every pool.
	UserPoolIDs []string `json:"userPoolIds"`
	// IncludeFailed also matches calls that failed (errorCode set).
	IncludeFailed bool `json:"includeFailed"`
	// IncludeReadOnly also matches read-only API calls (Describe*, List*,
	// Get*); the rule then receives all CloudTrail management events.
	IncludeReadOnly bool `json:"includeReadOnly"`
	// IncludeHostedUI also matches hosted-UI and managed-login endpoint
	// events (detail-type "AWS Service Event via CloudTrail").
	IncludeHostedUI bool `json:"includeHostedUI"`
	// ClientIDs limits the rule to calls on these app clients, wherever
	// the record of each operation carries the client id
	// (events.Operation.ClientIDPlaces).
	ClientIDs []string `json:"clientIds"`
	// Accounts limits the rule to events of these member accounts (the
	// envelope's account); only with organization. Default: every account
	// that forwards to the hub.
	Accounts []string `json:"accounts"`
	// Match is an EventBridge pattern fragment over the CloudTrail record
	// (the event's detail), ANDed with the generated pattern
	// (selection_match.go).
	Match json.RawMessage `json:"match"`
}

// Retry tunes the forwarder's in-process retries (RETRY_* variables).
type Retry struct {
	// MaxAttempts per event. Default 5.
	MaxAttempts int `json:"maxAttempts"`
	// BaseDelay is the first retry delay, a Go duration. Default "200ms".
	BaseDelay string `json:"baseDelay"`
}

// PoolResolution configures the forwarder's client id → user pool lookup.
type PoolResolution struct {
	// ClientMap maps app client ids to user pool ids (POOL_CLIENT_MAP).
	ClientMap map[string]string `json:"clientMap"`
	// Lookup enables the cached ListUserPools/ListUserPoolClients lookup
	// (POOL_LOOKUP) and grants the function those two actions.
	Lookup bool `json:"lookup"`
	// LookupRate is the lookup's requests per second (POOL_LOOKUP_RATE).
	LookupRate float64 `json:"lookupRate"`
}

// Function sizes the forwarder function.
type Function struct {
	// MemoryMB is the function's memory. Default 128.
	MemoryMB int `json:"memoryMB"`
	// TimeoutSeconds overrides the timeout sized from the retry budget.
	TimeoutSeconds int `json:"timeoutSeconds"`
	// LogLevel is the application log level: TRACE, DEBUG, INFO, WARN,
	// ERROR or FATAL. Default INFO.
	LogLevel string `json:"logLevel"`
	// LogRetentionDays is the log group's retention, one of the values
	// CloudWatch Logs accepts. Default 30.
	LogRetentionDays int `json:"logRetentionDays"`
}

// Delivery tunes the path from the rule to the function.
type Delivery struct {
	// Buffered puts an SQS queue between the rule and the function, which
	// reads it in batches and reports partial batch failures.
	Buffered bool `json:"buffered"`
	// BatchSize is the buffered mode's batch size, 1 to 10. Default 10.
	BatchSize int `json:"batchSize"`
	// MaxEventAgeSeconds is how long EventBridge keeps retrying a target,
	// 60 to 86400. Default 86400.
	MaxEventAgeSeconds int `json:"maxEventAgeSeconds"`
	// RetryAttempts is how often EventBridge retries a target, 0 to 185.
	// Default 185.
	RetryAttempts *int `json:"retryAttempts"`
	// ArchiveRetentionDays is how long the route's archive keeps matched
	// events; 0 keeps them indefinitely. Default 7.
	ArchiveRetentionDays *int `json:"archiveRetentionDays"`
}

// Parse reads a configuration from JSON (the value of the context key),
// applies the defaults and validates it. Unknown keys are errors, compared
// exactly, case included (strict.go), so a typo does not silently fall
// back to a default. Every validation error wraps
// ErrInvalid and names the route and field at fault.
func Parse(data []byte) (*Config, error) {
	if err := checkKeys(data, &Config{}); err != nil {
		return nil, fmt.Errorf("%w: reading %q: %w", ErrInvalid, ContextKey, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%w: reading %q: %w", ErrInvalid, ContextKey, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: reading %q: trailing data after the object", ErrInvalid, ContextKey)
	}
	c.applyDefaults()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// FromContext parses the value the CDK returns for the context key: a JSON
// object from cdk.json, or a JSON string given with `cdk -c`. A nil value
// means the key is missing.
func FromContext(v any) (*Config, error) {
	switch v := v.(type) {
	case nil:
		return nil, fmt.Errorf("%w: context key %q not found: add it to cdk.json (see docs/deploy.md)", ErrInvalid, ContextKey)
	case string:
		return Parse([]byte(v))
	default:
		data, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("%w: encoding context %q: %w", ErrInvalid, ContextKey, err)
		}
		return Parse(data)
	}
}

func (c *Config) applyDefaults() {
	c.applyOrganization() // organization.go
	if c.Trail.Mode == "" {
		c.Trail.Mode = DefaultTrailMode
	}
	if c.Trail.BucketExpirationDays == 0 {
		c.Trail.BucketExpirationDays = DefaultBucketExpirationDays
	}
	for i := range c.Routes {
		r := &c.Routes[i]
		r.Sink.applyDefaults()
		if r.Sync != nil {
			r.Sync.applyDefaults()
		}
		r.Enrich.applyDefaults()
		if r.Triggers != nil {
			r.Triggers.applyDefaults()
		}
		if r.Retry.MaxAttempts == 0 {
			r.Retry.MaxAttempts = DefaultRetryMaxAttempts
		}
		if r.Retry.BaseDelay == "" {
			r.Retry.BaseDelay = DefaultRetryBaseDelay.String()
		}
		if r.Function.MemoryMB == 0 {
			r.Function.MemoryMB = DefaultMemoryMB
		}
		if r.Function.LogLevel == "" {
			r.Function.LogLevel = DefaultLogLevel
		}
		if r.Function.LogRetentionDays == 0 {
			r.Function.LogRetentionDays = DefaultLogRetentionDays
		}
		if r.Delivery.BatchSize == 0 {
			r.Delivery.BatchSize = DefaultBatchSize
		}
		if r.Delivery.MaxEventAgeSeconds == 0 {
			r.Delivery.MaxEventAgeSeconds = DefaultMaxEventAgeSeconds
		}
		if r.Delivery.RetryAttempts == nil {
			n := DefaultTargetRetryAttempts
			r.Delivery.RetryAttempts = &n
		}
		if r.Delivery.ArchiveRetentionDays == nil {
			n := DefaultArchiveRetentionDays
			r.Delivery.ArchiveRetentionDays = &n
		}
	}
}

// Route returns the route named name.
func (c *Config) Route(name string) (*Route, bool) {
	for i := range c.Routes {
		if c.Routes[i].Name == name {
			return &c.Routes[i], true
		}
	}
	return nil, false
}
