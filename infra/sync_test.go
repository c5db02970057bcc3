package main

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/cognito-events/cognito-events/internal/config"
)

// syncConfig has a sync-only route on two pools (one per region), a route
// with a rule, a sync discovering every pool and the enrichment, and a
// plain route.
const syncConfig = `{
  "regions": ["us-east-1", "eu-west-1"],
  "alarms": {"email": "ops@example.com"},
  "routes": [
    {"name": "user-sync", "selection": {"userPoolIds": ["us-east-1_AAAAAAAAA", "eu-west-1_BBBBBBBBB"]},
     "sink": {"kind": "http", "url": "https://hooks.example.com/users"},
     "sync": {"schedule": "rate(30 minutes)", "rate": 5, "baseline": true, "attributes": {"deny": ["phone_number"]}, "timeoutSeconds": 600}},
    {"name": "users", "selection": {"operations": ["users"]},
     "sink": {"kind": "eventbridge", "bus": "identity"},
     "sync": {}},
    {"name": "app-clients", "selection": {"operations": ["app-clients"], "userPoolIds": ["us-east-1_AAAAAAAAA", "eu-west-1_BBBBBBBBB"]},
     "sink": {"kind": "http", "url": "https://hooks.example.com/cognito"}, "enrich": {"user": true}}
  ]
}`

// statements returns a role policy's statements by Sid.
func statements(tb testing.TB, s *synthesized, roleID string) map[string]map[string]any {
	tb.Helper()
	out := map[string]map[string]any{}
	for _, p := range s.ofType("AWS::IAM::Policy") {
		roles, _ := p.Properties["Roles"].([]any)
		if len(roles) != 1 || !jsonEqual(tb, roles[0], ref(roleID)) {
			continue
		}
		doc, _ := p.Properties["PolicyDocument"].(map[string]any)
		sts, _ := doc["Statement"].([]any)
		for _, st := range sts {
			m, _ := st.(map[string]any)
			sid, _ := m["Sid"].(string)
			out[sid] = m
		}
	}
	return out
}

func TestSyncResources(t *testing.T) {
	s := synth(t, syncConfig)

	t.Run("sync-only route has no rule or forwarder", func(t *testing.T) {
		ids := s.routeIDs(t, "user-sync")
		for id := range ids {
			if r, ok := s.res[id]; ok && (r.Type == "AWS::Events::Archive" || r.Type == "AWS::Events::Rule" && r.Properties["ScheduleExpression"] == nil) {
				t.Errorf("sync-only route has %s (%s)", id, r.Type)
			}
		}
		fns := 0
		for id := range ids {
			if s.res[id].Type == "AWS::Lambda::Function" {
				fns++
			}
		}
		if fns != 1 {
			t.Errorf("sync-only route has %d functions, want 1 (the sync)", fns)
		}
	})

	t.Run("schedule", func(t *testing.T) {
		assert(t, func() {
			s.tmpl.HasResourceProperties(jsii.String("AWS::Events::Rule"), map[string]any{
				"ScheduleExpression": "rate(30 minutes)",
				"State":              "ENABLED",
				"Targets": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
					"Arn":              getAtt(s.logicalID(t, "user-sync", "Sync", "Function")),
					"DeadLetterConfig": map[string]any{"Arn": getAtt(s.logicalID(t, "user-sync", "Sync", "DeadLetterQueue"))},
					"RetryPolicy":      map[string]any{"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 2},
				})}),
			})
		})
		// The route with a rule shares its dead-letter queue with its sync.
		assert(t, func() {
			s.tmpl.HasResourceProperties(jsii.String("AWS::Events::Rule"), map[string]any{
				"ScheduleExpression": "rate(1 hour)",
				"Targets": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
					"DeadLetterConfig": map[string]any{"Arn": getAtt(s.logicalID(t, "users", "DeadLetterQueue"))},
				})}),
			})
		})
	})

	t.Run("table encrypted with point-in-time recovery", func(t *testing.T) {
		tables := s.ofType("AWS::DynamoDB::Table")
		if len(tables) != 2 {
			t.Fatalf("%d tables, want 2 (one per sync)", len(tables))
		}
		for id, tb := range tables {
			if !jsonEqual(t, tb.Properties["KeySchema"], []any{
				map[string]any{"AttributeName": "pk", "KeyType": "HASH"}, map[string]any{"AttributeName": "sk", "KeyType": "RANGE"},
			}) || tb.Properties["BillingMode"] != "PAY_PER_REQUEST" {
				t.Errorf("%s: keys %v, billing %v", id, tb.Properties["KeySchema"], tb.Properties["BillingMode"])
			}
			if !jsonEqual(t, tb.Properties["SSESpecification"], map[string]any{"SSEEnabled": true}) {
				t.Errorf("%s: SSESpecification %v, want KMS encryption", id, tb.Properties["SSESpecification"])
			}
			if !jsonEqual(t, tb.Properties["PointInTimeRecoverySpecification"], map[string]any{"PointInTimeRecoveryEnabled": true}) {
				t.Errorf("%s: PointInTimeRecoverySpecification %v", id, tb.Properties["PointInTimeRecoverySpecification"])
			}
		}
	})

	t.Run("function environment and timeout", func(t *testing.T) {
		fn := s.res[s.logicalID(t, "user-sync", "Sync", "Function")]
		if fn.Properties["Timeout"] != float64(600) || fn.Properties["MemorySize"] != float64(256) {
			t.Errorf("timeout %v, memory %v", fn.Properties["Timeout"], fn.Properties["MemorySize"])
		}
		for _, route := range []string{"user-sync", "users"} {
			if rc := s.res[s.logicalID(t, route, "Sync", "Function")].Properties["ReservedConcurrentExecutions"]; rc != float64(1) {
				t.Errorf("route %s: sync function's reserved concurrency %v, want 1 (one run at a time)", route, rc)
			}
		}
		vars := prop(fn, "Environment", "Variables")
		want := map[string]any{
			"SINK_KIND": "http", "SINK_URL": "https://hooks.example.com/users", "SINK_HTTP_MODE": "binary", "SINK_AUTH": "none",
			"SINK_TIMEOUT": "10s", "RETRY_MAX_ATTEMPTS": "5", "RETRY_BASE_DELAY": "200ms",
			"SYNC_USER_POOL_IDS": "us-east-1_AAAAAAAAA", "SYNC_RATE": "5", "SYNC_BASELINE": "true",
			"SYNC_ATTRIBUTES_DENY": "phone_number",
			"SYNC_STATE_TABLE":     ref(s.logicalID(t, "user-sync", "Sync", "StateTable")),
		}
		if !jsonEqual(t, vars, want) {
			t.Errorf("environment\n got %v\nwant %v", vars, want)
		}
		other := prop(s.res[s.logicalID(t, "users", "Sync", "Function")], "Environment", "Variables").(map[string]any)
		if _, ok := other["SYNC_USER_POOL_IDS"]; ok {
			t.Errorf("a discovering sync has SYNC_USER_POOL_IDS: %v", other)
		}
		fwd := prop(s.res[s.logicalID(t, "app-clients", "Function")], "Environment", "Variables").(map[string]any)
		if fwd["ENRICH_USER"] != "true" || fwd["ENRICH_USER_RATE"] != "5" {
			t.Errorf("forwarder with enrich.user: environment %v", fwd)
		}
	})

	t.Run("IAM exactly the actions on the pools", func(t *testing.T) {
		sts := statements(t, s, s.logicalID(t, "user-sync", "Sync", "Role"))
		read := sts[config.SidSyncReadUsers]
		if read == nil {
			t.Fatalf("no %s statement in %v", config.SidSyncReadUsers, sts)
		}
		if !jsonEqual(t, read["Action"], config.SyncCognitoActions) {
			t.Errorf("actions %v, want %v", read["Action"], config.SyncCognitoActions)
		}
		res, _ := json.Marshal(read["Resource"])
		if !strings.Contains(string(res), "userpool/us-east-1_AAAAAAAAA") || strings.Contains(string(res), "eu-west-1_BBBBBBBBB") || strings.Contains(string(res), "userpool/*") {
			t.Errorf("resources %s, want the us-east-1 pool only", res)
		}
		if _, ok := sts[config.SidListUserPools]; ok {
			t.Error("a sync with pools may list every pool")
		}
		state := sts["SyncState"]
		if state == nil || !jsonEqual(t, state["Action"], config.SyncTableActions) ||
			!jsonEqual(t, state["Resource"], getAtt(s.logicalID(t, "user-sync", "Sync", "StateTable"))) {
			t.Errorf("state statement %v", state)
		}
		for sid, st := range sts {
			acts, _ := json.Marshal(st["Action"])
			if strings.Contains(string(acts), "*") {
				t.Errorf("statement %s has a wildcard action: %s", sid, acts)
			}
		}
		disc := statements(t, s, s.logicalID(t, "users", "Sync", "Role"))
		if lp := disc[config.SidListUserPools]; lp == nil || !jsonEqual(t, lp["Action"], "cognito-idp:ListUserPools") {
			t.Errorf("a discovering sync lacks ListUserPools: %v", disc)
		}
		fwd := statements(t, s, s.logicalID(t, "app-clients", "Role"))
		if e := fwd[config.SidEnrichUser]; e == nil || !jsonEqual(t, e["Action"], "cognito-idp:ListUsers") {
			t.Errorf("the enriching forwarder lacks ListUsers: %v", fwd)
		}
	})

	t.Run("on-failure path and alarms", func(t *testing.T) {
		fnID := s.logicalID(t, "user-sync", "Sync", "Function")
		assert(t, func() {
			s.tmpl.HasResourceProperties(jsii.String("AWS::Lambda::EventInvokeConfig"), map[string]any{
				"FunctionName": ref(fnID),
				"DestinationConfig": map[string]any{"OnFailure": map[string]any{
					"Destination": getAtt(s.logicalID(t, "user-sync", "Sync", "FailureQueue"))}},
			})
		})
		ids := s.routeIDs(t, "user-sync")
		var alarms []string
		for id := range ids {
			if s.res[id].Type == "AWS::CloudWatch::Alarm" {
				alarms = append(alarms, id)
				if acts, _ := s.res[id].Properties["AlarmActions"].([]any); len(acts) != 1 {
					t.Errorf("alarm %s notifies %v", id, acts)
				}
			}
		}
		if len(alarms) != 5 {
			slices.Sort(alarms)
			t.Errorf("sync-only route alarms %v, want 5", alarms)
		}
	})

	t.Run("other region syncs its own pool", func(t *testing.T) {
		eu := assertions.Template_FromStack(s.stacks[1], nil)
		assert(t, func() {
			eu.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
				"Environment": map[string]any{"Variables": assertions.Match_ObjectLike(&map[string]any{"SYNC_USER_POOL_IDS": "eu-west-1_BBBBBBBBB"})},
			})
		})
	})
}

func TestSyncCDKNag(t *testing.T) {
	s := synth(t, syncConfig)
	for _, st := range s.stacks {
		ann := assertions.Annotations_FromStack(st)
		for _, e := range *ann.FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))) {
			t.Errorf("%s: %v", *e.Id, e.Entry.Data)
		}
	}
}

func TestSyncNeedsItsCode(t *testing.T) {
	cfg, err := config.Parse([]byte(syncConfig))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	_, err = AddStacks(app, cfg, codeDir(t), "123456789012")
	if !errors.Is(err, ErrNoCode) || !strings.Contains(err.Error(), "sync") {
		t.Fatalf("AddStacks without build/sync = %v, want ErrNoCode naming the sync", err)
	}
	if _, err := NewSync(app, "x", &SyncProps{}); err == nil {
		t.Error("NewSync without a route succeeded")
	}
}
