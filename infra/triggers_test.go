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
	"github.com/cognito-events/cognito-events/internal/trigger"
)

// triggersConfig has a pool created with both switches and PreTokenGeneration,
// one created with neither, one existing pool, and a CloudTrail route
// beside them.
const triggersConfig = `{
  "regions": ["us-east-1"],
  "alarms": {"email": "ops@example.com"},
  "routes": [
    {"name": "signups", "triggers": {
       "userPool": {"name": "Customers", "selfSignUp": true, "autoVerifyEmail": true,
         "oauth": {"callbackUrls": ["https://app.example.com/callback"], "logoutUrls": ["https://app.example.com/"]},
         "email": {"from": "no-reply@example.com", "replyTo": "help@example.com", "identityArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com"}},
       "events": ["PreSignUp", "PostConfirmation", "PreTokenGeneration"],
       "attributes": {"deny": ["phone_number"]}, "budget": "800ms"},
     "sink": {"kind": "http", "url": "https://hooks.example.com/cognito"},
     "delivery": {"batchSize": 5}},
    {"name": "signins", "triggers": {"userPool": {"name": "Staff"}, "events": ["PostAuthentication"]},
     "sink": {"kind": "eventbridge", "bus": "identity"}},
    {"name": "legacy", "triggers": {"userPool": {"mode": "existing", "id": "us-east-1_AbCdEfGhI"}, "events": ["PostAuthentication", "PreTokenGeneration"]},
     "sink": {"kind": "sqs", "queueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/identity"}},
    {"name": "app-clients", "selection": {"operations": ["app-clients"]},
     "sink": {"kind": "http", "url": "https://hooks.example.com/cognito"}}
  ]
}`

// prop returns the resource's property at a path of keys.
func prop(r resource, path ...string) any {
	var v any = r.Properties
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func TestUserPool(t *testing.T) {
	s := synth(t, triggersConfig)
	cases := []struct {
		route           string
		adminOnly       bool
		autoVerified    any
		tier            string
		lambdaConfigKey []string
	}{
		{"signups", false, []any{"email"}, "ESSENTIALS", []string{"PostConfirmation", "PreSignUp", "PreTokenGenerationConfig"}},
		{"signins", true, nil, "ESSENTIALS", []string{"PostAuthentication"}},
	}
	for _, tc := range cases {
		t.Run(tc.route, func(t *testing.T) {
			id := s.logicalID(t, tc.route, "UserPool")
			pool := s.res[id]
			if pool.Type != "AWS::Cognito::UserPool" {
				t.Fatalf("%s is a %s", id, pool.Type)
			}
			if got := prop(pool, "AdminCreateUserConfig", "AllowAdminCreateUserOnly"); got != tc.adminOnly {
				t.Errorf("AllowAdminCreateUserOnly = %v, want %v (selfSignUp %v)", got, tc.adminOnly, !tc.adminOnly)
			}
			if got := prop(pool, "AutoVerifiedAttributes"); !jsonEqual(t, got, tc.autoVerified) && !(tc.autoVerified == nil && jsonEqual(t, got, []any{})) {
				t.Errorf("AutoVerifiedAttributes = %v, want %v", got, tc.autoVerified)
			}
			if got := prop(pool, "UserPoolTier"); got != tc.tier {
				t.Errorf("UserPoolTier = %v, want %s", got, tc.tier)
			}
			if got := prop(pool, "UserPoolTier"); got != "ESSENTIALS" {
				t.Errorf("UserPoolTier = %v, want ESSENTIALS on every created pool", got)
			}
			if got := prop(pool, "DeletionProtection"); got != "ACTIVE" {
				t.Errorf("DeletionProtection = %v, want ACTIVE", got)
			}
			if got := prop(pool, "MfaConfiguration"); got != "OPTIONAL" {
				t.Errorf("MfaConfiguration = %v, want OPTIONAL", got)
			}
			fn := getAtt(s.logicalID(t, tc.route, "TriggerFunction"))
			lc, _ := prop(pool, "LambdaConfig").(map[string]any)
			var keys []string
			for k, v := range lc {
				keys = append(keys, k)
				want := any(fn)
				if k == "PreTokenGenerationConfig" {
					want = map[string]any{"LambdaArn": fn, "LambdaVersion": "V2_0"}
				}
				if !jsonEqual(t, v, want) {
					t.Errorf("LambdaConfig.%s = %v, want %v", k, v, want)
				}
			}
			slices.Sort(keys)
			if !slices.Equal(keys, tc.lambdaConfigKey) {
				t.Errorf("LambdaConfig keys = %v, want %v", keys, tc.lambdaConfigKey)
			}
			assert(t, func() {
				s.tmpl.HasResource(jsii.String("AWS::Cognito::UserPool"), map[string]any{
					"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
					"Properties": assertions.Match_ObjectLike(&map[string]any{"Policies": assertions.Match_ObjectLike(&map[string]any{
						"PasswordPolicy": assertions.Match_ObjectLike(&map[string]any{"MinimumLength": 12, "RequireSymbols": true}),
					})}),
				})
			})
			client := s.res[s.logicalID(t, tc.route, "UserPool", "Client")]
			if !jsonEqual(t, prop(client, "UserPoolId"), ref(id)) || prop(client, "GenerateSecret") != false {
				t.Errorf("client = %v, want a client of %s without a secret", client.Properties, id)
			}
			if flows := prop(client, "ExplicitAuthFlows"); !jsonEqual(t, flows, []any{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}) {
				t.Errorf("ExplicitAuthFlows = %v, want SRP and refresh only", flows)
			}
		})
	}
	// OAuth only where callback URLs are configured, and then the code
	// flow only; SES only where configured.
	customers, staff := s.res["CustomersClient"], s.res["StaffClient"]
	if !jsonEqual(t, prop(customers, "AllowedOAuthFlows"), []any{"code"}) || prop(customers, "AllowedOAuthFlowsUserPoolClient") != true ||
		!jsonEqual(t, prop(customers, "CallbackURLs"), []any{"https://app.example.com/callback"}) || !jsonEqual(t, prop(customers, "LogoutURLs"), []any{"https://app.example.com/"}) {
		t.Errorf("client with oauth = %v, want the code flow with the configured URLs", customers.Properties)
	}
	if prop(staff, "AllowedOAuthFlows") != nil || prop(staff, "CallbackURLs") != nil || prop(staff, "AllowedOAuthFlowsUserPoolClient") == true {
		t.Errorf("client without oauth = %v, want no OAuth flow", staff.Properties)
	}
	if got := prop(s.res["Customers"], "EmailConfiguration"); !jsonEqual(t, got, map[string]any{"EmailSendingAccount": "DEVELOPER", "From": "no-reply@example.com",
		"ReplyToEmailAddress": "help@example.com", "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com"}) {
		t.Errorf("EmailConfiguration = %v, want SES as configured", got)
	}
	if got, _ := prop(s.res["Staff"], "EmailConfiguration").(map[string]any); got != nil && got["EmailSendingAccount"] != "COGNITO_DEFAULT" {
		t.Errorf("EmailConfiguration = %v, want Cognito's default sender", got)
	}
	if n := len(s.ofType("AWS::Cognito::UserPool")); n != 2 {
		t.Errorf("%d user pools, want 2 (the existing pool is not created)", n)
	}
}

func TestTriggerPermission(t *testing.T) {
	s := synth(t, triggersConfig)
	cases := []struct {
		route     string
		sourceArn any
	}{
		{"signups", getAtt(s.logicalID(t, "signups", "UserPool"))},
		{"legacy", map[string]any{"Fn::Sub": "arn:${AWS::Partition}:cognito-idp:${AWS::Region}:${AWS::AccountId}:userpool/us-east-1_AbCdEfGhI"}},
	}
	for _, tc := range cases {
		t.Run(tc.route, func(t *testing.T) {
			fn := s.logicalID(t, tc.route, "TriggerFunction")
			var found []resource
			for _, p := range s.ofType("AWS::Lambda::Permission") {
				if jsonEqual(t, prop(p, "FunctionName"), getAtt(fn)) || jsonEqual(t, prop(p, "FunctionName"), ref(fn)) {
					found = append(found, p)
				}
			}
			if len(found) != 1 {
				t.Fatalf("%d permissions on %s, want 1", len(found), fn)
			}
			p := found[0]
			if prop(p, "Principal") != "cognito-idp.amazonaws.com" || prop(p, "Action") != "lambda:InvokeFunction" {
				t.Errorf("permission = %v", p.Properties)
			}
			if !jsonEqual(t, prop(p, "SourceArn"), tc.sourceArn) {
				t.Errorf("SourceArn = %v, want %v", prop(p, "SourceArn"), tc.sourceArn)
			}
			if prop(p, "SourceAccount") != "123456789012" {
				t.Errorf("SourceAccount = %v", prop(p, "SourceAccount"))
			}
		})
	}
}

func TestTriggerQueueAndFunctions(t *testing.T) {
	s := synth(t, triggersConfig)
	queue := s.logicalID(t, "signups", "TriggerQueue")
	dlq := s.logicalID(t, "signups", "DeadLetterQueue")
	if got := prop(s.res[queue], "RedrivePolicy"); !jsonEqual(t, got, map[string]any{"deadLetterTargetArn": getAtt(dlq), "maxReceiveCount": 5}) {
		t.Errorf("trigger queue RedrivePolicy = %v", got)
	}
	for _, id := range []string{queue, dlq} {
		if prop(s.res[id], "SqsManagedSseEnabled") != true {
			t.Errorf("%s is not encrypted", id)
		}
	}
	trig := s.res[s.logicalID(t, "signups", "TriggerFunction")]
	wantEnv := map[string]any{
		"SINK_KIND": "sqs", "SINK_SQS_QUEUE_URL": ref(queue),
		"TRIGGER_BUDGET": "800ms", "TRIGGER_ATTRIBUTES_DENY": "phone_number",
	}
	if got := prop(trig, "Environment", "Variables"); !jsonEqual(t, got, wantEnv) {
		t.Errorf("trigger function environment = %v, want %v", got, wantEnv)
	}
	if prop(trig, "Timeout") != float64(5) || prop(trig, "Architectures") == nil {
		t.Errorf("trigger function timeout %v, want 5 (Cognito waits 5 s)", prop(trig, "Timeout"))
	}
	fwID := s.logicalID(t, "signups", "Function")
	fw := s.res[fwID]
	if got := prop(fw, "Environment", "Variables", "FORWARDER_INPUT"); got != "sqs-cloudevents" {
		t.Errorf("forwarder FORWARDER_INPUT = %v, want sqs-cloudevents", got)
	}
	if got := prop(fw, "Environment", "Variables", "FORWARDER_ALLOWED_SOURCES"); !jsonEqual(t, got, getAtt(s.logicalID(t, "signups", "UserPool"))) {
		t.Errorf("forwarder FORWARDER_ALLOWED_SOURCES = %v, want the route's user pool ARN", got)
	}
	legacy := s.res[s.logicalID(t, "legacy", "Function")]
	if got, _ := json.Marshal(prop(legacy, "Environment", "Variables", "FORWARDER_ALLOWED_SOURCES")); !strings.Contains(string(got), ":userpool/us-east-1_AbCdEfGhI") {
		t.Errorf("legacy forwarder FORWARDER_ALLOWED_SOURCES = %s, want the existing pool's ARN", got)
	}
	if got := prop(fw, "Environment", "Variables", "SINK_URL"); got != "https://hooks.example.com/cognito" {
		t.Errorf("forwarder SINK_URL = %v", got)
	}
	var mappings int
	for _, m := range s.ofType("AWS::Lambda::EventSourceMapping") {
		if !jsonEqual(t, prop(m, "EventSourceArn"), getAtt(queue)) {
			continue
		}
		mappings++
		if !jsonEqual(t, prop(m, "FunctionName"), ref(fwID)) || prop(m, "BatchSize") != float64(5) || !jsonEqual(t, prop(m, "FunctionResponseTypes"), []string{"ReportBatchItemFailures"}) {
			t.Errorf("event source mapping = %v", m.Properties)
		}
	}
	if mappings != 1 {
		t.Errorf("%d event source mappings on the trigger queue, want 1", mappings)
	}
	ids := s.routeIDs(t, "signups")
	for id := range ids {
		if typ := s.res[id].Type; typ == "AWS::Events::Rule" || typ == "AWS::Events::Archive" {
			t.Errorf("triggers route has a %s (%s): it has no rule", typ, id)
		}
	}
	// The trigger function may send to its queue and write its logs, nothing else.
	for id, p := range s.ofType("AWS::IAM::Policy") {
		if !ids[id] || !strings.Contains(id, "TriggerRole") {
			continue
		}
		b, _ := json.Marshal(p.Properties["PolicyDocument"])
		if !strings.Contains(string(b), `"sqs:SendMessage"`) || strings.Contains(string(b), `"Resource":"*"`) || strings.Contains(string(b), "sqs:ReceiveMessage") {
			t.Errorf("trigger role policy %s = %s", id, b)
		}
	}
}

func TestTriggerOutputsAndAlarms(t *testing.T) {
	s := synth(t, triggersConfig)
	b, err := json.Marshal(s.tmpl.ToJSON())
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Outputs map[string]struct {
			Description string `json:"Description"`
			Value       any    `json:"Value"`
		} `json:"Outputs"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	find := func(prefix, suffix string) (any, string, bool) {
		for id, o := range doc.Outputs {
			if strings.HasPrefix(id, prefix) && strings.Contains(id, suffix) {
				return o.Value, o.Description, true
			}
		}
		return nil, "", false
	}
	cases := []struct {
		name, prefix, suffix string
		want                 any
		desc                 string
	}{
		{"created pool id", "signups", "UserPoolId", ref(s.logicalID(t, "signups", "UserPool")), "USER_POOL_ID"},
		{"client id", "signups", "UserPoolClientId", ref(s.logicalID(t, "signups", "UserPool", "Client")), "USER_POOL_CLIENT_ID"},
		{"trigger queue url", "signups", "TriggerQueueUrl", ref(s.logicalID(t, "signups", "TriggerQueue")), "SINK_SQS_QUEUE_URL"},
		{"existing pool id", "legacy", "UserPoolId", "us-east-1_AbCdEfGhI", "USER_POOL_ID"},
		{"attach command", "legacy", "AttachCommand", map[string]any{"Fn::Join": []any{"", []any{
			"cognito-events attach-triggers --user-pool-id us-east-1_AbCdEfGhI --function-arn ",
			getAtt(s.logicalID(t, "legacy", "TriggerFunction")),
			" --triggers PostAuthentication,PreTokenGeneration"}}}, "every other setting kept"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, desc, ok := find(tc.prefix, tc.suffix)
			if !ok {
				t.Fatalf("no output %s*%s*", tc.prefix, tc.suffix)
			}
			if !jsonEqual(t, v, tc.want) || !strings.Contains(desc, tc.desc) {
				t.Errorf("output = %v (%q), want %v (%q)", v, desc, tc.want, tc.desc)
			}
		})
	}
	if v, desc, ok := find("legacy", "DetachCommand"); !ok || !strings.Contains(desc, "BEFORE destroying") || !jsonEqual(t, v, map[string]any{"Fn::Join": []any{"", []any{
		"cognito-events detach-triggers --user-pool-id us-east-1_AbCdEfGhI --function-arn ", getAtt(s.logicalID(t, "legacy", "TriggerFunction"))}}}) {
		t.Errorf("detach command output = %v (%q)", v, desc)
	}
	if _, _, ok := find("legacy", "UserPoolClientId"); ok {
		t.Error("an existing pool's route outputs a client id it did not create")
	}
	dlq := s.logicalID(t, "signups", "DeadLetterQueue")
	var onDLQ int
	for _, a := range s.ofType("AWS::CloudWatch::Alarm") {
		b, _ := json.Marshal(a.Properties["Dimensions"])
		if strings.Contains(string(b), dlq) {
			onDLQ++
			if len(prop(a, "AlarmActions").([]any)) != 1 {
				t.Errorf("DLQ alarm notifies %v, want the alarm topic", prop(a, "AlarmActions"))
			}
		}
	}
	if onDLQ != 1 {
		t.Errorf("%d alarms on the trigger dead-letter queue, want 1", onDLQ)
	}
	// Every lost trigger event is counted by the function (EMF); the
	// alarm reads that metric for the route's function.
	for _, route := range []string{"signups", "signins", "legacy"} {
		fn := ref(s.logicalID(t, route, "TriggerFunction"))
		var lost int
		for _, a := range s.ofType("AWS::CloudWatch::Alarm") {
			if prop(a, "MetricName") != trigger.MetricLost {
				continue
			}
			if prop(a, "Namespace") == trigger.MetricNamespace && prop(a, "Statistic") == "Sum" &&
				jsonEqual(t, prop(a, "Dimensions"), []any{map[string]any{"Name": trigger.DimFunctionName, "Value": fn}}) {
				lost++
				if prop(a, "Threshold") != 1.0 && prop(a, "Threshold") != 1 || len(prop(a, "AlarmActions").([]any)) != 1 {
					t.Errorf("route %s: lost-events alarm %v", route, a.Properties)
				}
			}
		}
		if lost != 1 {
			t.Errorf("route %s: %d alarms on %s of its trigger function, want 1", route, lost, trigger.MetricLost)
		}
	}
}

// TestTriggersKeptOnDestroy: a created pool is retained, so what its
// triggers call is retained too (function, role, policy, invoke
// permission, queues); the forwarder is not. An existing pool's route
// retains nothing: detach-triggers comes first (its command is an output).
func TestTriggersKeptOnDestroy(t *testing.T) {
	s := synth(t, triggersConfig)
	kept := func(id string) bool { return s.res[id].DeletionPolicy == "Retain" }
	for _, route := range []string{"signups", "signins"} {
		want := map[string]string{}
		for _, path := range [][]string{{"TriggerFunction"}, {"TriggerRole"}, {"TriggerRole", "DefaultPolicy"}, {"TriggerFunction", "CognitoInvoke"}, {"TriggerQueue"}, {"DeadLetterQueue"}} {
			want[s.logicalID(t, append([]string{route}, path...)...)] = strings.Join(path, "/")
		}
		for id, what := range want {
			if !kept(id) {
				t.Errorf("route %s: %s (%s) is deleted with the stack; the retained pool would call nothing", route, what, id)
			}
		}
		if fn := s.logicalID(t, route, "Function"); kept(fn) {
			t.Errorf("route %s: the forwarder is retained", route)
		}
		if pool := s.logicalID(t, route, "UserPool"); !kept(pool) {
			t.Errorf("route %s: the pool is not retained", route)
		}
	}
	if kept(s.logicalID(t, "legacy", "TriggerFunction")) {
		t.Error("an existing pool's trigger function is retained; detach-triggers is the way out")
	}
}

// TestPoolSurvivesRouteRename: the pool's and client's logical ids come
// from triggers.userPool.name, so renaming the route keeps them (a new
// logical id would create a new, empty pool).
func TestPoolSurvivesRouteRename(t *testing.T) {
	renamed := strings.Replace(triggersConfig, `"name": "signups"`, `"name": "customer-signups"`, 1)
	a, b := synth(t, triggersConfig), synth(t, renamed)
	for _, id := range []string{"Customers", "CustomersClient", "Staff", "StaffClient"} {
		if a.res[id].Type == "" || a.res[id].Type != b.res[id].Type {
			t.Errorf("%s: %q before the rename, %q after", id, a.res[id].Type, b.res[id].Type)
		}
	}
	if b.logicalID(t, "customer-signups", "UserPool") != "Customers" {
		t.Error("the renamed route's pool has another logical id")
	}
}

// TestCreatedPoolInItsRegion: in a two-region app, a created pool's route
// is in the stack of the region it names only.
func TestCreatedPoolInItsRegion(t *testing.T) {
	cfg := `{"regions": ["us-east-1", "eu-west-1"], "routes": [
	  {"name": "signups", "triggers": {"userPool": {"region": "eu-west-1"}, "events": ["PostConfirmation"]},
	   "sink": {"kind": "http", "url": "https://hooks.example.com/cognito"}},
	  {"name": "app-clients", "selection": {"operations": ["app-clients"]}, "sink": {"kind": "http", "url": "https://hooks.example.com/cognito"}}]}`
	s := synth(t, cfg)
	if len(s.stacks) != 2 {
		t.Fatalf("%d stacks, want 2", len(s.stacks))
	}
	for i, want := range []int{0, 1} {
		region := *s.stacks[i].Region()
		n := len(*assertions.Template_FromStack(s.stacks[i], nil).FindResources(jsii.String("AWS::Cognito::UserPool"), nil))
		if (region == "eu-west-1") != (want == 1) || n != want {
			t.Errorf("stack %d (%s): %d pools, want %d", i, region, n, want)
		}
	}
	if _, err := config.Parse([]byte(strings.Replace(cfg, `"region": "eu-west-1"`, `"name": "Customers"`, 1))); err == nil || !strings.Contains(err.Error(), "triggers.userPool.region: required") {
		t.Errorf("a create route without region in two regions: %v, want refused", err)
	}
}

func TestTriggersCDKNag(t *testing.T) {
	s := synth(t, triggersConfig)
	ann := assertions.Annotations_FromStack(s.stacks[0])
	for _, e := range *ann.FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))) {
		t.Errorf("%s: %v", *e.Id, e.Entry.Data)
	}
}

func TestNewTriggerRouteErrors(t *testing.T) {
	cfg, err := config.Parse([]byte(triggersConfig))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	cases := []struct {
		name  string
		props *TriggerRouteProps
		want  string
		is    error
	}{
		{"nil props", nil, "no triggers configuration", nil},
		{"route without triggers", &TriggerRouteProps{Route: &cfg.Routes[3]}, "no triggers configuration", nil},
		{"no trigger bootstrap", &TriggerRouteProps{Route: &cfg.Routes[0], TriggerCodeDir: t.TempDir()}, `route "signups": trigger function code not found: run "make build" first: `, ErrNoTriggerCode},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("s"), nil)
			_, err := NewTriggerRoute(stack, "r", tc.props)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("err %v is not %v", err, tc.is)
			}
		})
	}
}
