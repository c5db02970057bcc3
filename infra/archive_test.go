package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/cognito-events/cognito-events/internal/config"
	"github.com/cognito-events/cognito-events/internal/pattern"
)

// unionConfig has a route split in three rules (app-client operations carry
// the pool and client ids in three sets of places) whose union fits one
// archive pattern.
const unionConfig = `{
  "regions": ["us-east-1"],
  "trail": {"mode": "existing"},
  "routes": [{"name": "clients", "selection": {"operations": ["app-clients"],
                                               "userPoolIds": ["us-east-1_Xk3mQ9pLw", "us-east-1_Ab1cD2eF3"],
                                               "clientIds": ["3n4b5urk1ft4fl3mg5e62d9ado", "ypw81baktyaxi9fyj9y4d5jcb5"]},
              "sink": {"kind": "http", "url": "https://hooks.example.com/cognito"}}]
}`

// TestSplitRouteArchives: a split route's archives keep exactly the
// envelopes some rule of the route matches, over every envelope in
// testdata/envelopes, each archive pattern within config.MaxPatternSize:
// one archive whose pattern is the "$or" of the rules' patterns when that
// fits (unionConfig), else one archive per rule with its rule's pattern
// (splitConfig, whose union is longer than the limit).
func TestSplitRouteArchives(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "envelopes", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no envelopes (%v)", err)
	}
	var envelopes []pattern.Event
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		e, err := pattern.DecodeEvent(raw)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		envelopes = append(envelopes, e)
	}
	for _, tc := range []struct {
		name, raw string
		union     bool
	}{
		{"union", unionConfig, true},
		{"per rule", splitConfig, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := synth(t, tc.raw)
			r := &s.cfg.Routes[0]
			patterns, err := r.Rules()
			if err != nil {
				t.Fatalf("Rules: %v", err)
			}
			if len(patterns) < 2 {
				t.Fatalf("%d rules: the test needs a split route", len(patterns))
			}
			if n := len(unionPattern(patterns)); (n <= config.MaxPatternSize) != tc.union {
				t.Fatalf("union is %d characters: the case needs it %s %d", n, map[bool]string{true: "within", false: "over"}[tc.union], config.MaxPatternSize)
			}
			compile := func(what string, v any) *pattern.Pattern {
				t.Helper()
				raw, err := json.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				if len(raw) > config.MaxPatternSize {
					t.Errorf("%s pattern is %d characters, more than %d", what, len(raw), config.MaxPatternSize)
				}
				p, err := pattern.Compile(raw)
				if err != nil {
					t.Fatalf("%s pattern %s: %v", what, raw, err)
				}
				return p
			}
			rules, archives := s.ofType("AWS::Events::Rule"), s.ofType("AWS::Events::Archive")
			var rulePs, archivePs []*pattern.Pattern
			for i := range patterns {
				id := "Rule"
				if i > 0 {
					id = fmt.Sprintf("Rule%d", i+1)
				}
				rulePs = append(rulePs, compile(id, rules[s.logicalID(t, r.Name, id)].Properties["EventPattern"]))
			}
			want := 1
			if !tc.union {
				want = len(patterns)
			}
			if len(archives) != want {
				t.Fatalf("%d archives, want %d", len(archives), want)
			}
			for i := range want {
				id := "Archive"
				if i > 0 {
					id = fmt.Sprintf("Archive%d", i+1)
				}
				a := archives[s.logicalID(t, r.Name, id)]
				ep := a.Properties["EventPattern"]
				if tc.union {
					if or, _ := ep.(map[string]any)["$or"].([]any); len(or) != len(patterns) || len(ep.(map[string]any)) != 1 {
						t.Errorf("archive pattern %v: want only a \"$or\" of the %d rules' patterns", ep, len(patterns))
					}
				}
				archivePs = append(archivePs, compile(id, ep))
			}
			matchesAny := func(ps []*pattern.Pattern, e pattern.Event) bool {
				for _, p := range ps {
					if p.MatchEvent(e).Matched {
						return true
					}
				}
				return false
			}
			var kept int
			for i, e := range envelopes {
				byRule, byArchive := matchesAny(rulePs, e), matchesAny(archivePs, e)
				if byRule != byArchive {
					t.Errorf("%s: some rule matches = %t, archived = %t", filepath.Base(files[i]), byRule, byArchive)
				}
				if byArchive {
					kept++
				}
			}
			if kept == 0 || kept == len(envelopes) {
				t.Errorf("archives keep %d of %d envelopes: the test needs some kept and some not", kept, len(envelopes))
			}
			t.Logf("archives keep %d of %d envelopes", kept, len(envelopes))
		})
	}
}
