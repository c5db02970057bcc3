package config

import (
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cognito-events/cognito-events/events"
	forwarderconfig "github.com/cognito-events/cognito-events/internal/forwarder/config"
	"github.com/cognito-events/cognito-events/internal/sink"
)

var (
	routeNameRE  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,39}$`)
	userPoolIDRE = regexp.MustCompile(`^([a-z]{2}(-[a-z]+)+-\d+)_[0-9A-Za-z]+$`)
)

// excludableSources are the only management-event sources a trail's
// advanced event selectors may exclude.
var excludableSources = []string{"kms.amazonaws.com", "rdsdata.amazonaws.com"}

// logRetentionDays are the retention values CloudWatch Logs accepts.
var logRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// logLevels are Lambda's application log levels.
var logLevels = []string{"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"}

// Validate checks the configuration after defaults. The error wraps
// ErrInvalid and names the route and field at fault.
func (c *Config) Validate() error {
	if err := c.validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return nil
}

func (c *Config) validate() error {
	if len(c.Regions) == 0 {
		return fmt.Errorf("regions: at least one region is required, for example [\"us-east-1\"]")
	}
	for i, r := range c.Regions {
		if !sink.ValidRegion(r) {
			return fmt.Errorf("regions[%d]: %q is not a region name such as us-east-1", i, r)
		}
		if slices.Contains(c.Regions[:i], r) {
			return fmt.Errorf("regions[%d]: %q is listed twice", i, r)
		}
	}
	switch c.Trail.Mode {
	case TrailCreate, TrailExisting:
	default:
		return fmt.Errorf("trail.mode: %q: want create or existing", c.Trail.Mode)
	}
	if c.Trail.BucketExpirationDays < 1 {
		return fmt.Errorf("trail.bucketExpirationDays: %d: want at least 1", c.Trail.BucketExpirationDays)
	}
	for i, s := range c.Trail.ExcludeEventSources {
		if !slices.Contains(excludableSources, s) {
			return fmt.Errorf("trail.excludeEventSources[%d]: %q: a trail can exclude only %s from its management events (CloudTrail does not let a trail select one service such as cognito-idp.amazonaws.com)", i, s, strings.Join(excludableSources, " and "))
		}
	}
	if c.Trail.Mode == TrailExisting && (len(c.Trail.ExcludeEventSources) > 0 || c.Trail.BucketExpirationDays != DefaultBucketExpirationDays || c.Trail.CloudWatchLogs) {
		return fmt.Errorf("trail: excludeEventSources, bucketExpirationDays and cloudWatchLogs apply only with mode create")
	}
	if c.Alarms.Email != "" {
		if a, err := mail.ParseAddress(c.Alarms.Email); err != nil || a.Address != c.Alarms.Email {
			return fmt.Errorf("alarms.email: %q is not an e-mail address", c.Alarms.Email)
		}
	}
	if c.Organization != nil {
		if err := c.Organization.validate(c.Regions); err != nil {
			return err
		}
	}
	if len(c.Routes) == 0 {
		return fmt.Errorf("routes: at least one route is required")
	}
	for i := range c.Routes {
		r := &c.Routes[i]
		if !routeNameRE.MatchString(r.Name) {
			return fmt.Errorf("routes[%d].name: %q: want 1 to 40 letters, digits and hyphens, starting with a letter or digit", i, r.Name)
		}
		for _, prev := range c.Routes[:i] {
			if prev.Name == r.Name {
				return fmt.Errorf("routes[%d].name: %q is used by another route", i, r.Name)
			}
		}
		if err := r.validate(c.Regions, c.poolRegions()); err != nil {
			return fmt.Errorf("route %q: %w", r.Name, err)
		}
		if err := r.validateAccounts(c.Organization); err != nil {
			return fmt.Errorf("route %q: %w", r.Name, err)
		}
		if err := r.validateEnrichScope(); err != nil {
			return fmt.Errorf("route %q: %w", r.Name, err)
		}
	}
	return c.validatePoolNames()
}

// validate checks the route; poolRegions are the regions its user pools
// may be in (regions, and with organization the member regions).
func (r *Route) validate(regions, poolRegions []string) error {
	if r.IsTriggers() {
		if err := r.validateTriggers(regions); err != nil {
			return err
		}
	} else if r.HasRule() {
		if _, err := r.Pattern(); err != nil {
			return err
		}
	} else if err := r.validateSyncOnly(); err != nil {
		return err
	}
	if err := r.validateSync(); err != nil {
		return err
	}
	for i, id := range r.Selection.UserPoolIDs {
		m := userPoolIDRE.FindStringSubmatch(id)
		if m == nil {
			return fmt.Errorf("selection.userPoolIds[%d]: %q is not a user pool id (region_id, for example us-east-1_AbCdEfGhI)", i, id)
		}
		if !slices.Contains(poolRegions, m[1]) {
			return fmt.Errorf("selection.userPoolIds[%d]: %q is in %s, which is not in regions %v: its calls never reach these stacks", i, id, m[1], poolRegions)
		}
	}
	if err := r.Sink.validate(); err != nil {
		return err
	}
	if r.Retry.MaxAttempts < 1 || r.Retry.MaxAttempts > 20 {
		return fmt.Errorf("retry.maxAttempts: %d: want 1 to 20", r.Retry.MaxAttempts)
	}
	if _, err := parseDuration(r.Retry.BaseDelay, time.Millisecond, 30*time.Second); err != nil {
		return fmt.Errorf("retry.baseDelay: %w", err)
	}
	for client, pool := range r.PoolResolution.ClientMap {
		if client == "" || strings.ContainsAny(client, "=,") || !userPoolIDRE.MatchString(pool) {
			return fmt.Errorf("poolResolution.clientMap: entry %q: %q: want an app client id mapped to a user pool id", client, pool)
		}
	}
	if r.PoolResolution.LookupRate < 0 || (r.PoolResolution.LookupRate > 0 && !r.PoolResolution.Lookup) {
		return fmt.Errorf("poolResolution.lookupRate: %v: want a positive rate, and only with lookup true", r.PoolResolution.LookupRate)
	}
	f := r.Function
	if f.MemoryMB < 128 || f.MemoryMB > 10240 {
		return fmt.Errorf("function.memoryMB: %d: want 128 to 10240", f.MemoryMB)
	}
	if f.TimeoutSeconds < 0 || time.Duration(f.TimeoutSeconds)*time.Second > MaxTimeout {
		return fmt.Errorf("function.timeoutSeconds: %d: want 1 to 900, or leave it out to size it from the retry budget", f.TimeoutSeconds)
	}
	if t := r.Timeout(); t > MaxTimeout {
		return fmt.Errorf("retry: the retry budget (%d attempts of sink.timeout %s plus backoff from %s) needs %s, more than Lambda's 15 minutes: lower retry.maxAttempts or sink.timeout", r.Retry.MaxAttempts, r.Sink.Timeout, r.Retry.BaseDelay, t)
	}
	if err := r.contradictions(); err != nil {
		return err
	}
	if !slices.Contains(logLevels, f.LogLevel) {
		return fmt.Errorf("function.logLevel: %q: want one of %s", f.LogLevel, strings.Join(logLevels, ", "))
	}
	if r.Sink.Kind == sink.KindLog && slices.Index(logLevels, f.LogLevel) > slices.Index(logLevels, "INFO") {
		return fmt.Errorf("function.logLevel: %q: a log sink writes each event at INFO, which Lambda would drop: want INFO, DEBUG or TRACE", f.LogLevel)
	}
	if !slices.Contains(logRetentionDays, f.LogRetentionDays) {
		return fmt.Errorf("function.logRetentionDays: %d: CloudWatch Logs accepts only %v", f.LogRetentionDays, logRetentionDays)
	}
	d := r.Delivery
	if d.BatchSize < 1 || d.BatchSize > 10 {
		return fmt.Errorf("delivery.batchSize: %d: want 1 to 10", d.BatchSize)
	}
	if d.MaxEventAgeSeconds < 60 || d.MaxEventAgeSeconds > 86400 {
		return fmt.Errorf("delivery.maxEventAgeSeconds: %d: want 60 to 86400", d.MaxEventAgeSeconds)
	}
	if *d.RetryAttempts < 0 || *d.RetryAttempts > 185 {
		return fmt.Errorf("delivery.retryAttempts: %d: want 0 to 185", *d.RetryAttempts)
	}
	if *d.ArchiveRetentionDays < 0 {
		return fmt.Errorf("delivery.archiveRetentionDays: %d: want 0 (keep forever) or more", *d.ArchiveRetentionDays)
	}
	// The forwarder reads the environment this route gives it with its own
	// parser: run that parser here, so that a setting the function would
	// refuse at cold start fails at synth instead.
	env := r.Environment()
	getenv := func(k string) string {
		if k == forwarderconfig.EnvAWSRegion {
			return regions[0]
		}
		return env[k]
	}
	if _, err := forwarderconfig.Load(getenv); err != nil {
		return fmt.Errorf("sink: the forwarder would refuse its environment: %w", err)
	}
	return nil
}

// Operations resolves the route's selection into the operations its rule
// matches: the named operations and presets, less the read-only API calls
// unless IncludeReadOnly and the hosted-UI events unless IncludeHostedUI.
// Sorted by name.
func (r *Route) Operations() ([]events.Operation, error) {
	sel := r.Selection
	if len(sel.Operations) == 0 {
		return nil, fmt.Errorf("selection.operations: required: operation names and/or presets (%s)", strings.Join(events.Presets(), ", "))
	}
	for i, name := range sel.Operations {
		if _, err := events.Select(name); err != nil {
			return nil, fmt.Errorf("selection.operations[%d]: %w", i, err)
		}
	}
	all, err := events.Select(sel.Operations...)
	if err != nil {
		return nil, fmt.Errorf("selection.operations: %w", err)
	}
	var ops []events.Operation
	for _, op := range all {
		if op.HostedUI && !sel.IncludeHostedUI || !op.HostedUI && op.ReadOnly && !sel.IncludeReadOnly {
			continue
		}
		ops = append(ops, op)
	}
	if len(ops) == 0 {
		return nil, fmt.Errorf("selection.operations: %q selects only read-only calls or hosted-UI events, which are excluded: set selection.includeReadOnly or selection.includeHostedUI", sel.Operations)
	}
	return ops, nil
}
