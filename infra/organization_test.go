package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/cognito-events/cognito-events/internal/config"
	"github.com/cognito-events/cognito-events/internal/pattern"
)

// orgConfig is a hub for an organization: an OU and two accounts outside
// it in two regions; a route for every member account, one for two
// accounts, a user sync and a triggers route whose queue members may use.
const orgConfig = `{
  "regions": ["us-east-1"],
  "trail": {"mode": "existing"},
  "alarms": {"email": "ops@example.com"},
  "organization": {
    "hub": {"account": "111111111111", "region": "us-east-1"},
    "orgId": "o-a1b2c3d4e5",
    "members": {"organizationalUnits": ["ou-ab12-cd34ef56"], "accounts": ["222222222222", "333333333333"], "regions": ["us-east-1", "eu-west-1"]},
    "bus": "cognito-events-hub"
  },
  "routes": [
    {"name": "users", "selection": {"operations": ["users"]},
     "sink": {"kind": "eventbridge", "bus": "identity"}},
    {"name": "clients-of-two", "selection": {"operations": ["app-clients"], "accounts": ["222222222222", "333333333333"], "includeFailed": true},
     "sink": {"kind": "http", "url": "https://hooks.example.com/cognito"},
     "delivery": {"buffered": true}},
    {"name": "user-sync", "selection": {"userPoolIds": ["us-east-1_AAAAAAAAA"]},
     "sink": {"kind": "http", "url": "https://hooks.example.com/users"},
     "sync": {"memberPools": ["arn:aws:cognito-idp:eu-west-1:222222222222:userpool/eu-west-1_BBBBBBBBB"], "discoverMemberPools": true}},
    {"name": "signups", "triggers": {"events": ["PostConfirmation"]},
     "sink": {"kind": "http", "url": "https://hooks.example.com/cognito"}}
  ]
}`

// templateOf returns a synthesized stack's template as generic JSON.
func templateOf(tb testing.TB, st awscdk.Stack) map[string]any {
	tb.Helper()
	b, err := json.Marshal(assertions.Template_FromStack(st, nil).ToJSON())
	if err != nil {
		tb.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		tb.Fatal(err)
	}
	return m
}

// resourcesOf returns a template's resources of type typ by logical id.
func resourcesOf(tmpl map[string]any, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range tmpl["Resources"].(map[string]any) {
		if m := r.(map[string]any); m["Type"] == typ {
			out[id] = m
		}
	}
	return out
}

func props(r map[string]any) map[string]any {
	p, _ := r["Properties"].(map[string]any)
	return p
}

func TestHubStack(t *testing.T) {
	s := synth(t, orgConfig)
	if len(s.stacks) != 2 {
		t.Fatalf("stacks: got %d, want the hub and the member template", len(s.stacks))
	}
	if got := *s.stacks[0].Account(); got != "111111111111" {
		t.Errorf("hub stack account %q, want the hub's", got)
	}
	hub := templateOf(t, s.stacks[0])

	t.Run("bus policy admits the organization and the listed accounts only", func(t *testing.T) {
		buses := resourcesOf(hub, "AWS::Events::EventBus")
		if len(buses) != 1 {
			t.Fatalf("event buses: %v", buses)
		}
		var busID string
		for id, b := range buses {
			busID = id
			if props(b)["Name"] != "cognito-events-hub" {
				t.Errorf("bus name %v", props(b)["Name"])
			}
		}
		var stmts []any
		for _, p := range resourcesOf(hub, "AWS::Events::EventBusPolicy") {
			if st, ok := props(p)["Statement"].(map[string]any); ok {
				stmts = append(stmts, st)
			}
		}
		for _, b := range buses {
			if pol, ok := props(b)["Policy"].(map[string]any); ok {
				stmts = append(stmts, pol["Statement"].([]any)...)
			}
		}
		bySid := map[string]map[string]any{}
		for _, st := range stmts {
			m := st.(map[string]any)
			bySid[strings.TrimPrefix(m["Sid"].(string), "cdk-")] = m
			if m["Effect"] != "Allow" || m["Action"] != "events:PutEvents" || !jsonEqual(t, m["Resource"], getAtt(busID)) {
				t.Errorf("statement %v: want Allow events:PutEvents on the hub bus only", m)
			}
		}
		org := bySid["OrganizationPutEvents"]
		if org == nil || !jsonEqual(t, org["Condition"], map[string]any{"StringEquals": map[string]any{"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}) || org["Principal"] != nil && !jsonEqual(t, org["Principal"], map[string]any{"AWS": "*"}) && org["Principal"] != "*" {
			t.Errorf("organization statement: %v", org)
		}
		acc := bySid["MemberAccountsPutEvents"]
		if acc == nil {
			t.Fatalf("no statement for the listed accounts: %v", bySid)
		}
		b, _ := json.Marshal(acc["Principal"])
		for _, a := range []string{"222222222222", "333333333333"} {
			if !strings.Contains(string(b), ":iam::"+a+":root") {
				t.Errorf("accounts statement principal %s lacks %s", b, a)
			}
		}
		if len(bySid) != 2 {
			t.Errorf("statements %v: want exactly the organization's and the accounts'", bySid)
		}
	})

	t.Run("every CloudTrail rule is on the hub bus", func(t *testing.T) {
		var busID string
		for id := range resourcesOf(hub, "AWS::Events::EventBus") {
			busID = id
		}
		n := 0
		for id, r := range resourcesOf(hub, "AWS::Events::Rule") {
			p := props(r)
			if p["EventPattern"] == nil {
				if p["EventBusName"] != nil {
					t.Errorf("schedule %s on a bus %v", id, p["EventBusName"])
				}
				continue
			}
			n++
			if !jsonEqual(t, p["EventBusName"], ref(busID)) {
				t.Errorf("rule %s: EventBusName %v, want the hub bus", id, p["EventBusName"])
			}
			b, _ := json.Marshal(p["EventPattern"])
			if len(b) > config.MaxPatternSize {
				t.Errorf("rule %s: pattern of %d characters", id, len(b))
			}
			if _, err := pattern.Compile(b); err != nil {
				t.Errorf("rule %s: pattern %s is not one EventBridge accepts: %v", id, b, err)
			}
			acc, _ := p["EventPattern"].(map[string]any)["account"]
			if strings.Contains(id, "clientsoftwo") != (acc != nil) {
				t.Errorf("rule %s: account %v: want it only on clients-of-two", id, acc)
			}
		}
		if n != 2 {
			t.Errorf("%d CloudTrail rules, want 2", n)
		}
		for id, a := range resourcesOf(hub, "AWS::Events::Archive") {
			if !jsonEqual(t, props(a)["SourceArn"], getAtt(busID)) {
				t.Errorf("archive %s keeps %v, want the hub bus", id, props(a)["SourceArn"])
			}
		}
	})

	t.Run("StackSet is service-managed with auto-deployment to the OUs and regions", func(t *testing.T) {
		sets := resourcesOf(hub, "AWS::CloudFormation::StackSet")
		if len(sets) != 1 {
			t.Fatalf("stack sets: %d", len(sets))
		}
		for _, set := range sets {
			p := props(set)
			if p["PermissionModel"] != "SERVICE_MANAGED" || !jsonEqual(t, p["AutoDeployment"], map[string]any{"Enabled": true, "RetainStacksOnAccountRemoval": false}) {
				t.Errorf("stack set %v", p)
			}
			want := []any{map[string]any{
				"DeploymentTargets": map[string]any{"OrganizationalUnitIds": []any{"ou-ab12-cd34ef56"}},
				"Regions":           []any{"us-east-1", "eu-west-1"},
			}}
			if !jsonEqual(t, p["StackInstancesGroup"], want) {
				t.Errorf("StackInstancesGroup %v", p["StackInstancesGroup"])
			}
			var body map[string]any
			if err := json.Unmarshal([]byte(p["TemplateBody"].(string)), &body); err != nil {
				t.Fatalf("TemplateBody: %v", err)
			}
			if !jsonEqual(t, body["Resources"], templateOf(t, s.stacks[1])["Resources"]) {
				t.Errorf("TemplateBody is not the member template")
			}
			deps, _ := set["DependsOn"].([]any)
			if !slices.ContainsFunc(deps, func(d any) bool { return strings.Contains(d.(string), "usersyncSyncRole") }) {
				t.Errorf("stack set DependsOn %v: want the sync role its reader role trusts", deps)
			}
		}
	})

	t.Run("sync role has the name members trust and assumes only their reader roles", func(t *testing.T) {
		id := s.logicalID(t, "user-sync", "Sync", "Role")
		if got := props(hub["Resources"].(map[string]any)[id].(map[string]any))["RoleName"]; got != "cognito-events-sync-user-sync" {
			t.Errorf("sync role name %v", got)
		}
		reader := func(account, region string) map[string]any {
			return map[string]any{"Fn::Sub": "arn:${AWS::Partition}:iam::" + account + ":role/cognito-events-sync-reader-" + region}
		}
		want := map[string]any{
			config.SidAssumeMemberReader: map[string]any{"Action": "sts:AssumeRole", "Effect": "Allow", "Sid": config.SidAssumeMemberReader,
				"Resource": []any{reader("222222222222", "eu-west-1"), reader("222222222222", "us-east-1"), reader("333333333333", "us-east-1"), reader("333333333333", "eu-west-1")}},
			config.SidAssumeUnitReader: map[string]any{"Action": "sts:AssumeRole", "Effect": "Allow", "Sid": config.SidAssumeUnitReader,
				"Resource":  []any{reader("*", "us-east-1"), reader("*", "eu-west-1")},
				"Condition": map[string]any{"ForAnyValue:StringLike": map[string]any{"aws:ResourceOrgPaths": []any{"o-a1b2c3d4e5/*/ou-ab12-cd34ef56/*"}}}},
			config.SidListUnitAccounts: map[string]any{"Action": []any{"organizations:ListAccountsForParent", "organizations:ListOrganizationalUnitsForParent"}, "Effect": "Allow", "Resource": "*", "Sid": config.SidListUnitAccounts},
		}
		got := map[string]any{}
		for _, pol := range resourcesOf(hub, "AWS::IAM::Policy") {
			if !strings.Contains(mustJSON(t, props(pol)["Roles"]), id) {
				continue
			}
			for _, st := range props(pol)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
				m := st.(map[string]any)
				if strings.Contains(mustJSON(t, m["Action"]), "sts:") || strings.Contains(mustJSON(t, m["Action"]), "organizations:") {
					got[fmt.Sprint(m["Sid"])] = m
				}
			}
		}
		if !jsonEqual(t, got, want) {
			t.Errorf("sync role's AssumeRole and Organizations statements\n%s\nwant the listed members' reader roles, the units' (by organization path) and the two list actions only\n%s", mustJSON(t, got), mustJSON(t, want))
		}
		fn := s.logicalID(t, "user-sync", "Sync", "Function")
		env := props(hub["Resources"].(map[string]any)[fn].(map[string]any))["Environment"].(map[string]any)["Variables"].(map[string]any)
		if env["SYNC_MEMBER_POOLS"] != "arn:aws:cognito-idp:eu-west-1:222222222222:userpool/eu-west-1_BBBBBBBBB" ||
			env["SYNC_MEMBER_UNITS"] != "aws:ou-ab12-cd34ef56:us-east-1,aws:ou-ab12-cd34ef56:eu-west-1" {
			t.Errorf("sync environment %v", env)
		}
	})

	t.Run("trigger queue admits the organization", func(t *testing.T) {
		qid := s.logicalID(t, "signups", "TriggerQueue")
		found := false
		for _, p := range resourcesOf(hub, "AWS::SQS::QueuePolicy") {
			b, _ := json.Marshal(props(p))
			if strings.Contains(string(b), qid) && strings.Contains(string(b), `"aws:PrincipalOrgID":"o-a1b2c3d4e5"`) && strings.Contains(string(b), "sqs:SendMessage") {
				found = true
			}
		}
		if !found {
			t.Errorf("no queue policy admits the organization to %s", qid)
		}
	})
}

func TestMemberTemplate(t *testing.T) {
	s := synth(t, orgConfig)
	member := templateOf(t, s.stacks[1])
	res := member["Resources"].(map[string]any)
	for id, r := range res {
		switch typ := r.(map[string]any)["Type"]; typ {
		case "AWS::Lambda::Function", "AWS::Events::EventBus":
			t.Errorf("member template has %s %s", typ, id)
		}
	}
	if params, _ := member["Parameters"].(map[string]any); params["BootstrapVersion"] != nil {
		t.Errorf("member template asks for a bootstrap version; StackSet accounts have none")
	}
	b, _ := json.Marshal(member)
	if strings.Contains(string(b), "cdk-hnb659fds-assets") || strings.Contains(string(b), "AssetParameters") {
		t.Errorf("member template refers to assets")
	}
	busARN := map[string]any{"Fn::Sub": "arn:${AWS::Partition}:events:us-east-1:111111111111:event-bus/cognito-events-hub"}

	t.Run("default-bus rule targets the hub bus with a role scoped to PutEvents on it", func(t *testing.T) {
		rules := resourcesOf(member, "AWS::Events::Rule")
		if len(rules) != 1 {
			t.Fatalf("rules: %d", len(rules))
		}
		for _, r := range rules {
			p := props(r)
			if p["EventBusName"] != nil {
				t.Errorf("member rule on bus %v, want the default bus", p["EventBusName"])
			}
			pb, _ := json.Marshal(p["EventPattern"])
			if len(pb) > config.MaxPatternSize {
				t.Errorf("member pattern of %d characters", len(pb))
			}
			if _, err := pattern.Compile(pb); err != nil {
				t.Errorf("member pattern %s is not one EventBridge accepts: %v", pb, err)
			}
			targets := p["Targets"].([]any)
			if len(targets) != 1 {
				t.Fatalf("targets %v", targets)
			}
			tg := targets[0].(map[string]any)
			if !jsonEqual(t, tg["Arn"], busARN) {
				t.Errorf("target %v, want the hub bus", tg["Arn"])
			}
			roleID := tg["RoleArn"].(map[string]any)["Fn::GetAtt"].([]any)[0].(string)
			if trust := props(res[roleID].(map[string]any))["AssumeRolePolicyDocument"]; !strings.Contains(mustJSON(t, trust), `"Service":"events.amazonaws.com"`) {
				t.Errorf("forward role trust %v", trust)
			}
			var actions []string
			for _, pol := range resourcesOf(member, "AWS::IAM::Policy") {
				if !strings.Contains(mustJSON(t, props(pol)["Roles"]), roleID) {
					continue
				}
				for _, st := range props(pol)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
					m := st.(map[string]any)
					actions = append(actions, mustJSON(t, m["Action"]))
					if m["Action"] == "events:PutEvents" && !jsonEqual(t, m["Resource"], busARN) {
						t.Errorf("PutEvents on %v, want the hub bus only", m["Resource"])
					}
				}
			}
			if !slices.Equal(actions, []string{`"events:PutEvents"`}) {
				t.Errorf("forward role actions %v, want events:PutEvents only", actions)
			}
		}
	})

	t.Run("sync reader role is read-only and trusted by the hub's sync role only", func(t *testing.T) {
		id := ""
		for rid, r := range resourcesOf(member, "AWS::IAM::Role") {
			if strings.Contains(mustJSON(t, props(r)["RoleName"]), config.SyncReaderRolePrefix) {
				id = rid
			}
		}
		if id == "" {
			t.Fatal("no sync reader role")
		}
		r := res[id].(map[string]any)
		want := map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
			"Action": "sts:AssumeRole", "Effect": "Allow",
			"Principal": map[string]any{"AWS": map[string]any{"Fn::Sub": "arn:${AWS::Partition}:iam::111111111111:role/cognito-events-sync-user-sync"}},
		}}}
		if !jsonEqual(t, props(r)["AssumeRolePolicyDocument"], want) {
			t.Errorf("trust %s", mustJSON(t, props(r)["AssumeRolePolicyDocument"]))
		}
		var actions []string
		for _, pol := range resourcesOf(member, "AWS::IAM::Policy") {
			if !strings.Contains(mustJSON(t, props(pol)["Roles"]), id) {
				continue
			}
			for _, st := range props(pol)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
				switch a := st.(map[string]any)["Action"].(type) {
				case string:
					actions = append(actions, a)
				case []any:
					for _, x := range a {
						actions = append(actions, x.(string))
					}
				}
			}
		}
		slices.Sort(actions)
		if want := []string{"cognito-idp:AdminGetUser", "cognito-idp:DescribeUserPool", "cognito-idp:ListUserPools", "cognito-idp:ListUsers"}; !slices.Equal(actions, want) {
			t.Errorf("reader actions %v, want %v", actions, want)
		}
	})

	t.Run("cdk-nag", func(t *testing.T) {
		for _, st := range s.stacks {
			ann := assertions.Annotations_FromStack(st)
			for _, e := range *ann.FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))) {
				t.Errorf("%s: %s: %v", *st.StackName(), *e.Id, e.Entry.Data)
			}
		}
	})
}

func mustJSON(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
