package config

import (
	"encoding/json"
	"fmt"

	"github.com/cognito-events/cognito-events/events"
)

// MaxPatternSize is EventBridge's default quota on an event pattern's
// length, in characters.
const MaxPatternSize = 2048

// RuleStateAllManagementEvents is the rule state under which EventBridge
// also delivers read-only CloudTrail management events; plain ENABLED
// never sees them.
const RuleStateAllManagementEvents = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"

// Pattern is an EventBridge event pattern for CloudTrail records of Cognito
// user pools. Its JSON form (json.Marshal) is the rule's EventPattern.
type Pattern struct {
	Source     []string `json:"source"`
	DetailType []string `json:"detail-type"`
	Detail     Detail   `json:"detail"`
}

// Detail is the pattern's part under "detail", the CloudTrail record.
type Detail struct {
	EventSource []string `json:"eventSource"`
	// EventName lists the selected operations, or, when that list would
	// not fit EventBridge's pattern size limit, excludes the unselected
	// ones with a single anything-but; absent when nothing needs excluding.
	EventName []Value `json:"eventName,omitempty"`
	// Or holds alternatives of which a record must match at least one;
	// EventBridge's "$or". Each alternative is ANDed with the fields above.
	Or []Condition `json:"$or,omitempty"`
}

// Condition is one "$or" alternative: the error-code and user-pool tests.
type Condition struct {
	ErrorCode           []Value     `json:"errorCode,omitempty"`
	RequestParameters   *PoolFilter `json:"requestParameters,omitempty"`
	AdditionalEventData *PoolFilter `json:"additionalEventData,omitempty"`
}

// PoolFilter matches a record's userPoolId at one place of the record.
type PoolFilter struct {
	UserPoolID []string `json:"userPoolId"`
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

// Succeeded matches records of calls that did not fail: successful API
// calls have no errorCode at all, and hosted-UI records carry an empty one.
// EventBridge and quamina both reject an exists test mixed with other
// values in one list, so the two are alternatives under "$or".
var succeeded = []Condition{
	{ErrorCode: []Value{{Exists: new(false)}}},
	{ErrorCode: []Value{{Exact: ""}}},
}

// Pattern generates the route's rule pattern from the catalogue: the
// selected operations' eventNames under their detail-types, the pool
// filter on requestParameters.userPoolId or additionalEventData.userPoolId,
// and, unless failed calls are included, only records without an error.
//
// When the list of selected names would make the pattern longer than
// MaxPatternSize (the broad presets do), the pattern instead excludes the
// catalogue operations that are not selected but could reach the rule:
// those under its detail-types, less the read-only API calls when the rule
// state is ENABLED, since EventBridge never delivers those to it. Such a
// pattern also matches operations newer than the catalogue.
func (r *Route) Pattern() (*Pattern, error) {
	ops, err := r.Operations()
	if err != nil {
		return nil, err
	}
	state, err := r.RuleState()
	if err != nil {
		return nil, err
	}
	p := &Pattern{
		Source: []string{events.EventBridgeSource},
		Detail: Detail{EventSource: []string{events.EventSourceUserPool}},
	}
	var api, service bool
	selected := make(map[string]bool, len(ops))
	for _, op := range ops {
		p.Detail.EventName = append(p.Detail.EventName, Value{Exact: op.Name})
		selected[op.Name] = true
		api = api || !op.HostedUI
		service = service || op.HostedUI
	}
	if api {
		p.DetailType = append(p.DetailType, events.DetailTypeAPICall)
	}
	if service {
		p.DetailType = append(p.DetailType, events.DetailTypeServiceEvent)
	}

	var pools []Condition
	if ids := r.Selection.UserPoolIDs; len(ids) > 0 {
		pools = []Condition{
			{RequestParameters: &PoolFilter{UserPoolID: ids}},
			{AdditionalEventData: &PoolFilter{UserPoolID: ids}},
		}
	}
	var errs []Condition
	if !r.Selection.IncludeFailed {
		errs = succeeded
	}
	// "$or" may appear once per object, so both tests share it as their
	// cross product: (no error) AND (pool at either place).
	switch {
	case pools == nil:
		p.Detail.Or = errs
	case errs == nil:
		p.Detail.Or = pools
	default:
		for _, e := range errs {
			for _, pl := range pools {
				c := pl
				c.ErrorCode = e.ErrorCode
				p.Detail.Or = append(p.Detail.Or, c)
			}
		}
	}

	if n := len(p.JSON()); n > MaxPatternSize {
		var excluded []string
		for _, op := range events.Operations() {
			reaches := op.HostedUI && service || !op.HostedUI && api && (!op.ReadOnly || state != "ENABLED")
			if reaches && !selected[op.Name] {
				excluded = append(excluded, op.Name)
			}
		}
		p.Detail.EventName = nil
		if len(excluded) > 0 {
			p.Detail.EventName = []Value{{AnythingBut: excluded}}
		}
		if m := len(p.JSON()); m > MaxPatternSize {
			return nil, fmt.Errorf("selection: the event pattern would be %d characters listing the selected operations, or %d listing the others, more than EventBridge's default limit of %d: split the operations over several routes (for example hosted-UI events or read-only calls in a route of their own)", n, m, MaxPatternSize)
		}
	}
	return p, nil
}

// ExcludesOperations reports whether the pattern names the operations it
// leaves out rather than those it selects (see Route.Pattern); it then also
// matches eventNames the catalogue does not know.
func (p *Pattern) ExcludesOperations() bool {
	return len(p.Detail.EventName) == 0 || p.Detail.EventName[0].AnythingBut != nil
}

// JSON returns the pattern's EventBridge JSON.
func (p *Pattern) JSON() []byte {
	b, _ := json.Marshal(p) // typed struct of strings: always encodes
	return b
}

// Map returns the pattern as generic JSON values (maps, slices, strings,
// bools), the form CloudFormation property overrides take.
func (p *Pattern) Map() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(p.JSON(), &m) // JSON we just wrote: always decodes
	return m
}

// flatDetail is a Detail with one Condition merged in: no "$or".
type flatDetail struct {
	EventSource         []string    `json:"eventSource"`
	EventName           []Value     `json:"eventName,omitempty"`
	ErrorCode           []Value     `json:"errorCode,omitempty"`
	RequestParameters   *PoolFilter `json:"requestParameters,omitempty"`
	AdditionalEventData *PoolFilter `json:"additionalEventData,omitempty"`
}

// Alternatives returns the pattern as "$or"-free patterns, one per "$or"
// alternative (or the pattern itself when it has none), whose union matches
// exactly what the pattern matches. Matchers without "$or" (quamina) can
// evaluate the pattern by adding every alternative under one name.
func (p *Pattern) Alternatives() [][]byte {
	conds := p.Detail.Or
	if len(conds) == 0 {
		conds = []Condition{{}}
	}
	out := make([][]byte, 0, len(conds))
	for _, c := range conds {
		flat := struct {
			Source     []string   `json:"source"`
			DetailType []string   `json:"detail-type"`
			Detail     flatDetail `json:"detail"`
		}{p.Source, p.DetailType, flatDetail{
			EventSource:         p.Detail.EventSource,
			EventName:           p.Detail.EventName,
			ErrorCode:           c.ErrorCode,
			RequestParameters:   c.RequestParameters,
			AdditionalEventData: c.AdditionalEventData,
		}}
		b, _ := json.Marshal(flat) // typed struct of strings: always encodes
		out = append(out, b)
	}
	return out
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
