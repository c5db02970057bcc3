package routes

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/cognito-events/cognito-events/internal/config"
	"github.com/cognito-events/cognito-events/internal/pattern"
)

// Rule states of an EventBridge rule that matter to matching.
const (
	// StateEnabled is a rule that receives no read-only CloudTrail
	// management events.
	StateEnabled = "ENABLED"
	// StateAllManagementEvents is a rule that also receives them.
	StateAllManagementEvents = config.RuleStateAllManagementEvents
)

// Route is one route's rule as the synthesized template or the
// configuration has it.
type Route struct {
	Name   string // the route name from cdk.json
	Region string
	Rule   string // rule logical id in the template, "" from config
	State  string // ENABLED or ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS
	// Pattern is the pattern of the route's first rule, Rules[0].Pattern.
	Pattern *pattern.Pattern
	// Rules are the route's rules: one, or several when internal/config
	// split its pattern to stay within EventBridge's size limit; no record
	// matches two of them. Same state and target.
	Rules []Rule
	// Config is the route's configuration (FromConfig, Load); nil when
	// the rule was read from a template.
	Config *config.Route
	// Template is the file the rule was read from (FromTemplates); "" from
	// FromTemplate and the configuration.
	Template string

	// Member, with an organization (from the configuration), is what an
	// event crosses before this hub rule: the hub bus's admission and the
	// member accounts' rule (organization.go); nil otherwise.
	Member *Member

	target    *Target // from a template: the function behind the rule
	targetErr error   // why the template gives no target
}

// readOnlyCloudTrail is what a rule in state ENABLED never receives: a
// read-only management event delivered via CloudTrail (readOnly is a
// boolean, or a string in some records).
var readOnlyCloudTrail = mustCompile(`{"detail-type":[{"suffix":"via CloudTrail"}],"detail":{"readOnly":[true,{"equals-ignore-case":"true"}]}}`)

// reasonReadOnly is the Reason of a read-only event for a rule in state
// ENABLED.
const reasonReadOnly = "detail.readOnly: true, and a rule in state ENABLED receives no read-only CloudTrail management events (state " + StateAllManagementEvents + " does)"

func mustCompile(p string) *pattern.Pattern {
	c, err := pattern.Compile([]byte(p))
	if err != nil {
		panic(err) // a constant pattern: caught by any test
	}
	return c
}

// Match evaluates the event the way EventBridge does for this rule (after
// the member rule and the hub's admission, for a hub's route): a rule
// in state ENABLED never receives read-only management events delivered
// via CloudTrail, whatever its pattern; any other event must match the
// pattern. The event is decoded once for both. An event that is not a
// JSON object is an error, as in pattern.Pattern.Match.
//
// A route of several rules matches when one of them does; otherwise the
// reason is that of the rule that lists the event's operation (the one
// whose failure is not on detail.eventName or detail-type), else the
// first rule's.
func (r Route) Match(event []byte) (pattern.Result, error) {
	ev, err := pattern.DecodeEvent(event)
	if err != nil {
		return pattern.Result{}, err
	}
	if r.Member != nil {
		ok, why, err := r.Member.forwards(event, ev)
		if err != nil {
			return pattern.Result{}, err
		}
		if !ok {
			return pattern.Result{Reason: why}, nil
		}
	}
	if r.State == StateEnabled && readOnlyCloudTrail.MatchEvent(ev).Matched {
		return pattern.Result{Reason: reasonReadOnly}, nil
	}
	if len(r.Rules) <= 1 {
		return r.Pattern.MatchEvent(ev), nil
	}
	var first, best pattern.Result
	for i, rule := range r.Rules {
		res := rule.Pattern.MatchEvent(ev)
		if res.Matched {
			return res, nil
		}
		if i == 0 {
			first = res
		}
		if best.Reason == "" && !strings.HasPrefix(res.Reason, "detail.eventName:") && !strings.HasPrefix(res.Reason, "detail-type:") {
			best = res
		}
	}
	if best.Reason == "" {
		best = first
	}
	return best, nil
}

// OtherRegion explains why a rule in one region's stack never sees an
// event of another: EventBridge delivers a call only on the default bus of
// the region it was made in. "" when the regions agree or either is
// unknown (a template that does not say, an event without region). Match
// does not look at regions (replay and backfill send a chosen route the
// records given); the match command asks both.
func (r Route) OtherRegion(event []byte) string {
	var probe struct {
		Region string `json:"region"`
	}
	if r.Region == "" || r.Member != nil { // a hub's rules see every member region's events
		return ""
	}
	if json.Unmarshal(event, &probe) != nil || probe.Region == "" || probe.Region == r.Region {
		return ""
	}
	return fmt.Sprintf("region: the event is from %s, and this rule is in the %s stack: EventBridge delivers a call only in the region it was made in", probe.Region, r.Region)
}

// Rule is one EventBridge rule of a route.
type Rule struct {
	ID      string // logical id in the template, "" from config
	Pattern *pattern.Pattern
	// Note says, from the configuration, the pattern's size and, for a
	// route of several rules, which one this is and why ("rule 2 of 3,
	// ..."); "" from a template.
	Note string
}

// cdkJSON is the part of cdk.json read here.
type cdkJSON struct {
	Context map[string]json.RawMessage `json:"context"`
}

var errMissing = errors.New("missing")

// FromConfig returns one Route per (route, region) of the configuration in
// cdk.json's context, in the configuration's order (regions within each
// route), with the pattern and rule state internal/config generates, which
// the CDK app writes into the template verbatim, and the route's
// configuration.
func FromConfig(cdk []byte) ([]Route, error) {
	cfg, err := parseCDK(cdk)
	if err != nil {
		return nil, err
	}
	member, err := memberOf(cfg)
	if err != nil {
		return nil, err
	}
	var routes []Route
	for i := range cfg.Routes {
		cr := &cfg.Routes[i]
		if !cr.HasRule() {
			continue // a triggers or sync-only route: no rule to match
		}
		gens, err := cr.Rules()
		if err != nil {
			return nil, fmt.Errorf("route %q: %w", cr.Name, err)
		}
		state, err := cr.RuleState()
		if err != nil {
			return nil, fmt.Errorf("route %q: %w", cr.Name, err)
		}
		rules := make([]Rule, len(gens))
		for j, gen := range gens {
			p, err := pattern.Compile(gen.JSON())
			if err != nil {
				return nil, fmt.Errorf("route %q: generated pattern: %w", cr.Name, err)
			}
			rules[j] = Rule{Pattern: p, Note: gen.Describe()}
		}
		for _, region := range cfg.Regions {
			if !cr.InRegion(region) {
				continue // its pools all lie elsewhere: nothing in this stack
			}
			routes = append(routes, Route{Name: cr.Name, Region: region, State: state, Pattern: rules[0].Pattern, Rules: rules, Config: cr, Member: member})
		}
	}
	return routes, nil
}

// parseCDK reads the configuration of a cdk.json file. Its errors do not
// name the file: the caller, who knows it (cdk.json or --config FILE),
// does.
func parseCDK(cdk []byte) (*config.Config, error) {
	var c cdkJSON
	if err := json.Unmarshal(cdk, &c); err != nil {
		return nil, fmt.Errorf("decoding the CDK configuration: %w", err)
	}
	raw, ok := c.Context[config.ContextKey]
	if !ok {
		return nil, fmt.Errorf("context.%s: %w (context key %q not found: add it to the file's context, see docs/deploy.md)", config.ContextKey, errMissing, config.ContextKey)
	}
	if len(raw) > 0 && raw[0] == '"' { // given as a JSON string, as with cdk -c
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("decoding context.%s: %w", config.ContextKey, err)
		}
		raw = json.RawMessage(s)
	}
	cfg, err := config.Parse(raw)
	if err != nil {
		return nil, err
	}
	return cfg, nil
}

// NotFoundError is Load's error for a route or a region the configuration
// does not have; it lists the ones it has.
type NotFoundError struct {
	Path  string   // the configuration file
	What  string   // "route" or "region"
	Name  string   // what was asked for
	Known []string // what the configuration has, in its order
}

func (e *NotFoundError) Error() string {
	if e.What == "region" {
		return fmt.Sprintf("%s does not deploy to region %q; its regions: %s", e.Path, e.Name, strings.Join(e.Known, ", "))
	}
	return fmt.Sprintf("%s has no %s %q; its %ss: %s", e.Path, e.What, e.Name, e.What, strings.Join(e.Known, ", "))
}

// Load reads the configuration file path (cdk.json) and returns the route
// named name in region, the configuration's first region when region is
// empty. An unknown route or region is a *NotFoundError.
func Load(path, name, region string) (Route, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Route{}, fmt.Errorf("reading configuration: %w", err)
	}
	routes, err := FromConfig(data)
	if err != nil {
		return Route{}, fmt.Errorf("%s: %w", path, err)
	}
	var names, regions []string
	for _, r := range routes {
		if !slices.Contains(names, r.Name) {
			names = append(names, r.Name)
		}
		if r.Name == routes[0].Name {
			regions = append(regions, r.Region)
		}
	}
	if !slices.Contains(names, name) {
		return Route{}, &NotFoundError{Path: path, What: "route", Name: name, Known: names}
	}
	if region == "" {
		region = regions[0]
	} else if !slices.Contains(regions, region) {
		return Route{}, &NotFoundError{Path: path, What: "region", Name: region, Known: regions}
	}
	for _, r := range routes {
		if r.Name == name && r.Region == region {
			return r, nil
		}
	}
	return Route{}, fmt.Errorf("%s: no pattern for route %q in %s", path, name, region)
}
