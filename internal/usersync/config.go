package usersync

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/delivery"
	"github.com/cognito-events/cognito-events/internal/lambdafn"
	"github.com/cognito-events/cognito-events/internal/sink"
)

// The sync function's variables (besides SINK_*, RETRY_* and Lambda's).
const (
	EnvUserPoolIDs = "SYNC_USER_POOL_IDS"
	EnvStateTable  = "SYNC_STATE_TABLE"
	EnvRate        = "SYNC_RATE"
	EnvBaseline    = "SYNC_BASELINE"
	EnvAllow       = "SYNC_ATTRIBUTES_ALLOW"
	EnvDeny        = "SYNC_ATTRIBUTES_DENY"
)

// DefaultRate is the default ceiling of Cognito requests a second: a third
// of the account's UserList quota (30/s, shared, not adjustable).
const DefaultRate = 10

// ErrInvalid is wrapped by every configuration error.
var ErrInvalid = errors.New("invalid configuration")

// Config is the sync function's configuration, read once at cold start
// from its environment. The CDK app sets every variable (internal/config).
type Config struct {
	// UserPoolIDs (SYNC_USER_POOL_IDS): comma-separated pool ids; empty
	// means every pool of the region (ListUserPools).
	UserPoolIDs []string
	// StateTable (SYNC_STATE_TABLE, required): the DynamoDB table of the
	// state (doc.go lists its items).
	StateTable string
	// Rate (SYNC_RATE, default 10): the most Cognito requests a second,
	// retries included.
	Rate float64
	// Baseline (SYNC_BASELINE, default false): a pool's first pass records
	// its users without events.
	Baseline bool
	// Policy (SYNC_ATTRIBUTES_ALLOW or SYNC_ATTRIBUTES_DENY, comma lists):
	// the user attributes events carry; "sub" is always kept.
	Policy events.AttributePolicy
	// MemberPools (SYNC_MEMBER_POOLS): comma-separated ARNs of pools in
	// other accounts, read through their reader roles (members.go).
	MemberPools []MemberPool
	// MemberDiscover (SYNC_MEMBER_DISCOVER): comma-separated
	// PARTITION:ACCOUNT:REGION places whose every pool is read as a member
	// pool.
	MemberDiscover []MemberPool
	// MemberUnits (SYNC_MEMBER_UNITS): comma-separated PARTITION:UNIT:REGION
	// places whose accounts are discovered through Organizations.
	MemberUnits []UnitPlace
	// Delivery: SINK_*, SINK_TIMEOUT, RETRY_BASE_DELAY, RETRY_MAX_ATTEMPTS
	// (delivery.Config documents each).
	Delivery delivery.Config
	// LogFormat (AWS_LAMBDA_LOG_FORMAT, default JSON) and LogLevel
	// (AWS_LAMBDA_LOG_LEVEL, default INFO), as Lambda sets them.
	LogFormat lambdafn.LogFormat
	LogLevel  slog.Level
}

// Load reads the configuration through getenv. The error names every bad
// variable and wraps ErrInvalid; it never quotes a secret.
func Load(getenv func(string) string) (Config, error) {
	e := sink.NewEnv(getenv)
	c := Config{
		UserPoolIDs: List(e.Str(EnvUserPoolIDs)),
		StateTable:  e.Str(EnvStateTable),
		Rate:        e.PositiveFloat(EnvRate, DefaultRate),
		Baseline:    e.Bool(EnvBaseline, false),
		Policy:      events.AttributePolicy{Allow: List(e.Str(EnvAllow)), Deny: List(e.Str(EnvDeny))},
		Delivery:    delivery.Read(e),
	}
	for _, arn := range List(e.Str(EnvMemberPools)) {
		p, err := ParsePoolARN(arn)
		if err != nil {
			e.Fail(EnvMemberPools, err.Error())
			continue
		}
		c.MemberPools = append(c.MemberPools, p)
	}
	for _, place := range List(e.Str(EnvMemberDiscover)) {
		p, err := ParsePlace(place)
		if err != nil {
			e.Fail(EnvMemberDiscover, err.Error())
			continue
		}
		c.MemberDiscover = append(c.MemberDiscover, p)
	}
	for _, place := range List(e.Str(EnvMemberUnits)) {
		u, err := ParseUnitPlace(place)
		if err != nil {
			e.Fail(EnvMemberUnits, err.Error())
			continue
		}
		c.MemberUnits = append(c.MemberUnits, u)
	}
	if c.StateTable == "" {
		e.Fail(EnvStateTable, "is required: the DynamoDB table of the sync's state")
	}
	if err := c.Policy.Validate(); err != nil {
		e.Fail(EnvAllow+"/"+EnvDeny, err.Error())
	}
	var err error
	if c.LogFormat, err = lambdafn.ParseLogFormat(e.Str(lambdafn.EnvLogFormat)); err != nil {
		e.Fail(lambdafn.EnvLogFormat, err.Error())
	}
	if c.LogLevel, err = lambdafn.ParseLogLevel(e.Str(lambdafn.EnvLogLevel)); err != nil {
		e.Fail(lambdafn.EnvLogLevel, err.Error())
	}
	if err := e.Err(); err != nil {
		return Config{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return c, nil
}

// List splits a comma-separated list, dropping blanks.
func List(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
