package config

import (
	"slices"
	"strings"
	"testing"

	"github.com/cognito-events/cognito-events/events"
)

// record holds the fields the oracle reads. ErrorCode is a pointer because
// "absent" (a successful API call) and "" (a hosted-UI record) differ.
type record struct {
	ReadOnly          events.Flag `json:"readOnly"`
	EventSource       string      `json:"eventSource"`
	EventName         string      `json:"eventName"`
	ErrorCode         *string     `json:"errorCode"`
	RequestParameters struct {
		UserPoolID any `json:"userPoolId"`
		ClientID   any `json:"clientId"`
	} `json:"requestParameters"`
	ResponseElements struct {
		UserPoolClient struct {
			ClientID any `json:"clientId"`
		} `json:"userPoolClient"`
	} `json:"responseElements"`
	AdditionalEventData struct {
		UserPoolID        any `json:"userPoolId"`
		ClientID          any `json:"clientId"`
		RequestParameters struct {
			ClientID []any `json:"client_id"`
		} `json:"requestParameters"`
	} `json:"additionalEventData"`
}

// oracle says, from the selection's documented meaning, whether a route
// whose selection resolves to ops (events.Select, before the flags) should
// receive f. It looks at the pattern only to learn whether the pattern
// excludes operations, in which case operations the catalogue does not know
// are documented to match.
func oracle(r *Route, ops map[string]bool, ps []*Pattern, f fixture) bool {
	rec, sel := f.rec, r.Selection
	if f.source != events.EventBridgeSource || rec.EventSource != events.EventSourceUserPool {
		return false
	}
	op, known := events.LookupOperation(rec.EventName)
	switch {
	case !known:
		if !slices.ContainsFunc(ps, func(p *Pattern) bool {
			return p.ExcludesOperations() && slices.Contains(p.DetailType, f.detailType)
		}) {
			return false
		}
	case !ops[op.Name],
		op.DetailType() != f.detailType,
		op.HostedUI && !sel.IncludeHostedUI,
		!op.HostedUI && op.ReadOnly && !sel.IncludeReadOnly:
		return false
	}
	if !sel.IncludeFailed && rec.ErrorCode != nil && *rec.ErrorCode != "" {
		return false
	}
	// The ids may be anywhere the record carries them, whatever the
	// operation: this does not consult the catalogue's places.
	in := func(ids []string, vs ...any) bool {
		for _, v := range vs {
			if s, ok := v.(string); ok && slices.Contains(ids, s) {
				return true
			}
		}
		return false
	}
	if len(sel.UserPoolIDs) > 0 && !in(sel.UserPoolIDs, rec.RequestParameters.UserPoolID, rec.AdditionalEventData.UserPoolID) {
		return false
	}
	if len(sel.ClientIDs) > 0 && !in(sel.ClientIDs, append([]any{rec.RequestParameters.ClientID, rec.ResponseElements.UserPoolClient.ClientID, rec.AdditionalEventData.ClientID}, rec.AdditionalEventData.RequestParameters.ClientID...)...) {
		return false
	}
	return true
}

// TestPatternAgreesWithOracle evaluates every preset, with and without pool
// filters and each inclusion flag, on every fixture (this package's and, when
// present, the project's testdata/envelopes), and checks quamina's verdict on
// the generated pattern against the oracle's.
func TestPatternAgreesWithOracle(t *testing.T) {
	fixtures := loadFixtures(t, ownFixtures, sharedFixtures)
	pools := [][]string{nil, {"us-east-1_AAAAAAAAA"}, {"us-west-2_aaaaaaaaa", "us-east-1_BBBBBBBBB"}, {"us-east-1_Xk3mQ9pLw", "eu-west-1_Rb7TnW2eK"}}
	// Client ids of the fixtures: each appears at a different place
	// (request, response, hosted-UI client_id array).
	clients := [][]string{nil, {"3n4b5urk1ft4fl3mg5e62d9ado"}, {"uh9rjacjipl8rhbacgtrnuv0z5", "rzndp65tvuhgru3q2g8ctm6y05"}}
	// Every preset alone, and mixtures whose patterns exclude operations
	// of both detail-types.
	hosted, _ := events.Preset(string(events.CategoryHostedUI))
	mostHosted := []string{"all-mutations"}
	for _, op := range hosted {
		if op.Name != "Token_POST" && op.Name != "Login_GET" {
			mostHosted = append(mostHosted, op.Name)
		}
	}
	selections := [][]string{mostHosted, {"all-mutations", "DescribeUserPool"}, {"users", "Login_GET"}}
	for _, p := range events.Presets() {
		selections = append(selections, []string{p})
	}
	for _, names := range selections {
		selected, err := events.Select(names...)
		if err != nil {
			t.Fatal(err)
		}
		ops := map[string]bool{}
		for _, op := range selected {
			ops[op.Name] = true
		}
		for _, ids := range pools {
			for _, cids := range clients {
				for flags := range 8 {
					r := route(names, func(s *Selection) {
						s.UserPoolIDs, s.ClientIDs = ids, cids
						s.IncludeFailed, s.IncludeReadOnly, s.IncludeHostedUI = flags&1 != 0, flags&2 != 0, flags&4 != 0
					})
					name := strings.Join(names, "+") + "/pools=" + strings.Join(ids, "+") + "/clients=" + strings.Join(cids, "+") + "/flags=" + string(rune('0'+flags))
					t.Run(name, func(t *testing.T) {
						ps, err := r.Rules()
						if err != nil {
							if _, opErr := r.Operations(); opErr != nil {
								t.Skipf("selection is empty under these flags: %v", opErr)
							}
							if strings.Contains(err.Error(), "could match nothing") {
								t.Skipf("no selected operation carries the ids: %v", err)
							}
							t.Fatalf("Rules: %v", err)
						}
						q := newMatcher(t, ps...)
						state, _ := r.RuleState()
						for _, f := range fixtures {
							if got, want := delivers(t, q, state, f), reaches(state, f) && oracle(r, ops, ps, f); got != want {
								t.Errorf("%s: pattern matched=%v, oracle=%v\npattern %s", f.name, got, want, ps[0].JSON())
							}
						}
						for _, p := range ps {
							if n := len(p.JSON()); n > MaxPatternSize {
								t.Errorf("rule %d of %d is %d characters", p.Rule, p.Rules, n)
							}
						}
					})
				}
			}
		}
	}
}
