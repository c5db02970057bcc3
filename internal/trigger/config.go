package trigger

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

// Names of the trigger function's own variables; the sink's and the
// retries' are package sink's and package delivery's.
const (
	EnvBudget              = "TRIGGER_BUDGET"
	EnvAttributesAllow     = "TRIGGER_ATTRIBUTES_ALLOW"
	EnvAttributesDeny      = "TRIGGER_ATTRIBUTES_DENY"
	EnvClientMetadataAllow = "TRIGGER_CLIENT_METADATA_ALLOW"
	EnvLogFormat           = lambdafn.EnvLogFormat
	EnvLogLevel            = lambdafn.EnvLogLevel
)

// DefaultBudget is the default of TRIGGER_BUDGET.
const DefaultBudget = time.Second

// CognitoBudget is Cognito's fixed wait for a trigger; TRIGGER_BUDGET
// must stay below it.
const CognitoBudget = 5 * time.Second

// ErrInvalid is wrapped by every configuration error.
var ErrInvalid = errors.New("invalid configuration")

// Config is everything the trigger function, and a handler wrapped with
// the public package trigger, reads from its environment, once per cold
// start.
type Config struct {
	// Delivery holds SINK_KIND, SINK_TIMEOUT, each sink kind's variables
	// and RETRY_BASE_DELAY / RETRY_MAX_ATTEMPTS (delivery.Config documents
	// each). Deployed: SINK_KIND=sqs and SINK_SQS_QUEUE_URL, the trigger
	// queue the forwarder reads.
	Delivery delivery.Config
	// Budget (TRIGGER_BUDGET, Go duration, default 1s, under 5s): the hard
	// limit on the send, retries included. When it is spent the event is
	// given up, logged, and the payload returned.
	Budget time.Duration
	// Attributes (TRIGGER_ATTRIBUTES_ALLOW or TRIGGER_ATTRIBUTES_DENY,
	// comma-separated attribute names, not both; default every attribute):
	// the user attributes an event carries; "sub" is always kept.
	Attributes events.AttributePolicy
	// ClientMetadataAllow (TRIGGER_CLIENT_METADATA_ALLOW, comma-separated
	// keys, default none): the clientMetadata keys whose values the event
	// carries; every other value is REDACTED.
	ClientMetadataAllow []string
	// LogFormat (AWS_LAMBDA_LOG_FORMAT, default JSON) and LogLevel
	// (AWS_LAMBDA_LOG_LEVEL, default INFO) are set by Lambda.
	LogFormat lambdafn.LogFormat
	LogLevel  slog.Level
}

// Load reads the configuration through getenv (os.Getenv in main). The
// error names every bad variable and wraps ErrInvalid; it never quotes a
// value that might be secret. On error the Config holds what could be
// read (the log settings at least), so the caller can still log.
func Load(getenv func(string) string) (Config, error) {
	e := sink.NewEnv(getenv)
	c := Config{
		Delivery: delivery.Read(e),
		Budget:   e.Duration(EnvBudget, DefaultBudget),
		Attributes: events.AttributePolicy{
			Allow: list(e, EnvAttributesAllow),
			Deny:  list(e, EnvAttributesDeny),
		},
		ClientMetadataAllow: list(e, EnvClientMetadataAllow),
	}
	if c.Budget >= CognitoBudget {
		e.Fail(EnvBudget, fmt.Sprintf("%v is not under Cognito's %v", c.Budget, CognitoBudget))
	}
	if err := c.Attributes.Validate(); err != nil {
		e.Fail(EnvAttributesAllow+"/"+EnvAttributesDeny, err.Error())
	}
	var err error
	if c.LogFormat, err = lambdafn.ParseLogFormat(e.Str(EnvLogFormat)); err != nil {
		e.Fail(EnvLogFormat, err.Error())
	}
	if c.LogLevel, err = lambdafn.ParseLogLevel(e.Str(EnvLogLevel)); err != nil {
		e.Fail(EnvLogLevel, err.Error())
	}
	if err := e.Err(); err != nil {
		return c, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return c, nil
}

// list reads a comma-separated list; empty items are refused.
func list(e *sink.Env, name string) []string {
	v := e.Str(name)
	if v == "" {
		return nil
	}
	var out []string
	for i, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			e.Fail(name, fmt.Sprintf("item %d is empty", i+1))
			continue
		}
		out = append(out, item)
	}
	return out
}
