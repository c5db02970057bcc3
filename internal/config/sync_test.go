package config

import (
	"errors"
	"maps"
	"reflect"
	"strings"
	"testing"

	forwarderconfig "github.com/cognito-events/cognito-events/internal/forwarder/config"
)

func TestSyncDefaults(t *testing.T) {
	r := mustRoute(t, `{"sync": {}}`)
	want := Sync{Schedule: "rate(1 hour)", Rate: 10, MemoryMB: 256, TimeoutSeconds: 900}
	if !reflect.DeepEqual(*r.Sync, want) {
		t.Fatalf("Sync = %+v, want %+v", *r.Sync, want)
	}
	if !r.HasRule() {
		t.Error("a route with operations and a sync lost its rule")
	}
	if r.Enrich.UserRate != 0 {
		t.Errorf("enrich.userRate = %v without user", r.Enrich.UserRate)
	}
	if r := mustRoute(t, `{"selection": {"operations": ["users"], "userPoolIds": ["us-east-1_AAAAAAAAA"]}, "enrich": {"user": true}}`); r.Enrich.UserRate != 5 {
		t.Errorf("enrich.userRate = %v, want 5", r.Enrich.UserRate)
	}
}

func TestSyncOnlyRoute(t *testing.T) {
	r := mustRoute(t, `{"selection": {"userPoolIds": ["us-east-1_AAAAAAAAA"]}, "sync": {"schedule": "cron(0 3 * * ? *)"}}`)
	if r.HasRule() {
		t.Fatal("a sync-only route has a rule")
	}
	if got := r.SyncTimeout().Seconds(); got != 900 {
		t.Errorf("SyncTimeout = %vs", got)
	}
	// Without a sync, an empty selection is still an error.
	if _, err := Parse([]byte(patch(t, "", `{"selection": {}}`))); err == nil || !strings.Contains(err.Error(), "selection.operations") {
		t.Errorf("no operations, no sync: error %v, want one naming selection.operations", err)
	}
}

func TestSyncInvalid(t *testing.T) {
	syncOnly := `"selection": {"userPoolIds": []}`
	tests := []struct {
		name, route, want string
	}{
		{"schedule not an expression", `{"sync": {"schedule": "hourly"}}`, "sync.schedule"},
		{"rate plural with 1", `{"sync": {"schedule": "rate(1 hours)"}}`, "sync.schedule"},
		{"rate singular with 2", `{"sync": {"schedule": "rate(2 hour)"}}`, "sync.schedule"},
		{"rate zero", `{"sync": {"schedule": "rate(0 minutes)"}}`, "sync.schedule"},
		{"cron with 5 fields", `{"sync": {"schedule": "cron(0 3 * * ?)"}}`, "sync.schedule"},
		{"schedule shorter than the default timeout", `{"sync": {"schedule": "rate(5 minutes)"}}`, "less than the sync's timeout of 15m0s"},
		{"cron shorter than the timeout", `{"sync": {"schedule": "cron(0/5 * * * ? *)", "timeoutSeconds": 600}}`, "less than the sync's timeout of 10m0s"},
		{"negative rate", `{"sync": {"rate": -1}}`, "sync.rate"},
		{"huge rate", `{"sync": {"rate": 5000}}`, "sync.rate"},
		{"allow and deny", `{"sync": {"attributes": {"allow": ["email"], "deny": ["phone_number"]}}}`, "sync.attributes"},
		{"deny sub", `{"sync": {"attributes": {"deny": ["sub"]}}}`, "sync.attributes"},
		{"small memory", `{"sync": {"memoryMB": 64}}`, "sync.memoryMB"},
		{"short timeout", `{"sync": {"timeoutSeconds": 10}}`, "sync.timeoutSeconds"},
		{"long timeout", `{"sync": {"timeoutSeconds": 901}}`, "sync.timeoutSeconds"},
		{"unknown key", `{"sync": {"pools": ["x"]}}`, "unknown field"},
		{"sync-only with includeFailed", `{` + syncOnly[:len(syncOnly)-1] + `, "includeFailed": true}, "sync": {}}`, "includeFailed"},
		{"sync-only buffered", `{` + syncOnly + `, "sync": {}, "delivery": {"buffered": true}}`, "delivery.buffered"},
		{"enrich on sync-only", `{` + syncOnly + `, "sync": {}, "enrich": {"user": true}}`, "enrich.user"},
		{"enrich rate without user", `{"enrich": {"userRate": 3}}`, "enrich"},
		{"enrich without pools", `{"enrich": {"user": true}}`, "enrich.user: needs selection.userPoolIds"},
		{"enrich bad rate", `{"enrich": {"user": true, "userRate": -2}}`, "enrich.userRate"},
		{"enrich allow and deny", `{"enrich": {"user": true, "userAttributes": {"allow": ["email"], "deny": ["name"]}}}`, "enrich.userAttributes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(patch(t, "", tt.route)))
			if err == nil {
				t.Fatalf("Parse accepted %s", tt.route)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			// Unknown keys fail while decoding, before routes have names.
			named := tt.want == "unknown field" || strings.Contains(err.Error(), `route "app-clients"`)
			if !strings.Contains(err.Error(), tt.want) || !named {
				t.Errorf("error %q does not name the route and %s", err, tt.want)
			}
		})
	}
}

func TestSyncEnvironment(t *testing.T) {
	top := `{"regions": ["us-east-1", "eu-west-1"]}`
	parse := func(tb testing.TB, route string) *Route {
		tb.Helper()
		c, err := Parse([]byte(patch(tb, top, route)))
		if err != nil {
			tb.Fatalf("Parse: %v", err)
		}
		return &c.Routes[0]
	}
	base := map[string]string{
		"SINK_KIND": "http", "SINK_URL": "https://example.com/hook", "SINK_HTTP_MODE": "binary", "SINK_AUTH": "none",
		"SINK_TIMEOUT": "10s", "RETRY_MAX_ATTEMPTS": "5", "RETRY_BASE_DELAY": "200ms",
	}
	with := func(m map[string]string) map[string]string {
		out := maps.Clone(base)
		maps.Copy(out, m)
		return out
	}
	tests := []struct {
		name, route, region string
		want                map[string]string
		pools               []string
		ok                  bool
	}{
		{"every pool", `{"sync": {}}`, "us-east-1", with(map[string]string{"SYNC_RATE": "10", "SYNC_BASELINE": "false"}), nil, true},
		{"pools of the region", `{"selection": {"operations": ["users"], "userPoolIds": ["us-east-1_AAAAAAAAA", "eu-west-1_BBBBBBBBB", "us-east-1_CCCCCCCCC"]},
			"sync": {"rate": 2.5, "baseline": true, "attributes": {"deny": ["phone_number", "custom:ssn"]}}}`, "us-east-1",
			with(map[string]string{"SYNC_RATE": "2.5", "SYNC_BASELINE": "true", "SYNC_USER_POOL_IDS": "us-east-1_AAAAAAAAA,us-east-1_CCCCCCCCC", "SYNC_ATTRIBUTES_DENY": "phone_number,custom:ssn"}),
			[]string{"us-east-1_AAAAAAAAA", "us-east-1_CCCCCCCCC"}, true},
		{"allow list", `{"selection": {"userPoolIds": ["eu-west-1_BBBBBBBBB"]}, "sync": {"attributes": {"allow": ["email", "name"]}}}`, "eu-west-1",
			with(map[string]string{"SYNC_RATE": "10", "SYNC_BASELINE": "false", "SYNC_USER_POOL_IDS": "eu-west-1_BBBBBBBBB", "SYNC_ATTRIBUTES_ALLOW": "email,name"}),
			[]string{"eu-west-1_BBBBBBBBB"}, true},
		{"no pool in the region", `{"selection": {"userPoolIds": ["eu-west-1_BBBBBBBBB"]}, "sync": {}}`, "us-east-1", nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := parse(t, tt.route)
			pools, ok := r.SyncPools(tt.region)
			if ok != tt.ok || !reflect.DeepEqual(pools, tt.pools) {
				t.Fatalf("SyncPools(%s) = %v, %v; want %v, %v", tt.region, pools, ok, tt.pools, tt.ok)
			}
			if !ok {
				return
			}
			if got := r.SyncEnvironment(tt.region); !maps.Equal(got, tt.want) {
				t.Errorf("SyncEnvironment\n got %v\nwant %v", got, tt.want)
			}
		})
	}
	if env := mustRoute(t, `{}`).SyncEnvironment("us-east-1"); env != nil {
		t.Errorf("SyncEnvironment without sync = %v", env)
	}
}

func TestSyncStatements(t *testing.T) {
	pool := func(id string) string {
		return "arn:${AWS::Partition}:cognito-idp:${AWS::Region}:${AWS::AccountId}:userpool/" + id
	}
	tests := []struct {
		name, route string
		want        []Statement
	}{
		{"discovering", `{"sync": {}}`, []Statement{
			{Sid: SidSyncReadUsers, Actions: SyncCognitoActions, Resources: []string{pool("*")}},
			{Sid: SidListUserPools, Actions: []string{"cognito-idp:ListUserPools"}, Resources: []string{"*"}},
		}},
		{"selected pools, sqs sink", `{"selection": {"userPoolIds": ["us-east-1_AAAAAAAAA"]}, "sync": {}, "sink": {"kind": "sqs", "queueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/events"}}`, []Statement{
			{Sid: "SendToSinkQueue", Actions: []string{"sqs:SendMessage"}, Resources: []string{"arn:aws:sqs:us-east-1:123456789012:events"}},
			{Sid: SidSyncReadUsers, Actions: SyncCognitoActions, Resources: []string{pool("us-east-1_AAAAAAAAA")}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustRoute(t, tt.route).SyncStatements("us-east-1")
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("SyncStatements\n got %+v\nwant %+v", got, tt.want)
			}
			for _, s := range got {
				for _, a := range s.Actions {
					if strings.Contains(a, "*") {
						t.Errorf("statement %s has a wildcard action %s", s.Sid, a)
					}
				}
			}
		})
	}
}

func TestEnrichEnvironmentAndStatements(t *testing.T) {
	r := mustRoute(t, `{"selection": {"operations": ["users"], "userPoolIds": ["us-east-1_AAAAAAAAA"]}, "enrich": {"user": true, "userRate": 0.5, "userAttributes": {"allow": ["email"]}}}`)
	env := r.Environment()
	for k, want := range map[string]string{
		forwarderconfig.EnvEnrichUser: "true", forwarderconfig.EnvEnrichUserRate: "0.5", forwarderconfig.EnvEnrichUserAllow: "email",
	} {
		if env[k] != want {
			t.Errorf("Environment()[%s] = %q, want %q", k, env[k], want)
		}
	}
	c, err := forwarderconfig.Load(func(k string) string { return env[k] })
	if err != nil || !c.EnrichUser || c.EnrichUserRate != 0.5 {
		t.Errorf("the forwarder reads %+v, %v", c, err)
	}
	got := r.Statements()
	want := Statement{Sid: SidEnrichUser, Actions: []string{"cognito-idp:ListUsers"}, Resources: []string{"arn:${AWS::Partition}:cognito-idp:us-east-1:${AWS::AccountId}:userpool/us-east-1_AAAAAAAAA"}}
	if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Errorf("Statements = %+v, want [%+v]", got, want)
	}
	if env := mustRoute(t, `{}`).Environment(); env[forwarderconfig.EnvEnrichUser] != "" {
		t.Errorf("ENRICH_USER set without enrich: %v", env)
	}
}
