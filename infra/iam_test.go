package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

// ownActions are what a forwarder may do to its route's own resources:
// write its logs, send to its failure queue, consume its buffer queue.
var ownActions = []string{
	"logs:CreateLogStream", "logs:PutLogEvents",
	"sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl",
	"sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:DeleteMessage",
}

// refs collects the logical ids a template value references.
func refs(v any, out map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		if id, ok := v["Ref"].(string); ok {
			out[id] = true
		}
		if ga, ok := v["Fn::GetAtt"].([]any); ok && len(ga) > 0 {
			out[fmt.Sprint(ga[0])] = true
		}
		for _, x := range v {
			refs(x, out)
		}
	case []any:
		for _, x := range v {
			refs(x, out)
		}
	}
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

// TestIAMLeastPrivilege: each forwarder's role may do exactly the sink
// statements config derives, on exactly their resources, plus the own
// actions on the route's own resources; no wildcard action anywhere.
func TestIAMLeastPrivilege(t *testing.T) {
	s := synth(t, fullConfig)
	policies := s.ofType("AWS::IAM::Policy")
	for i := range s.cfg.Routes {
		r := &s.cfg.Routes[i]
		t.Run(r.Name, func(t *testing.T) {
			role := s.logicalID(t, r.Name, "Role")
			own := s.routeIDs(t, r.Name)
			bySid := map[string]map[string]any{}
			for _, p := range policies {
				if !jsonEqual(t, p.Properties["Roles"], []any{ref(role)}) {
					continue
				}
				doc := p.Properties["PolicyDocument"].(map[string]any)
				for _, st := range doc["Statement"].([]any) {
					st := st.(map[string]any)
					if st["Effect"] != "Allow" {
						t.Errorf("unexpected %v statement", st["Effect"])
					}
					for _, a := range asList(st["Action"]) {
						if strings.Contains(fmt.Sprint(a), "*") {
							t.Errorf("wildcard action %v", a)
						}
					}
					if sid, ok := st["Sid"].(string); ok {
						bySid[sid] = st
						continue
					}
					for _, a := range asList(st["Action"]) {
						if !slices.Contains(ownActions, fmt.Sprint(a)) {
							t.Errorf("action %v on %v is neither a sink action nor one on the route's own resources", a, st["Resource"])
						}
					}
					ids := map[string]bool{}
					refs(st["Resource"], ids)
					if len(ids) == 0 {
						t.Errorf("statement %v names no resource of the route", st)
					}
					for id := range ids {
						if !own[id] {
							t.Errorf("statement %v reaches %s, outside route %s", st["Action"], id, r.Name)
						}
					}
				}
			}
			want := r.Statements()
			if len(bySid) != len(want) {
				t.Errorf("sink statements %v, want %d", slices.Sorted(maps.Keys(bySid)), len(want))
			}
			for _, w := range want {
				st, ok := bySid[w.Sid]
				if !ok {
					t.Errorf("missing statement %s", w.Sid)
					continue
				}
				wantRes := make([]any, len(w.Resources))
				for i, res := range w.Resources {
					if strings.Contains(res, "${") {
						wantRes[i] = map[string]any{"Fn::Sub": res}
					} else {
						wantRes[i] = res
					}
				}
				if !jsonEqual(t, asList(st["Action"]), w.Actions) || !jsonEqual(t, asList(st["Resource"]), wantRes) {
					t.Errorf("statement %s = %v on %v, want %v on %v", w.Sid, st["Action"], st["Resource"], w.Actions, wantRes)
				}
			}
		})
	}
	t.Run("no managed policies", func(t *testing.T) {
		for id, role := range s.ofType("AWS::IAM::Role") {
			if role.Properties["ManagedPolicyArns"] != nil {
				t.Errorf("role %s has managed policies %v", id, role.Properties["ManagedPolicyArns"])
			}
		}
	})
}
