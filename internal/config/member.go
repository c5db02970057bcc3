package config

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/cognito-events/cognito-events/events"
)

// MemberRule is the rule the member template puts on each member
// account's default bus: it forwards to the hub bus the union of what the
// hub's rules select, so that only events some hub route may need cross
// accounts (each is billed).
type MemberRule struct {
	// Pattern is the rule's EventBridge pattern: source, the union of the
	// hub rules' detail-types, the Cognito event source, the union of
	// their operations (left out when one of them lists the operations it
	// excludes, or when the list would not fit MaxPatternSize), the
	// failed-call filter when no route includes failed calls, and the
	// union of selection.accounts when every route selects accounts. Pool,
	// client and selection.match conditions stay on the hub's rules.
	Pattern []byte
	// State is the rule's state: RuleStateAllManagementEvents when one
	// hub rule needs read-only events, else ENABLED.
	State string
	// Expanded is Pattern as "$or"-free patterns whose union matches what
	// it matches (see Pattern.Expanded), for matchers without "$or".
	Expanded [][]byte
}

// MemberRule returns the member template's rule, or an error when the
// configuration has no organization or no CloudTrail route.
func (c *Config) MemberRule() (*MemberRule, error) {
	if c.Organization == nil {
		return nil, fmt.Errorf("member rule: the configuration has no organization")
	}
	var (
		types, names, accounts []string
		excluded               []string // names every anything-but rule excludes
		anyBut, allNames       = false, true
		everyAccount           = true
		failed                 = false
		state                  = "ENABLED"
		rules                  int
	)
	for i := range c.Routes {
		r := &c.Routes[i]
		if !r.HasRule() {
			continue
		}
		ps, err := r.Rules()
		if err != nil {
			return nil, fmt.Errorf("route %q: %w", r.Name, err)
		}
		st, err := r.RuleState()
		if err != nil {
			return nil, fmt.Errorf("route %q: %w", r.Name, err)
		}
		if st != "ENABLED" {
			state = st
		}
		failed = failed || r.Selection.IncludeFailed
		if len(r.Selection.Accounts) == 0 {
			everyAccount = false
		}
		for _, a := range r.Selection.Accounts {
			if !slices.Contains(accounts, a) {
				accounts = append(accounts, a)
			}
		}
		for _, p := range ps {
			rules++
			for _, t := range p.DetailType {
				if !slices.Contains(types, t) {
					types = append(types, t)
				}
			}
			switch {
			case len(p.EventName) == 0:
				allNames = false
			case p.EventName[0].AnythingBut != nil:
				if !anyBut {
					excluded = slices.Clone(p.EventName[0].AnythingBut)
				} else {
					excluded = slices.DeleteFunc(excluded, func(n string) bool { return !slices.Contains(p.EventName[0].AnythingBut, n) })
				}
				anyBut = true
			default:
				for _, v := range p.EventName {
					if !slices.Contains(names, v.Exact) {
						names = append(names, v.Exact)
					}
				}
			}
		}
	}
	if rules == 0 {
		return nil, fmt.Errorf("member rule: no route has a CloudTrail rule, so members have nothing to forward")
	}
	slices.Sort(names)
	p := memberPattern{Source: []string{events.EventBridgeSource}, DetailType: types}
	if everyAccount {
		slices.Sort(accounts)
		p.Account = accounts
	}
	p.Detail.EventSource = []string{events.EventSourceUserPool}
	// No error: errorCode absent, or "" as hosted-UI records have it.
	// EventBridge refuses an exists test beside other values in one list,
	// hence the "$or".
	noError := []any{[]any{map[string]bool{"exists": false}}, []any{""}}
	if !failed {
		for _, alt := range noError {
			p.Detail.Or = append(p.Detail.Or, map[string]any{"errorCode": alt})
		}
	}
	switch {
	case !allNames:
	case anyBut:
		// The union of "not in E" and "in N" is "not in E less N".
		excluded = slices.DeleteFunc(excluded, func(n string) bool { return slices.Contains(names, n) })
		if len(excluded) > 0 {
			p.Detail.EventName = []any{map[string][]string{"anything-but": excluded}}
		}
	default:
		p.Detail.EventName = names
	}
	out, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("member rule: encoding the pattern: %w", err)
	}
	if len(out) > MaxPatternSize {
		// The operations' list is the only long part: forward every
		// operation and let the hub's rules choose.
		p.Detail.EventName = nil
		if out, err = json.Marshal(p); err != nil {
			return nil, fmt.Errorf("member rule: encoding the pattern: %w", err)
		}
	}
	if len(out) > MaxPatternSize {
		return nil, fmt.Errorf("member rule: the pattern would be %d characters, more than EventBridge's limit of %d: list fewer selection.accounts", len(out), MaxPatternSize)
	}
	mr := &MemberRule{Pattern: out, State: state, Expanded: [][]byte{out}}
	if !failed {
		p.Detail.Or = nil
		mr.Expanded = nil
		for _, alt := range noError {
			p.Detail.ErrorCode = alt
			flat, err := json.Marshal(p)
			if err != nil {
				return nil, fmt.Errorf("member rule: encoding the pattern: %w", err)
			}
			mr.Expanded = append(mr.Expanded, flat)
		}
	}
	return mr, nil
}

// memberPattern is the member rule's pattern, its keys in the order the
// hub's patterns write them.
type memberPattern struct {
	Source     []string `json:"source"`
	Account    []string `json:"account,omitempty"`
	DetailType []string `json:"detail-type"`
	Detail     struct {
		EventSource []string `json:"eventSource"`
		EventName   any      `json:"eventName,omitempty"`
		ErrorCode   any      `json:"errorCode,omitempty"`
		Or          []any    `json:"$or,omitempty"`
	} `json:"detail"`
}
