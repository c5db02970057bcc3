package config

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/cognito-events/cognito-events/events"
)

// MaxPatternSize is EventBridge's default quota on an event pattern's
// length, in characters ("Event pattern size" in Amazon EventBridge
// quotas; adjustable up to 4096 on request). Every generated pattern fits
// the default.
const MaxPatternSize = 2048

// RuleStateAllManagementEvents is the rule state under which EventBridge
// also delivers read-only CloudTrail management events; plain ENABLED
// never sees them.
const RuleStateAllManagementEvents = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"

// Pattern is the EventBridge event pattern of one of a route's rules, for
// CloudTrail records of Cognito user pools. Its JSON form (JSON) is the
// rule's EventPattern:
//
//	{"source": [...], "detail-type": [...],
//	 "detail": {"eventSource": [...], "eventName": [...], <tests>, "$or": [<alternatives>]}}
type Pattern struct {
	Source []string
	// Account lists the member accounts selected (selection.accounts);
	// empty matches every account.
	Account    []string
	DetailType []string
	// EventName lists the selected operations, or, when that list would
	// not fit EventBridge's pattern size limit, excludes the unselected
	// ones with a single anything-but; absent when nothing needs excluding.
	EventName []Value
	// base are the tests every alternative shares; alts the alternatives,
	// of which a record must match one (EventBridge's "$or"); none when
	// there is at most one.
	base []leaf
	alts []term
	// Rule and Rules say which of its route's rules this is: 1 of 1
	// unless the route's pattern had to be split.
	Rule, Rules int
	// Split says why the route has several rules; "" when it has one.
	Split string
}

// Value is one matcher of a pattern's value list: an exact string, an
// exists test, or an anything-but list. Set at most one of Exists and
// AnythingBut; with neither, Exact is the value.
type Value struct {
	Exact       string
	Exists      *bool
	AnythingBut []string
}

// MarshalJSON writes the value as EventBridge pattern syntax.
func (v Value) MarshalJSON() ([]byte, error) {
	switch {
	case v.Exists != nil:
		return json.Marshal(map[string]bool{"exists": *v.Exists})
	case v.AnythingBut != nil:
		return json.Marshal(map[string][]string{"anything-but": v.AnythingBut})
	}
	return json.Marshal(v.Exact)
}

// Pattern returns the pattern of the route's first rule: the route's only
// one unless its pattern had to be split (see Rules, which every caller
// that builds or evaluates rules uses).
func (r *Route) Pattern() (*Pattern, error) {
	ps, err := r.Rules()
	if err != nil {
		return nil, err
	}
	return ps[0], nil
}

// Rules generates the patterns of the route's rules from the catalogue and
// the selection: the selected operations' eventNames under their
// detail-types, ANDed with the conditions (no error unless failed calls
// are included: errorCode absent, or "" as hosted-UI records have it; the
// pool at requestParameters.userPoolId or additionalEventData.userPoolId;
// the client id at any of ClientIDLocations; selection.match). Conditions
// with alternatives are multiplied out under one "$or", tests common to
// every alternative hoisted out of it.
//
// Each pattern stays within MaxPatternSize characters. When listing the
// selected names makes the pattern too long (the broad presets do), it
// instead excludes the catalogue operations that are not selected but
// could reach the rule: those under its detail-types, less the read-only
// API calls when the rule state is ENABLED, since EventBridge never
// delivers those to it; such a pattern also matches operations newer than
// the catalogue. When that is too long as well (the conditions' "$or" is
// large), the operations are split over several rules, each listing some
// of them with all the conditions: no record matches two rules, so none
// is delivered twice. A single operation too long for one rule is an
// error.
func (r *Route) Rules() ([]*Pattern, error) {
	ops, err := r.Operations()
	if err != nil {
		return nil, err
	}
	state, err := r.RuleState()
	if err != nil {
		return nil, err
	}
	groups, err := r.idGroups(ops)
	if err != nil {
		return nil, err
	}
	if len(groups) == 1 {
		return r.groupRules(groups[0], state, !groups[0].byID)
	}
	var rules []*Pattern
	for _, g := range groups {
		rs, err := r.groupRules(g, state, false)
		if err != nil {
			return nil, err
		}
		rules = append(rules, rs...)
	}
	why := fmt.Sprintf("the selected operations carry the user pool or client ids in %d different sets of places, so each set has its own rules testing only its places; no call matches two of them", len(groups))
	for i, p := range rules {
		p.Rule, p.Rules = i+1, len(rules)
		if p.Split == "" {
			p.Split = why
		} else {
			p.Split = why + "; " + p.Split
		}
	}
	return rules, nil
}

// groupRules lays out the rules of one group of operations sharing their
// id places. excludeOK allows the anything-but form, which also matches
// operations the catalogue does not know: only without id filters, whose
// places an unknown operation does not have.
func (r *Route) groupRules(g opGroup, state string, excludeOK bool) ([]*Pattern, error) {
	ops := g.ops
	groups, err := r.conditions(g.pool, g.client)
	if err != nil {
		return nil, err
	}
	terms := []term{{}}
	for _, g := range groups {
		if terms, err = product(terms, g); err != nil {
			return nil, err
		}
	}
	for _, t := range terms {
		for _, l := range t {
			for _, fixed := range []string{"eventSource", "eventName"} {
				k := leaf{path: []string{fixed}, origin: "selection.operations"}
				if err := clash(k, l); err != nil {
					return nil, err
				}
			}
		}
	}
	base, alts := hoist(terms)

	build := func(ops []events.Operation) *Pattern {
		p := &Pattern{Source: []string{events.EventBridgeSource}, Account: r.Selection.Accounts, base: base, alts: alts, Rule: 1, Rules: 1}
		var api, service bool
		for _, op := range ops {
			p.EventName = append(p.EventName, Value{Exact: op.Name})
			api = api || !op.HostedUI
			service = service || op.HostedUI
		}
		if api {
			p.DetailType = append(p.DetailType, events.DetailTypeAPICall)
		}
		if service {
			p.DetailType = append(p.DetailType, events.DetailTypeServiceEvent)
		}
		return p
	}

	p := build(ops)
	n := len(p.JSON())
	if n <= MaxPatternSize {
		return []*Pattern{p}, nil
	}
	m := n
	if excludeOK {
		selected := make(map[string]bool, len(ops))
		for _, op := range ops {
			selected[op.Name] = true
		}
		api, service := len(p.DetailType) == 2 || p.DetailType[0] == events.DetailTypeAPICall, len(p.DetailType) == 2 || p.DetailType[0] == events.DetailTypeServiceEvent
		var excluded []string
		for _, op := range events.Operations() {
			reaches := op.HostedUI && service || !op.HostedUI && api && (!op.ReadOnly || state != "ENABLED")
			if reaches && !selected[op.Name] {
				excluded = append(excluded, op.Name)
			}
		}
		p.EventName = nil
		if len(excluded) > 0 {
			p.EventName = []Value{{AnythingBut: excluded}}
		}
		m = len(p.JSON())
		if m <= MaxPatternSize {
			return []*Pattern{p}, nil
		}
	}

	// Split: API calls first, then hosted-UI events, in catalogue order,
	// as many per rule as fit.
	var ordered []events.Operation
	for _, hosted := range []bool{false, true} {
		for _, op := range ops {
			if op.HostedUI == hosted {
				ordered = append(ordered, op)
			}
		}
	}
	var rules []*Pattern
	var chunk []events.Operation
	for _, op := range ordered {
		try := append(chunk[:len(chunk):len(chunk)], op)
		if len(build(try).JSON()) <= MaxPatternSize && (len(chunk) == 0 || chunk[0].HostedUI == op.HostedUI) {
			chunk = try
			continue
		}
		if len(chunk) == 0 {
			return nil, r.tooLong(g, op, len(build(try).JSON()), max(len(alts), 1))
		}
		rules = append(rules, build(chunk))
		chunk = []events.Operation{op}
		if size := len(build(chunk).JSON()); size > MaxPatternSize {
			return nil, r.tooLong(g, op, size, max(len(alts), 1))
		}
	}
	rules = append(rules, build(chunk))
	if len(rules) == 1 {
		return rules, nil
	}
	why := fmt.Sprintf("the route's pattern would be %d characters listing its %d operations", n, len(ops))
	if excludeOK {
		why += fmt.Sprintf(" (%d listing the others)", m)
	}
	why += fmt.Sprintf(", more than EventBridge's limit of %d, so its operations are split over %d rules with the same conditions; no call matches two of them", MaxPatternSize, len(rules))
	for i, p := range rules {
		p.Rule, p.Rules, p.Split = i+1, len(rules), why
	}
	return rules, nil
}

// hoist moves the tests every term has out of the terms; the rest are the
// "$or" alternatives, none when fewer than two remain or one is empty
// (always true).
func hoist(terms []term) (base []leaf, alts []term) {
	if len(terms) == 1 {
		return terms[0], nil
	}
	in := func(t term, l leaf) bool {
		for _, k := range t {
			if k.name() == l.name() && bytes.Equal(k.list, l.list) {
				return true
			}
		}
		return false
	}
	for _, l := range terms[0] {
		common := true
		for _, t := range terms[1:] {
			common = common && in(t, l)
		}
		if common {
			base = append(base, l)
		}
	}
	for _, t := range terms {
		var rest term
		for _, l := range t {
			if !in(base, l) {
				rest = append(rest, l)
			}
		}
		if len(rest) == 0 {
			return base, nil
		}
		alts = append(alts, rest)
	}
	return base, alts
}

// ExcludesOperations reports whether the pattern names the operations it
// leaves out rather than those it selects (see Route.Rules); it then also
// matches eventNames the catalogue does not know.
func (p *Pattern) ExcludesOperations() bool {
	return len(p.EventName) == 0 || p.EventName[0].AnythingBut != nil
}

// Alternatives returns the number of "$or" alternatives of the pattern, 0
// when it has none.
func (p *Pattern) Alternatives() int { return len(p.alts) }

// JSON returns the pattern's EventBridge JSON.
func (p *Pattern) JSON() []byte {
	return p.write(p.alts)
}

// Expanded returns the pattern as "$or"-free patterns, one per "$or"
// alternative (or the pattern itself when it has none), whose union
// matches exactly what the pattern matches. Matchers without "$or"
// (quamina) can evaluate the pattern by adding every alternative under
// one name.
func (p *Pattern) Expanded() [][]byte {
	if len(p.alts) == 0 {
		return [][]byte{p.JSON()}
	}
	out := make([][]byte, 0, len(p.alts))
	for _, t := range p.alts {
		flat := *p
		flat.base = append(append([]leaf(nil), p.base...), t...)
		out = append(out, flat.write(nil))
	}
	return out
}

// Map returns the pattern as generic JSON values (maps, slices, strings,
// bools), the form CloudFormation property overrides take.
func (p *Pattern) Map() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(p.JSON(), &m) // JSON we just wrote: always decodes
	return m
}

// write writes the pattern with the given alternatives.
func (p *Pattern) write(alts []term) []byte {
	var b bytes.Buffer
	b.WriteString(`{"source":`)
	b.Write(stringList(p.Source))
	if len(p.Account) > 0 {
		b.WriteString(`,"account":`)
		b.Write(stringList(p.Account))
	}
	b.WriteString(`,"detail-type":`)
	b.Write(stringList(p.DetailType))
	b.WriteString(`,"detail":`)
	detail := term{{path: []string{"eventSource"}, list: stringList([]string{events.EventSourceUserPool})}}
	if len(p.EventName) > 0 {
		names, _ := json.Marshal(p.EventName) // strings and bools: always encodes
		detail = append(detail, leaf{path: []string{"eventName"}, list: names})
	}
	detail = append(detail, p.base...)
	writeObject(&b, detail, alts)
	b.WriteByte('}')
	return b.Bytes()
}

// writeObject writes the tests as nested objects, in the order their
// first fields appear, then the alternatives under "$or".
func writeObject(b *bytes.Buffer, tests []leaf, alts []term) {
	b.WriteByte('{')
	var keys []string
	byKey := map[string][]leaf{}
	for _, l := range tests {
		k := l.path[0]
		if _, ok := byKey[k]; !ok {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], l)
	}
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(stringJSON(k))
		b.WriteByte(':')
		ls := byKey[k]
		if len(ls) == 1 && len(ls[0].path) == 1 {
			b.Write(ls[0].list)
			continue
		}
		sub := make([]leaf, len(ls))
		for j, l := range ls {
			sub[j] = leaf{path: l.path[1:], list: l.list}
		}
		writeObject(b, sub, nil)
	}
	if len(alts) > 0 {
		if len(keys) > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"$or":[`)
		for i, t := range alts {
			if i > 0 {
				b.WriteByte(',')
			}
			writeObject(b, t, nil)
		}
		b.WriteByte(']')
	}
	b.WriteByte('}')
}

func stringJSON(s string) []byte {
	b, _ := json.Marshal(s) // a string always encodes
	return b
}

// Describe says in one line which rule of its route the pattern is and its
// size, for the patterns command.
func (p *Pattern) Describe() string {
	s := fmt.Sprintf("%d characters", len(p.JSON()))
	if n := len(p.alts); n > 0 {
		s += fmt.Sprintf(", %d $or alternatives", n)
	}
	if p.Rules > 1 {
		return fmt.Sprintf("rule %d of %d, %s: %s", p.Rule, p.Rules, s, p.Split)
	}
	return s
}

// RuleState is the state the route's rule needs: ENABLED, or
// RuleStateAllManagementEvents when it selects read-only calls or hosted-UI
// events (CloudTrail marks some of those, such as Login_GET, read-only).
func (r *Route) RuleState() (string, error) {
	ops, err := r.Operations()
	if err != nil {
		return "", err
	}
	for _, op := range ops {
		if op.ReadOnly || op.HostedUI {
			return RuleStateAllManagementEvents, nil
		}
	}
	return "ENABLED", nil
}
