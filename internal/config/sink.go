package config

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	forwarderconfig "github.com/cognito-events/cognito-events/internal/forwarder/config"
	"github.com/cognito-events/cognito-events/internal/sink"
)

// Sink is where a route's forwarder delivers: package sink's Declaration,
// whose registry declares each kind's keys, defaults, validation, mapping
// to the forwarder's environment and IAM statements. The fields used
// depend on Kind. Secrets are never part of the configuration:
// Auth.Secret names where the credential lives.
type Sink struct {
	sink.Declaration
}

func (s *Sink) applyDefaults() {
	s.ApplyDefaults()
	if s.Timeout == "" {
		s.Timeout = DefaultSinkTimeout.String()
	}
}

// validate checks the sink; errors name the field under "sink.".
func (s *Sink) validate() error {
	if err := s.CheckKeys(); err != nil {
		return err
	}
	if _, err := parseDuration(s.Timeout, time.Second/10, 5*time.Minute); err != nil {
		return fmt.Errorf("sink.timeout: %w", err)
	}
	return s.Validate()
}

// Environment returns the forwarder's environment for the route: exactly
// the variables of the forwarder's contract, with every value the route
// sets. Keys left to the forwarder's defaults are omitted, except
// SINK_TIMEOUT and the RETRY_* pair, which always appear because the
// function's timeout is sized from them.
func (r *Route) Environment() map[string]string {
	env := map[string]string{
		forwarderconfig.EnvRetryMaxAttempts: strconv.Itoa(r.Retry.MaxAttempts),
		forwarderconfig.EnvRetryBaseDelay:   r.Retry.BaseDelay,
	}
	r.Sink.Environment(func(k, v string) { env[k] = v })
	r.enrichEnvironment(env)
	p := r.PoolResolution
	if len(p.ClientMap) > 0 {
		clients := make([]string, 0, len(p.ClientMap))
		for c := range p.ClientMap {
			clients = append(clients, c)
		}
		sort.Strings(clients)
		pairs := make([]string, len(clients))
		for i, c := range clients {
			pairs[i] = c + "=" + p.ClientMap[c]
		}
		env[forwarderconfig.EnvPoolClientMap] = strings.Join(pairs, ",")
	}
	if p.Lookup {
		env[forwarderconfig.EnvPoolLookup] = "true"
		if p.LookupRate > 0 {
			env[forwarderconfig.EnvPoolLookupRate] = strconv.FormatFloat(p.LookupRate, 'f', -1, 64)
		}
	}
	return env
}

// Placeholders in Statement resources, resolved per stack (CloudFormation
// Fn::Sub syntax).
const (
	Partition = sink.Partition
	Region    = sink.Region
	AccountID = sink.AccountID
)

// SidListUserPools names the one statement whose resource is "*":
// cognito-idp:ListUserPools has no resource-level permissions.
const SidListUserPools = "ListUserPools"

// Statement is one IAM allow statement the forwarder needs. Resources may
// hold the Partition, Region and AccountID placeholders.
type Statement = sink.Statement

// Statements returns the IAM statements the route's forwarder needs beyond
// writing its own logs: its sink kind's (the sink's actions on the sink,
// reading the named secret, using the KMS keys), and the Cognito list
// actions when pool lookup is on. No action is a wildcard; the only "*"
// resource is ListUserPools, which has no resource-level permissions.
func (r *Route) Statements() []Statement {
	out := r.Sink.Statements()
	if r.PoolResolution.Lookup {
		out = append(out,
			Statement{Sid: SidListUserPools, Actions: []string{"cognito-idp:ListUserPools"}, Resources: []string{"*"}},
			Statement{Sid: "ListUserPoolClients", Actions: []string{"cognito-idp:ListUserPoolClients"}, Resources: r.userPoolARNs()},
		)
	}
	return append(out, r.enrichStatements()...)
}

// userPoolARNs are the selected pools' ARNs, each in its own region (the
// prefix of its id), or every pool of the stack's region.
func (r *Route) userPoolARNs() []string {
	arn := func(region, id string) string {
		return "arn:" + Partition + ":cognito-idp:" + region + ":" + AccountID + ":userpool/" + id
	}
	if len(r.Selection.UserPoolIDs) == 0 {
		return []string{arn(Region, "*")}
	}
	arns := make([]string, len(r.Selection.UserPoolIDs))
	for i, id := range r.Selection.UserPoolIDs {
		region, _, _ := strings.Cut(id, "_")
		arns[i] = arn(region, id)
	}
	return arns
}

// Timeout is the forwarder's timeout: the route's override, or the retry
// budget of one event (every attempt taking the whole per-attempt timeout,
// plus the largest backoff between them) and 5 seconds of headroom.
func (r *Route) Timeout() time.Duration {
	if r.Function.TimeoutSeconds > 0 {
		return time.Duration(r.Function.TimeoutSeconds) * time.Second
	}
	return r.retryBudget()
}

// MaxTimeout is Lambda's largest function timeout.
const MaxTimeout = 15 * time.Minute

func (r *Route) retryBudget() time.Duration {
	perAttempt, err1 := time.ParseDuration(r.Sink.Timeout)
	base, err2 := time.ParseDuration(r.Retry.BaseDelay)
	if err1 != nil || err2 != nil || r.Retry.MaxAttempts < 1 || r.Retry.MaxAttempts > 20 {
		return MaxTimeout + time.Second // invalid: Validate reports it
	}
	n := r.Retry.MaxAttempts
	// Backoff before attempts 2..n: base, 2·base, …, 2^(n-2)·base.
	backoff := time.Duration(float64(base) * (math.Exp2(float64(n-1)) - 1))
	d := time.Duration(n)*perAttempt + backoff + 5*time.Second
	return (d + time.Second - 1).Truncate(time.Second) // whole seconds, rounded up
}

func parseDuration(s string, lo, hi time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a Go duration (for example \"10s\", \"500ms\")", s)
	}
	if d < lo || d > hi {
		return 0, fmt.Errorf("%s is out of range [%s, %s]", d, lo, hi)
	}
	return d, nil
}
