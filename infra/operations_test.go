package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/cognito-events/cognito-events/internal/insights"
)

// refsIn returns the logical ids a value refers to (Ref and Fn::GetAtt),
// anywhere inside it.
func refsIn(v any) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		if r, ok := x["Ref"].(string); ok {
			out = append(out, r)
		}
		if ga, ok := x["Fn::GetAtt"].([]any); ok && len(ga) > 0 {
			if id, ok := ga[0].(string); ok {
				out = append(out, id)
			}
		}
		for _, e := range x {
			out = append(out, refsIn(e)...)
		}
	case []any:
		for _, e := range x {
			out = append(out, refsIn(e)...)
		}
	}
	return out
}

// TestDashboardAndQueries checks every stack's dashboard and saved queries
// against its routes: one dashboard naming every forwarder, sync and
// trigger function it has and every dead-letter queue, the metric names
// the functions emit, and the three saved queries over every function's
// log group.
func TestDashboardAndQueries(t *testing.T) {
	for _, tc := range []struct {
		name, config string
		fnPrefixes   []string // functions the dashboard must refer to
		metrics      []string
	}{
		{"four routes", fullConfig, nil, []string{"Delivered", "Failed", "Skipped", "Retries", "DeliveryLatency", "p50", "p99", "ApproximateNumberOfMessagesVisible"}},
		{"sync", syncConfig, nil, []string{"SyncUsersSeen", "SyncEventsSent", "SyncRequests", "SyncPassDuration"}},
		{"triggers", triggersConfig, nil, []string{"TriggerEventsLost", "NumberOfMessagesSent"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := synth(t, tc.config)
			boards := s.ofType("AWS::CloudWatch::Dashboard")
			if len(boards) != 1 {
				t.Fatalf("%d dashboards, want one per stack", len(boards))
			}
			var body any
			for _, b := range boards {
				body = b.Properties["DashboardBody"]
			}
			raw, err := json.Marshal(body)
			if err != nil {
				t.Fatal(err)
			}
			refs := refsIn(body)
			functions := s.ofType("AWS::Lambda::Function")
			logGroups := s.ofType("AWS::Logs::LogGroup")
			var wantFns, wantGroups []string
			for id, fn := range functions {
				desc, _ := fn.Properties["Description"].(string)
				if strings.HasPrefix(desc, "cognito-events forwarder") || strings.HasPrefix(desc, "cognito-events trigger function") {
					wantFns = append(wantFns, id)
				}
			}
			for id := range logGroups {
				if strings.HasPrefix(id, "Trail") {
					continue // the trail's CloudTrail events (trail.cloudWatchLogs), not a function's log
				}
				wantGroups = append(wantGroups, id)
			}
			if len(wantFns) == 0 {
				t.Fatal("no forwarder or trigger function in the stack")
			}
			for _, id := range wantFns {
				if !slices.Contains(refs, id) {
					t.Errorf("the dashboard does not name function %s", id)
				}
			}
			for id, q := range s.ofType("AWS::SQS::Queue") {
				if strings.Contains(id, "DeadLetterQueue") && !strings.Contains(id, "Sync") && !slices.Contains(refs, id) {
					t.Errorf("the dashboard does not show dead-letter queue %s (%v)", id, q.Properties)
				}
			}
			for _, m := range tc.metrics {
				if !strings.Contains(string(raw), m) {
					t.Errorf("the dashboard has no %s", m)
				}
			}

			queries := s.ofType("AWS::Logs::QueryDefinition")
			if len(queries) != len(insights.SavedQueries()) {
				t.Fatalf("%d saved queries, want %d", len(queries), len(insights.SavedQueries()))
			}
			for id, q := range queries {
				qrefs := refsIn(q.Properties["LogGroupNames"])
				for _, g := range wantGroups {
					if !slices.Contains(qrefs, g) {
						t.Errorf("query %s does not read log group %s", id, g)
					}
				}
				text, _ := q.Properties["QueryString"].(string)
				found := false
				for _, sq := range insights.SavedQueries() {
					found = found || sq.Query == text
				}
				if !found {
					t.Errorf("query %s is not one of insights.SavedQueries: %q", id, text)
				}
			}
			if tc.name == "sync" {
				filters := s.ofType("AWS::Logs::MetricFilter")
				syncs := 0
				for id := range logGroups {
					if strings.Contains(id, "Sync") {
						syncs++
					}
				}
				if syncs == 0 || len(filters) != 4*syncs {
					t.Errorf("%d metric filters for %d sync log groups, want 4 each", len(filters), syncs)
				}
				for id, f := range filters {
					if f.Properties["FilterPattern"] != `{ $.msg = "user sync run" }` {
						t.Errorf("filter %s pattern %v", id, f.Properties["FilterPattern"])
					}
				}
			}
		})
	}
}
