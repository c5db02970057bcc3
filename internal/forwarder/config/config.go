package config

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/delivery"
	"github.com/cognito-events/cognito-events/internal/lambdafn"
	"github.com/cognito-events/cognito-events/internal/sink"
)

// Names of the environment variables, as in docs/forwarder.md. The sink's
// are declared by package sink, beside each kind; they are repeated here
// so that this package names every variable the forwarder reads.
const (
	EnvSinkKind          = sink.EnvKind
	EnvTimeout           = sink.EnvTimeout
	EnvSinkURL           = sink.EnvURL
	EnvKSink             = sink.EnvKSink
	EnvHTTPMode          = sink.EnvHTTPMode
	EnvAllowInsecure     = sink.EnvAllowInsecure
	EnvHeaders           = sink.EnvHeaders
	EnvAuth              = sink.EnvAuth
	EnvAuthSecret        = sink.EnvAuthSecret
	EnvAuthHeader        = sink.EnvAuthHeader
	EnvOAuth2TokenURL    = sink.EnvOAuth2TokenURL
	EnvOAuth2Scopes      = sink.EnvOAuth2Scopes
	EnvSigV4Service      = sink.EnvSigV4Service
	EnvSigV4Region       = sink.EnvSigV4Region
	EnvEventBridgeBus    = sink.EnvEventBridgeBus
	EnvEventBridgeSource = sink.EnvEventBridgeSource
	EnvEventBridgeDetail = sink.EnvEventBridgeDetail
	EnvSQSQueueURL       = sink.EnvSQSQueueURL
	EnvSNSTopicARN       = sink.EnvSNSTopicARN
	EnvPoolClientMap     = "POOL_CLIENT_MAP"
	EnvPoolLookup        = "POOL_LOOKUP"
	EnvPoolLookupRate    = "POOL_LOOKUP_RATE"
	EnvEnrichUser        = "ENRICH_USER"
	EnvEnrichUserRate    = "ENRICH_USER_RATE"
	EnvEnrichUserAllow   = "ENRICH_USER_ATTRIBUTES_ALLOW"
	EnvEnrichUserDeny    = "ENRICH_USER_ATTRIBUTES_DENY"
	EnvRetryBaseDelay    = delivery.EnvRetryBaseDelay
	EnvRetryMaxAttempts  = delivery.EnvRetryMaxAttempts
	EnvInput             = "FORWARDER_INPUT"
	EnvAllowedSources    = "FORWARDER_ALLOWED_SOURCES"
	EnvLogFormat         = lambdafn.EnvLogFormat
	EnvLogLevel          = lambdafn.EnvLogLevel
	EnvAWSRegion         = sink.EnvAWSRegion
)

// Defaults of the forwarder's own variables; the sink's are package
// sink's.
const (
	DefaultPoolLookupRate   = 2.0
	DefaultEnrichUserRate   = 5.0
	DefaultRetryBaseDelay   = delivery.DefaultRetryBaseDelay
	DefaultRetryMaxAttempts = delivery.DefaultRetryMaxAttempts
)

// ErrInvalid is wrapped by every configuration error.
var ErrInvalid = errors.New("invalid configuration")

// Config is everything the forwarder reads from its environment, read once
// per cold start. Each field names its variable; docs/forwarder.md
// documents them with examples.
type Config struct {
	// Sink holds the sink's settings: SINK_KIND (http, eventbridge, sqs or
	// sns), SINK_TIMEOUT and each kind's variables, every one documented
	// on sink.Settings and the kind's settings.
	Sink sink.Settings

	// PoolClientMap (POOL_CLIENT_MAP, default none): static app client id to
	// user pool id map, "clientA=us-east-1_AAAAAAAAA,clientB=…".
	PoolClientMap map[string]string
	// PoolLookup (POOL_LOOKUP, default false) enables the cached
	// ListUserPools/ListUserPoolClients lookup.
	PoolLookup bool
	// PoolLookupRate (POOL_LOOKUP_RATE, default 2): Cognito requests per
	// second the lookup may make.
	PoolLookupRate float64

	// EnrichUser (ENRICH_USER, default false) adds the user's current
	// record to the data of events about one user whose sub is known
	// (package internal/forwarder/enrich, docs/sync.md).
	EnrichUser bool
	// EnrichUserRate (ENRICH_USER_RATE, default 5): Cognito requests per
	// second the enrichment may make; past it, events go out without the
	// user, with the reason.
	EnrichUserRate float64
	// EnrichUserAttributes (ENRICH_USER_ATTRIBUTES_ALLOW or
	// ENRICH_USER_ATTRIBUTES_DENY, comma lists, default every attribute):
	// the user attributes data.user may carry; "sub" is always kept.
	EnrichUserAttributes events.AttributePolicy

	// RetryBaseDelay (RETRY_BASE_DELAY, default 200ms): first in-process
	// retry delay; it doubles per attempt, with jitter.
	RetryBaseDelay time.Duration
	// RetryMaxAttempts (RETRY_MAX_ATTEMPTS, default 5): attempts per event,
	// also bounded by the invocation's remaining time.
	RetryMaxAttempts int

	// LogFormat (AWS_LAMBDA_LOG_FORMAT, default JSON) and LogLevel
	// (AWS_LAMBDA_LOG_LEVEL, default INFO) are set by Lambda.
	LogFormat lambdafn.LogFormat
	LogLevel  slog.Level

	// Region (AWS_REGION) is the function's region, set by Lambda.
	Region string

	// Input (FORWARDER_INPUT, default eventbridge): what one invocation
	// carries, so main starts the matching handler: eventbridge (one
	// EventBridge event), sqs (an SQS batch of them, a buffered route) or
	// sqs-cloudevents (an SQS batch of the trigger function's CloudEvents).
	// The stack sets it.
	Input Input

	// AllowedSources (FORWARDER_ALLOWED_SOURCES, required for
	// sqs-cloudevents): comma-separated CloudEvents sources, the ARNs of
	// the route's user pools. In sqs-cloudevents mode an event from any
	// other source is not delivered: it goes to the dead-letter queue with
	// a log line saying why. The stack sets it.
	AllowedSources []string
}

// Load reads the configuration through getenv (os.Getenv in main). The
// error names every bad variable and wraps ErrInvalid; it never quotes a
// value that might be secret (no secret is read from the environment).
func Load(getenv func(string) string) (Config, error) {
	e := sink.NewEnv(getenv)
	c := Config{
		Sink:             sink.ReadSettings(e),
		PoolClientMap:    clientMap(e, EnvPoolClientMap),
		PoolLookup:       e.Bool(EnvPoolLookup, false),
		PoolLookupRate:   e.PositiveFloat(EnvPoolLookupRate, DefaultPoolLookupRate),
		EnrichUser:       e.Bool(EnvEnrichUser, false),
		EnrichUserRate:   e.PositiveFloat(EnvEnrichUserRate, DefaultEnrichUserRate),
		RetryBaseDelay:   e.Duration(EnvRetryBaseDelay, DefaultRetryBaseDelay),
		RetryMaxAttempts: e.PositiveInt(EnvRetryMaxAttempts, DefaultRetryMaxAttempts),
		LogFormat:        logFormat(e, EnvLogFormat),
		LogLevel:         logLevel(e, EnvLogLevel),
		Region:           e.Str(EnvAWSRegion),
		Input:            input(e, EnvInput),
		AllowedSources:   commaList(e.Str(EnvAllowedSources)),
	}
	if c.Input == InputSQSCloudEvents && len(c.AllowedSources) == 0 {
		e.Fail(EnvAllowedSources, "is required for FORWARDER_INPUT=sqs-cloudevents: the ARNs of the user pools whose events the forwarder delivers")
	}
	c.EnrichUserAttributes = events.AttributePolicy{Allow: commaList(e.Str(EnvEnrichUserAllow)), Deny: commaList(e.Str(EnvEnrichUserDeny))}
	if err := c.EnrichUserAttributes.Validate(); err != nil {
		e.Fail(EnvEnrichUserAllow+"/"+EnvEnrichUserDeny, err.Error())
	}
	if err := e.Err(); err != nil {
		return Config{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return c, nil
}

// NeedsAWS reports whether the configuration calls AWS: the sink, its
// credential or the pool lookup.
func (c *Config) NeedsAWS() bool { return c.Sink.NeedsAWS() || c.PoolLookup || c.EnrichUser }

// commaList splits a comma list, dropping blanks; nil when empty.
func commaList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func clientMap(e *sink.Env, name string) map[string]string {
	v := e.Str(name)
	if v == "" {
		return nil
	}
	m := make(map[string]string)
	for i, pair := range strings.Split(v, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		client, pool, ok := strings.Cut(pair, "=")
		client, pool = strings.TrimSpace(client), strings.TrimSpace(pool)
		if !ok || client == "" || pool == "" {
			e.Fail(name, fmt.Sprintf("entry %d is not clientId=userPoolId", i+1))
			continue
		}
		if !strings.Contains(pool, "_") {
			e.Fail(name, fmt.Sprintf("entry %d: %q is not a user pool id such as us-east-1_AAAAAAAAA", i+1, pool))
			continue
		}
		m[client] = pool
	}
	return m
}

func logFormat(e *sink.Env, name string) lambdafn.LogFormat {
	f, err := lambdafn.ParseLogFormat(e.Str(name))
	if err != nil {
		e.Fail(name, err.Error())
	}
	return f
}

func logLevel(e *sink.Env, name string) slog.Level {
	l, err := lambdafn.ParseLogLevel(e.Str(name))
	if err != nil {
		e.Fail(name, err.Error())
	}
	return l
}
