package config

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cognito-events/cognito-events/events"
)

// TestAppClientsIDCombinations: every combination of up to 10 pools and 10
// clients over the app-clients preset, under each inclusion flag, gives
// rules of at most MaxPatternSize characters, each testing the ids only at
// the places of its operations, and no operation in two rules.
func TestAppClientsIDCombinations(t *testing.T) {
	pool := func(i int) string { return fmt.Sprintf("ap-southeast-2_%09d", i) }
	client := func(i int) string { return fmt.Sprintf("%026d", i) }
	worst := 0
	for np := range 11 {
		for nc := range 11 {
			for flags := range 8 {
				r := route([]string{"app-clients"}, func(s *Selection) {
					for i := range np {
						s.UserPoolIDs = append(s.UserPoolIDs, pool(i))
					}
					for i := range nc {
						s.ClientIDs = append(s.ClientIDs, client(i))
					}
					s.IncludeFailed, s.IncludeReadOnly, s.IncludeHostedUI = flags&1 != 0, flags&2 != 0, flags&4 != 0
				})
				ps, err := r.Rules()
				if err != nil {
					t.Fatalf("%d pools, %d clients, flags %d: %v", np, nc, flags, err)
				}
				seen := map[string]int{}
				for _, p := range ps {
					js := string(p.JSON())
					worst = max(worst, len(js))
					if len(js) > MaxPatternSize {
						t.Errorf("%d pools, %d clients, flags %d: rule %d is %d characters", np, nc, flags, p.Rule, len(js))
					}
					for _, v := range p.EventName {
						if v.Exact == "" {
							t.Fatalf("%d pools, %d clients: rule %d excludes operations: %s", np, nc, p.Rule, js)
						}
						seen[v.Exact]++
						op, _ := events.LookupOperation(v.Exact)
						if nc > 0 {
							place := op.ClientIDPlaces()[0]
							if !strings.Contains(js, fmt.Sprintf("%q", place[len(place)-1])) {
								t.Errorf("rule for %s lacks its client id place: %s", op.Name, js)
							}
						}
					}
				}
				for name, n := range seen {
					if n > 1 {
						t.Errorf("%d pools, %d clients: %s in %d rules", np, nc, name, n)
					}
				}
			}
		}
	}
	t.Logf("largest rule: %d characters", worst)
}

// TestIDPlacesOnly: a rule for CreateUserPoolClient with pools and clients
// tests the pool in the request and the client in the response only (the
// request has no client id yet); one for DeleteUserPoolClient tests both
// in the request.
func TestIDPlacesOnly(t *testing.T) {
	for _, tc := range []struct {
		op, want string
	}{
		{"CreateUserPoolClient", `"requestParameters":{"userPoolId":["us-east-1_AAAAAAAAA"]},"responseElements":{"userPoolClient":{"clientId":["c1"]}}`},
		{"DeleteUserPoolClient", `"requestParameters":{"userPoolId":["us-east-1_AAAAAAAAA"],"clientId":["c1"]}`},
	} {
		r := route([]string{tc.op}, func(s *Selection) { s.UserPoolIDs, s.ClientIDs = []string{"us-east-1_AAAAAAAAA"}, []string{"c1"} })
		ps, err := r.Rules()
		if err != nil || len(ps) != 1 {
			t.Fatalf("%s: %d rules, %v", tc.op, len(ps), err)
		}
		js := string(ps[0].JSON())
		if !strings.Contains(js, tc.want) || strings.Contains(js, "additionalEventData") || strings.Contains(js, "$or\":[{\"requestParameters") {
			t.Errorf("%s: %s\nwant only %s", tc.op, js, tc.want)
		}
	}
}

// TestIDFilterWithoutPlaces: a selection whose operations never carry the
// filtered id is refused rather than given a rule that matches nothing.
func TestIDFilterWithoutPlaces(t *testing.T) {
	r := route([]string{"InitiateAuth", "SignUp"}, func(s *Selection) { s.UserPoolIDs = []string{"us-east-1_AAAAAAAAA"} })
	_, err := r.Rules()
	if err == nil || !strings.Contains(err.Error(), "no selected operation's records carry a user pool id (selection.userPoolIds)") {
		t.Fatalf("err = %v", err)
	}
}
