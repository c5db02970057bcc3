package config

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/timbray/quamina"

	"github.com/cognito-events/cognito-events/internal/pattern"
)

// parseRoute parses a one-route configuration in us-east-1 whose route has
// the given JSON members (name, selection).
func parseRoute(tb testing.TB, members string) (*Route, error) {
	tb.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(members), &m); err != nil {
		tb.Fatalf("decoding route %s: %v", members, err)
	}
	if _, ok := m["name"]; !ok {
		m["name"] = json.RawMessage(`"x"`)
	}
	m["sink"] = json.RawMessage(`{"kind": "http", "url": "https://hooks.example.com/cognito"}`)
	route, _ := json.Marshal(m)
	cfg, err := Parse([]byte(`{"regions": ["us-east-1"], "routes": [` + string(route) + `]}`))
	if err != nil {
		return nil, err
	}
	return &cfg.Routes[0], nil
}

func TestSelectionErrors(t *testing.T) {
	tests := []struct{ name, route, want string }{
		{"unknown operator", `{"selection": {"operations": ["app-clients"], "match": {"requestParameters": {"clientName": [{"startsWith": "web"}]}}}}`,
			`route "x": selection.match.requestParameters.clientName[0]: unknown operator "startsWith": did you mean "prefix"?`},
		{"key outside detail's shape", `{"selection": {"operations": ["app-clients"], "match": {"userIdentity": {"arm": ["x"]}}}}`,
			`route "x": selection.match.userIdentity.arm: unknown field "arm": did you mean "arn"?`},
		{"key in an alternative", `{"selection": {"operations": ["app-clients"], "match": {"$or": [{"eventVersion": ["1.08"]}, {"sourceIpAddress": ["10.0.0.1"]}]}}}`,
			`route "x": selection.match.$or[1].sourceIpAddress: unknown field "sourceIpAddress": did you mean "sourceIPAddress"?`},
		{"wrong type", `{"selection": {"operations": ["app-clients"], "match": {"userAgent": "aws-cli"}}}`,
			`route "x": selection.match.userAgent: want an array of values or a nested object, found the string "aws-cli"`},
		{"operand of the wrong type", `{"selection": {"operations": ["app-clients"], "match": {"userAgent": [{"prefix": 5}]}}}`,
			`route "x": selection.match.userAgent[0]: prefix: want a string, found 5`},
		{"object where a value is", `{"selection": {"operations": ["app-clients"], "match": {"eventTime": {"x": ["y"]}}}}`,
			`route "x": selection.match.eventTime: want an array of values`},
		{"not an object", `{"selection": {"operations": ["app-clients"], "match": ["x"]}}`,
			`route "x": selection.match: want a JSON object, found an array`},
		{"eventName is the operations'", `{"selection": {"operations": ["app-clients"], "match": {"eventName": [{"prefix": "Update"}]}}}`,
			`route "x": selection.match.eventName: detail.eventName is already tested by selection.operations`},
		{"errorCode without includeFailed", `{"selection": {"operations": ["app-clients"], "match": {"errorCode": ["LimitExceededException"]}}}`,
			`selection.match.errorCode: detail.errorCode is already tested by selection.includeFailed: set selection.includeFailed`},
		{"client id tested twice", `{"selection": {"operations": ["app-clients"], "clientIds": ["abc"], "match": {"requestParameters": {"clientId": [{"prefix": "a"}]}}}}`,
			`selection.match.requestParameters.clientId: detail.requestParameters.clientId is already tested by selection.clientIds`},
		{"bad client id", `{"selection": {"operations": ["app-clients"], "clientIds": ["a b"]}}`,
			`selection.clientIds[0]: "a b" is not an app client id`},
		{"too many alternatives", `{"selection": {"operations": ["app-clients"], "clientIds": ["a"], "userPoolIds": ["us-east-1_AAAAAAAAA"], "match": {"$or": [{"userAgent": ["1"]}, {"userAgent": ["2"]}, {"userAgent": ["3"]}, {"userAgent": ["4"]}, {"userAgent": ["5"]}, {"userAgent": ["6"]}, {"userAgent": ["7"]}, {"userAgent": ["8"]}, {"userAgent": ["9"]}, {"userAgent": ["10"]}, {"userAgent": ["11"]}, {"userAgent": ["12"]}, {"userAgent": ["13"]}, {"userAgent": ["14"]}, {"userAgent": ["15"]}, {"userAgent": ["16"]}, {"userAgent": ["17"]}]}}}`,
			`expand to 68 alternatives (4 × 17), more than 64`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseRoute(t, tt.route)
			if err == nil {
				t.Fatalf("Parse accepted %s", tt.route)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error does not wrap ErrInvalid: %v", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error\n %v\nwant it to contain\n %s", err, tt.want)
			}
		})
	}
}

// matched returns the base names of the fixtures the route's rules deliver,
// evaluated by quamina (each rule's "$or" expanded) and by internal/pattern,
// failing when the two disagree or when two rules match one fixture.
func matched(tb testing.TB, r *Route, fixtures []fixture) []string {
	tb.Helper()
	rules, err := r.Rules()
	if err != nil {
		tb.Fatalf("Rules: %v", err)
	}
	state, _ := r.RuleState()
	var got []string
	for _, f := range fixtures {
		var hits int
		for _, p := range rules {
			if n := len(p.JSON()); n > MaxPatternSize {
				tb.Fatalf("rule %d is %d characters", p.Rule, n)
			}
			q := newQuaminaShellstyle(tb, p)
			ours, err := pattern.Compile(p.JSON())
			if err != nil {
				tb.Fatalf("compiling %s: %v", p.JSON(), err)
			}
			res, err := ours.Match(f.data)
			if err != nil {
				tb.Fatalf("%s: %v", f.name, err)
			}
			theirs := matches(tb, q, f.data)
			if res.Matched != theirs {
				tb.Errorf("%s: internal/pattern %v (%s), quamina %v\npattern %s", f.name, res.Matched, res.Reason, theirs, p.JSON())
			}
			if theirs && reaches(state, f) {
				hits++
			}
		}
		if hits > 1 {
			tb.Errorf("%s matches %d rules of the route: it would be delivered %d times", f.name, hits, hits)
		}
		if hits > 0 {
			got = append(got, strings.TrimSuffix(filepath.Base(f.name), ".json"))
		}
	}
	return got
}

// TestDeployExamples keeps docs/deploy.md's "Pick calls and payloads"
// examples in step: each parses and matches exactly the envelopes listed.
func TestDeployExamples(t *testing.T) {
	want := map[string][]string{
		"web-spa":       {"InitiateAuth", "RespondToAuthChallenge", "UpdateUserPoolClient"},
		"orders-scopes": {"CreateResourceServer", "CreateUserPoolClient", "UpdateResourceServer"},
		"cfn-deploys":   {"CreateResourceServer"},
		"console": {"AdminCreateUser", "AdminEnableUser", "AdminRemoveUserFromGroup", "AdminResetUserPassword", "CreateGroup",
			"CreateIdentityProvider", "CreateManagedLoginBranding", "CreateTerms", "SetRiskConfiguration", "SetUserPoolMfaConfig",
			"UpdateUserPool", "UpdateUserPoolClient", "UpdateUserPoolDomain"},
	}
	doc, err := os.ReadFile("../../docs/deploy.md")
	if err != nil {
		t.Fatalf("reading docs/deploy.md: %v", err)
	}
	_, section, ok := strings.Cut(string(doc), "\n## Pick calls and payloads\n")
	if !ok {
		t.Fatal(`docs/deploy.md has no "## Pick calls and payloads" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	blocks := regexp.MustCompile("(?s)```json\n(.*?)```").FindAllStringSubmatch(section, -1)
	if len(blocks) != len(want) {
		t.Fatalf("%d examples in the section, want %d", len(blocks), len(want))
	}
	fixtures := loadFixtures(t, sharedFixtures)
	for _, b := range blocks {
		var head struct{ Name string }
		if err := json.Unmarshal([]byte(b[1]), &head); err != nil {
			t.Fatalf("example %s: %v", b[1], err)
		}
		t.Run(head.Name, func(t *testing.T) {
			r, err := parseRoute(t, b[1])
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := matched(t, r, fixtures); !slices.Equal(got, want[head.Name]) {
				t.Errorf("matched %v\nwant    %v", got, want[head.Name])
			}
		})
	}
}

// prefixRE finds the prefix matchers quamina v0.3.0 lacks; a prefix
// without a star is the shellstyle pattern with one star at the end.
var prefixRE = regexp.MustCompile(`\{"prefix":"([^"*\\]*)"\}`)

// newQuaminaShellstyle is newMatcher with every prefix matcher written as
// quamina's shellstyle.
func newQuaminaShellstyle(tb testing.TB, p *Pattern) *quamina.Quamina {
	tb.Helper()
	q, err := quamina.New()
	if err != nil {
		tb.Fatalf("creating quamina: %v", err)
	}
	for _, alt := range p.Expanded() {
		text := prefixRE.ReplaceAllString(string(alt), `{"shellstyle":"$1*"}`)
		if err := q.AddPattern("route", text); err != nil {
			tb.Fatalf("adding pattern %s: %v", text, err)
		}
	}
	return q
}
