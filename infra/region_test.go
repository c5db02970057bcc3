package main

import (
	"strings"
	"testing"
)

// TestRouteOnlyWherePools: a route whose selected pools all lie in
// us-east-1 has nothing in the eu-west-1 stack (no rule, function, archive,
// queue or alarm), while a route without pools is in both; two pools plus
// two client ids over app-clients synthesize, each rule within 2048
// characters.
func TestRouteOnlyWherePools(t *testing.T) {
	s := synth(t, `{"regions": ["us-east-1", "eu-west-1"], "trail": {"mode": "existing"}, "routes": [
	  {"name": "everywhere", "selection": {"operations": ["users"]}, "sink": {"kind": "http", "url": "https://example.com/hook"}},
	  {"name": "east", "selection": {"operations": ["app-clients"], "userPoolIds": ["us-east-1_AbCdEfGhI", "us-east-1_JkLmNoPqR"],
	   "clientIds": ["3n4b5urk1ft4fl3mg5e62d9ado", "uh9rjacjipl8rhbacgtrnuv0z5"]}, "sink": {"kind": "http", "url": "https://example.com/hook"}}]}`)
	if len(s.stacks) != 2 {
		t.Fatalf("%d stacks", len(s.stacks))
	}
	// Logical ids of a route's resources start with its name (no
	// metadata in the tests' synth).
	paths := func(i int) []string {
		var out []string
		res, _ := templateOf(t, s.stacks[i])["Resources"].(map[string]any)
		for id := range res {
			out = append(out, id)
		}
		return out
	}
	has := func(ps []string, route string) bool {
		for _, p := range ps {
			if strings.HasPrefix(p, route) {
				return true
			}
		}
		return false
	}
	east, west := paths(0), paths(1)
	if !has(east, "east") || !has(east, "everywhere") || !has(west, "everywhere") {
		t.Fatalf("routes missing:\nus-east-1 %v\neu-west-1 %v", east, west)
	}
	if has(west, "east") {
		t.Errorf("the eu-west-1 stack has resources of a route whose pools all lie in us-east-1: %v", west)
	}
	rules := 0
	for id, r := range s.ofType("AWS::Events::Rule") {
		if !strings.HasPrefix(id, "east") {
			continue
		}
		rules++
		if n := len(mustJSON(t, r.Properties["EventPattern"])); n > 2048 {
			t.Errorf("rule %s: %d characters", id, n)
		}
	}
	if rules == 0 {
		t.Error("no rule for the east route")
	}
}
