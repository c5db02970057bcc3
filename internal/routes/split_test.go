package routes

import (
	"fmt"
	"strings"
	"testing"
)

// TestSplitRoute: the rules of one route (CDK paths .../Rule and
// .../Rule2) are one Route with two Rules, and the route matches an event
// either rule matches; a rule of another route stays apart.
func TestSplitRoute(t *testing.T) {
	rule := func(path, names string) string {
		return fmt.Sprintf(`{"Type":"AWS::Events::Rule","Properties":{"EventPattern":{"source":["aws.cognito-idp"],"detail":{"eventName":[%s]}}},"Metadata":{"aws:cdk:path":%q}}`, names, path)
	}
	tmpl := `{"Resources":{` +
		`"r2":` + rule("cognito-events-us-east-1/big/Rule2/Resource", `"B"`) + `,` +
		`"r1":` + rule("cognito-events-us-east-1/big/Rule/Resource", `"A"`) + `,` +
		`"o":` + rule("cognito-events-us-east-1/other/Rule/Resource", `"C"`) + `}}`
	routes, err := FromTemplate([]byte(tmpl))
	if err != nil {
		t.Fatalf("FromTemplate: %v", err)
	}
	if len(routes) != 2 {
		t.Fatalf("%d routes, want 2: %+v", len(routes), routes)
	}
	big := routes[0]
	if big.Name != "big" || len(big.Rules) != 2 || big.Rules[0].ID != "r1" || big.Rules[1].ID != "r2" || big.Rule != "r1" {
		t.Fatalf("route %s: rules %+v, want r1 then r2", big.Name, big.Rules)
	}
	event := func(name string) []byte {
		return []byte(`{"source":"aws.cognito-idp","detail":{"eventName":"` + name + `"}}`)
	}
	tests := []struct {
		name, event string
		match       bool
		reason      string
	}{
		{"first rule", "A", true, ""},
		{"second rule", "B", true, ""},
		{"neither", "C", false, `detail.eventName: want "A", found "C"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := big.Match(event(tt.event))
			if err != nil {
				t.Fatalf("Match: %v", err)
			}
			if res.Matched != tt.match || !strings.Contains(res.Reason, tt.reason) {
				t.Errorf("Match(%s) = %+v, want matched %v reason %q", tt.event, res, tt.match, tt.reason)
			}
		})
	}
}
