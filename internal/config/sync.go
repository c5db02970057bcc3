package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cognito-events/cognito-events/events"
	forwarderconfig "github.com/cognito-events/cognito-events/internal/forwarder/config"
)

// The user sync function's variables (functions/sync, docs/sync.md). The
// sink's and the retries' are the forwarder's (package delivery).
const (
	EnvSyncUserPoolIDs = "SYNC_USER_POOL_IDS"
	EnvSyncStateTable  = "SYNC_STATE_TABLE"
	EnvSyncRate        = "SYNC_RATE"
	EnvSyncBaseline    = "SYNC_BASELINE"
	EnvSyncAllow       = "SYNC_ATTRIBUTES_ALLOW"
	EnvSyncDeny        = "SYNC_ATTRIBUTES_DENY"
)

// Defaults of the sync and enrich keys.
const (
	DefaultSyncSchedule       = "rate(1 hour)"
	DefaultSyncRate           = 10.0
	DefaultSyncMemoryMB       = 256
	DefaultSyncTimeoutSeconds = 900
	DefaultEnrichUserRate     = forwarderconfig.DefaultEnrichUserRate
)

// Statement ids of the sync function's Cognito statements.
const (
	SidSyncReadUsers = "SyncReadUsers"
	SidEnrichUser    = "EnrichListUsers"
)

// SyncCognitoActions are the Cognito actions the sync function needs on its
// pools; SyncTableActions those it needs on its state table.
var (
	SyncCognitoActions = []string{"cognito-idp:AdminGetUser", "cognito-idp:DescribeUserPool", "cognito-idp:ListUsers"}
	SyncTableActions   = []string{
		"dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:GetItem",
		"dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem",
	}
)

// Sync is a route's user sync: a scheduled function that lists every user
// of the route's pools (selection.userPoolIds, or every pool of the
// stack's region) and sends one event per user created, changed or
// deleted since its last run to the route's sink (docs/sync.md).
type Sync struct {
	// Schedule is an EventBridge schedule expression, "rate(…)" or
	// "cron(…)". Default "rate(1 hour)".
	Schedule string `json:"schedule"`
	// Rate is the most Cognito requests per second the sync makes
	// (SYNC_RATE). Default 10.
	Rate float64 `json:"rate"`
	// Baseline sends an event for every user on the first run of a pool
	// (SYNC_BASELINE); otherwise the first run only records the users.
	Baseline bool `json:"baseline"`
	// Attributes limits the user attributes the events carry
	// (SYNC_ATTRIBUTES_ALLOW / SYNC_ATTRIBUTES_DENY); "sub" is always kept.
	Attributes events.AttributePolicy `json:"attributes"`
	// MemoryMB is the sync function's memory. Default 256.
	MemoryMB int `json:"memoryMB"`
	// MemberPools are ARNs of pools in member accounts of the
	// organization that the hub's sync reads through each account's
	// reader role (SYNC_MEMBER_POOLS; organization.go). Only with
	// organization.
	MemberPools []string `json:"memberPools"`
	// DiscoverMemberPools also reads every pool of each account of
	// organization.members.accounts in each member region
	// (SYNC_MEMBER_DISCOVER), and of every ACTIVE account under each of
	// organization.members.organizationalUnits, found through AWS
	// Organizations at each run (SYNC_MEMBER_UNITS). Only with
	// organization.
	DiscoverMemberPools bool `json:"discoverMemberPools"`
	// memberPlaces are the PARTITION:ACCOUNT:REGION places discovery
	// reads, memberUnits the PARTITION:UNIT:REGION ones, and unitPaths the
	// aws:ResourceOrgPaths patterns of the units, set from the
	// organization by Parse.
	memberPlaces, memberUnits, unitPaths []string
	// TimeoutSeconds is the sync function's timeout, 60 to 900; the sync
	// checkpoints before it and the next run goes on from there.
	// Default 900.
	TimeoutSeconds int `json:"timeoutSeconds"`
}

// Enrich adds data to a route's CloudTrail events before delivery.
type Enrich struct {
	// User adds data.user, the user's current record, to events about one
	// user whose sub is known (ENRICH_USER).
	User bool `json:"user"`
	// UserRate is the most Cognito requests per second the enrichment
	// makes (ENRICH_USER_RATE). Default 5 when User is set.
	UserRate float64 `json:"userRate"`
	// UserAttributes limits the attributes data.user carries
	// (ENRICH_USER_ATTRIBUTES_ALLOW / _DENY); "sub" is always kept.
	UserAttributes events.AttributePolicy `json:"userAttributes"`
}

// HasRule reports whether the route has an EventBridge rule (and its
// forwarder): every route but a triggers route and a sync-only one (a sync
// and no selection.operations).
func (r *Route) HasRule() bool {
	return !r.IsTriggers() && (r.Sync == nil || len(r.Selection.Operations) > 0)
}

// validateSync checks the sync and enrich keys.
func (r *Route) validateSync() error {
	if r.Sync != nil {
		if r.IsTriggers() {
			return fmt.Errorf("sync: a triggers route cannot have a sync: give the sync its own route, with selection.userPoolIds")
		}
		if err := r.Sync.validate(); err != nil {
			return err
		}
	}
	return r.Enrich.validate(r.HasRule())
}

// validateEnrichScope refuses enrich.user on a route that names no pool:
// the forwarder may call ListUsers on the route's pools only, never on
// every pool of the region. It runs after the organization checks, which
// refuse enrich.user outright there.
func (r *Route) validateEnrichScope() error {
	if r.Enrich.User && len(r.Selection.UserPoolIDs) == 0 {
		return fmt.Errorf("enrich.user: needs selection.userPoolIds: the forwarder may call ListUsers on the route's pools only, never on every pool of the region")
	}
	return nil
}

func (s *Sync) applyDefaults() {
	if s.Schedule == "" {
		s.Schedule = DefaultSyncSchedule
	}
	if s.Rate == 0 {
		s.Rate = DefaultSyncRate
	}
	if s.MemoryMB == 0 {
		s.MemoryMB = DefaultSyncMemoryMB
	}
	if s.TimeoutSeconds == 0 {
		s.TimeoutSeconds = DefaultSyncTimeoutSeconds
	}
}

func (e *Enrich) applyDefaults() {
	if e.User && e.UserRate == 0 {
		e.UserRate = DefaultEnrichUserRate
	}
}

// validate checks the sync; errors name the field under "sync.".
func (s *Sync) validate() error {
	if err := CheckSchedule(s.Schedule); err != nil {
		return fmt.Errorf("sync.schedule: %w", err)
	}
	if !(s.Rate > 0 && s.Rate <= 1000) {
		return fmt.Errorf("sync.rate: %v: want more than 0 and at most 1000 requests per second", s.Rate)
	}
	if err := s.Attributes.Validate(); err != nil {
		return fmt.Errorf("sync.attributes: %w", err)
	}
	if s.MemoryMB < 128 || s.MemoryMB > 10240 {
		return fmt.Errorf("sync.memoryMB: %d: want 128 to 10240", s.MemoryMB)
	}
	if s.TimeoutSeconds < 60 || time.Duration(s.TimeoutSeconds)*time.Second > MaxTimeout {
		return fmt.Errorf("sync.timeoutSeconds: %d: want 60 to 900", s.TimeoutSeconds)
	}
	return CheckSyncScheduleCoversTimeout(s.Schedule, time.Duration(s.TimeoutSeconds)*time.Second)
}

// validate checks the enrichment; errors name the field under "enrich.".
func (e *Enrich) validate(hasRule bool) error {
	if !e.User {
		if e.UserRate != 0 || len(e.UserAttributes.Allow)+len(e.UserAttributes.Deny) > 0 {
			return fmt.Errorf("enrich: userRate and userAttributes apply only with user true")
		}
		return nil
	}
	if !hasRule {
		return fmt.Errorf("enrich.user: it adds the user to the CloudTrail events of a route's rule, and this route has none (a sync-only or triggers route): add selection.operations, or leave enrich out")
	}
	if !(e.UserRate > 0 && e.UserRate <= 1000) {
		return fmt.Errorf("enrich.userRate: %v: want more than 0 and at most 1000 requests per second", e.UserRate)
	}
	if err := e.UserAttributes.Validate(); err != nil {
		return fmt.Errorf("enrich.userAttributes: %w", err)
	}
	return nil
}

// validateSyncOnly refuses the keys that tune a rule on a route without
// one.
func (r *Route) validateSyncOnly() error {
	sel := r.Selection
	if sel.IncludeFailed || sel.IncludeReadOnly || sel.IncludeHostedUI {
		return fmt.Errorf("selection: includeFailed, includeReadOnly and includeHostedUI tune a rule, and a sync-only route (no selection.operations) has none")
	}
	if r.Delivery.Buffered {
		return fmt.Errorf("delivery.buffered: a sync-only route (no selection.operations) has no rule to buffer")
	}
	return nil
}

// enrichEnvironment adds the forwarder's ENRICH_* variables to env.
func (r *Route) enrichEnvironment(env map[string]string) {
	e := r.Enrich
	if !e.User {
		return
	}
	env[forwarderconfig.EnvEnrichUser] = "true"
	env[forwarderconfig.EnvEnrichUserRate] = strconv.FormatFloat(e.UserRate, 'f', -1, 64)
	if len(e.UserAttributes.Allow) > 0 {
		env[forwarderconfig.EnvEnrichUserAllow] = strings.Join(e.UserAttributes.Allow, ",")
	}
	if len(e.UserAttributes.Deny) > 0 {
		env[forwarderconfig.EnvEnrichUserDeny] = strings.Join(e.UserAttributes.Deny, ",")
	}
}

// enrichStatements are the forwarder's statements for the enrichment:
// ListUsers on the route's pools.
func (r *Route) enrichStatements() []Statement {
	if !r.Enrich.User {
		return nil
	}
	return []Statement{{Sid: SidEnrichUser, Actions: []string{"cognito-idp:ListUsers"}, Resources: r.userPoolARNs()}}
}

// SyncPools are the route's pools in region, the ones that region's sync
// function reads; nil means every pool of the region (no pool selected).
// ok is false when the route selects pools but none in region: that
// region's stack has no sync function.
func (r *Route) SyncPools(region string) (pools []string, ok bool) {
	if len(r.Selection.UserPoolIDs) == 0 {
		return nil, true
	}
	for _, id := range r.Selection.UserPoolIDs {
		if strings.HasPrefix(id, region+"_") {
			pools = append(pools, id)
		}
	}
	return pools, len(pools) > 0
}

// SyncEnvironment is the sync function's environment in region, less
// SYNC_STATE_TABLE (the table's name, known to the stack): the sink's and
// retries' variables, as the forwarder's, and the SYNC_* ones.
func (r *Route) SyncEnvironment(region string) map[string]string {
	s := r.Sync
	if s == nil {
		return nil
	}
	env := map[string]string{
		forwarderconfig.EnvRetryMaxAttempts: strconv.Itoa(r.Retry.MaxAttempts),
		forwarderconfig.EnvRetryBaseDelay:   r.Retry.BaseDelay,
		EnvSyncRate:                         strconv.FormatFloat(s.Rate, 'f', -1, 64),
		EnvSyncBaseline:                     strconv.FormatBool(s.Baseline),
	}
	r.Sink.Environment(func(k, v string) { env[k] = v })
	if pools, _ := r.SyncPools(region); len(pools) > 0 {
		env[EnvSyncUserPoolIDs] = strings.Join(pools, ",")
	}
	if len(s.MemberPools) > 0 {
		env[EnvSyncMemberPools] = strings.Join(s.MemberPools, ",")
	}
	if len(s.memberPlaces) > 0 {
		env[EnvSyncMemberDiscover] = strings.Join(s.memberPlaces, ",")
	}
	if len(s.memberUnits) > 0 {
		env[EnvSyncMemberUnits] = strings.Join(s.memberUnits, ",")
	}
	if len(s.Attributes.Allow) > 0 {
		env[EnvSyncAllow] = strings.Join(s.Attributes.Allow, ",")
	}
	if len(s.Attributes.Deny) > 0 {
		env[EnvSyncDeny] = strings.Join(s.Attributes.Deny, ",")
	}
	return env
}

// SyncStatements are the IAM statements of the sync function in region,
// less its state table's (the stack grants SyncTableActions on the table)
// and its logs: the sink's, the Cognito reads on the region's selected
// pools, and ListUserPools, which has no resource-level permissions, when
// it discovers every pool of the region.
func (r *Route) SyncStatements(region string) []Statement {
	out := r.Sink.Statements()
	if r.Sync != nil && len(r.Sync.MemberPools)+len(r.Sync.memberPlaces)+len(r.Sync.memberUnits) > 0 {
		out = append(out, r.memberStatements()...)
		if len(r.Selection.UserPoolIDs) == 0 {
			return out // only member pools: none of the hub's own is read
		}
	}
	pools, _ := r.SyncPools(region)
	arns := []string{"arn:" + Partition + ":cognito-idp:" + Region + ":" + AccountID + ":userpool/*"}
	if len(pools) > 0 {
		arns = make([]string, len(pools))
		for i, id := range pools {
			arns[i] = "arn:" + Partition + ":cognito-idp:" + Region + ":" + AccountID + ":userpool/" + id
		}
	}
	out = append(out, Statement{Sid: SidSyncReadUsers, Actions: SyncCognitoActions, Resources: arns})
	if len(pools) == 0 {
		out = append(out, Statement{Sid: SidListUserPools, Actions: []string{"cognito-idp:ListUserPools"}, Resources: []string{"*"}})
	}
	return out
}

// SyncTimeout is the sync function's timeout.
func (r *Route) SyncTimeout() time.Duration {
	if r.Sync == nil {
		return 0
	}
	return time.Duration(r.Sync.TimeoutSeconds) * time.Second
}
