package config

import (
	"errors"
	"maps"
	"os"
	"strings"
	"testing"
)

// triggersRoute is a route patch that turns the valid configuration's
// route into a triggers route creating its pool.
const triggersRoute = `{"selection": {}, "triggers": {"events": ["PreSignUp", "PostConfirmation", "PreTokenGeneration"]}}`

func TestTriggersDefaults(t *testing.T) {
	c, err := Parse([]byte(patch(t, "", triggersRoute)))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	r := &c.Routes[0]
	if !r.IsTriggers() {
		t.Fatal("IsTriggers = false, want true")
	}
	tr := r.Triggers
	if tr.UserPool.Mode != PoolCreate || tr.Budget != "1s" || tr.MemoryMB != DefaultTriggerMemoryMB {
		t.Fatalf("defaults: mode %q budget %q memory %d, want create 1s %d", tr.UserPool.Mode, tr.Budget, tr.MemoryMB, DefaultTriggerMemoryMB)
	}
	if tr.UserPool.Name != DefaultPoolName || !tr.UserPool.InRegion("eu-west-1") {
		t.Fatalf("the only created pool is named %q, in every region %v; want %q", tr.UserPool.Name, tr.UserPool.InRegion("eu-west-1"), DefaultPoolName)
	}
	if tr.UserPool.SelfSignUp || tr.UserPool.AutoVerifyEmail {
		t.Fatal("selfSignUp and autoVerifyEmail default to on, want off")
	}
	if c.Routes[0].Function.MemoryMB != DefaultMemoryMB {
		t.Fatalf("forwarder defaults not applied: %+v", c.Routes[0].Function)
	}
}

func TestTriggersValid(t *testing.T) {
	cases := []struct {
		name, top, route string
	}{
		{"create with switches", "", `{"selection": {}, "triggers": {"userPool": {"selfSignUp": true, "autoVerifyEmail": true}, "events": ["PreSignUp"]}}`},
		{"every observable trigger", "", `{"selection": {}, "triggers": {"events": ["PreSignUp", "PostConfirmation", "PreAuthentication", "PostAuthentication", "PreTokenGeneration", "CustomMessage"]}}`},
		{"existing pool in the only region", "", `{"selection": {}, "triggers": {"userPool": {"mode": "existing", "id": "us-east-1_AbCdEfGhI"}, "events": ["PostAuthentication"]}}`},
		{"allow list and metadata", "", `{"selection": {}, "triggers": {"events": ["PreSignUp"], "attributes": {"allow": ["email"]}, "clientMetadataAllow": ["source"], "budget": "250ms", "memoryMB": 256}}`},
		{"deny list", "", `{"selection": {}, "triggers": {"events": ["PreSignUp"], "attributes": {"deny": ["phone_number"]}}}`},
		{"sqs sink", "", `{"selection": {}, "sink": {"kind": "sqs", "queueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q"}, "triggers": {"events": ["PreSignUp"]}}`},
		{"named pool with oauth and SES", "", `{"selection": {}, "triggers": {"userPool": {"name": "Customers", "oauth": {"callbackUrls": ["https://app.example.com/callback"], "logoutUrls": ["http://localhost:3000/"]}, "email": {"from": "no-reply@example.com", "replyTo": "help@example.com", "identityArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com"}}, "events": ["PreSignUp"]}}`},
		{"create in one of two regions", `{"regions": ["us-east-1", "eu-west-1"]}`, `{"selection": {}, "triggers": {"userPool": {"region": "eu-west-1"}, "events": ["PreSignUp"]}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Parse([]byte(patch(t, tc.top, tc.route))); err != nil {
				t.Fatalf("Parse: %v", err)
			}
		})
	}
}

func TestTriggersInvalid(t *testing.T) {
	cases := []struct {
		name, top, route string
		want             string // in the error
	}{
		{"operations too", "", `{"triggers": {"events": ["PreSignUp"]}}`, "selection: a route with triggers has no rule"},
		{"pool ids in selection", "", `{"selection": {"userPoolIds": ["us-east-1_AAA"]}, "triggers": {"events": ["PreSignUp"]}}`, "selection: a route with triggers"},
		{"no events", "", `{"selection": {}, "triggers": {}}`, "triggers.events: required: one or more of PreSignUp, PostConfirmation"},
		{"unknown trigger", "", `{"selection": {}, "triggers": {"events": ["PreSignup"]}}`, `triggers.events[0]: "PreSignup" is not a Cognito trigger`},
		{"deciding trigger", "", `{"selection": {}, "triggers": {"events": ["PreSignUp", "DefineAuthChallenge"]}}`, `triggers.events[1]: "DefineAuthChallenge" cannot be observed`},
		{"deciding trigger names the wrapper", "", `{"selection": {}, "triggers": {"events": ["UserMigration"]}}`, `wrap your own function with package github.com/cognito-events/cognito-events/trigger instead`},
		{"custom sender", "", `{"selection": {}, "triggers": {"events": ["CustomEmailSender"]}}`, "must send the e-mail itself"},
		{"migration", "", `{"selection": {}, "triggers": {"events": ["UserMigration"]}}`, "migrates nobody"},
		{"twice", "", `{"selection": {}, "triggers": {"events": ["PreSignUp", "PreSignUp"]}}`, `triggers.events[1]: "PreSignUp" is listed twice`},
		{"bad mode", "", `{"selection": {}, "triggers": {"userPool": {"mode": "import"}, "events": ["PreSignUp"]}}`, `triggers.userPool.mode: "import"`},
		{"existing without id", "", `{"selection": {}, "triggers": {"userPool": {"mode": "existing"}, "events": ["PreSignUp"]}}`, `triggers.userPool.id: "" is not a user pool id`},
		{"existing bad id", "", `{"selection": {}, "triggers": {"userPool": {"mode": "existing", "id": "pool-1"}, "events": ["PreSignUp"]}}`, `triggers.userPool.id: "pool-1"`},
		{"existing in another region", "", `{"selection": {}, "triggers": {"userPool": {"mode": "existing", "id": "eu-west-1_AbC"}, "events": ["PreSignUp"]}}`, `needs regions to be exactly ["eu-west-1"]`},
		{"existing with two regions", `{"regions": ["us-east-1", "eu-west-1"]}`, `{"selection": {}, "triggers": {"userPool": {"mode": "existing", "id": "us-east-1_AbC"}, "events": ["PreSignUp"]}}`, `needs regions to be exactly ["us-east-1"]`},
		{"existing with switches", "", `{"selection": {}, "triggers": {"userPool": {"mode": "existing", "id": "us-east-1_AbC", "selfSignUp": true}, "events": ["PreSignUp"]}}`, "apply only with mode create"},
		{"id with create", "", `{"selection": {}, "triggers": {"userPool": {"id": "us-east-1_AbC"}, "events": ["PreSignUp"]}}`, "only with mode existing"},
		{"allow and deny", "", `{"selection": {}, "triggers": {"events": ["PreSignUp"], "attributes": {"allow": ["email"], "deny": ["name"]}}}`, "triggers.attributes: invalid attribute policy: set allow or deny"},
		{"deny sub", "", `{"selection": {}, "triggers": {"events": ["PreSignUp"], "attributes": {"deny": ["sub"]}}}`, `deny[0]: "sub"`},
		{"comma in attribute", "", `{"selection": {}, "triggers": {"events": ["PreSignUp"], "attributes": {"allow": ["email,name"]}}}`, "attribute names have no commas"},
		{"empty metadata key", "", `{"selection": {}, "triggers": {"events": ["PreSignUp"], "clientMetadataAllow": [""]}}`, "triggers.clientMetadataAllow[0]"},
		{"budget too long", "", `{"selection": {}, "triggers": {"events": ["PreSignUp"], "budget": "5s"}}`, "triggers.budget: 5s is out of range"},
		{"budget not a duration", "", `{"selection": {}, "triggers": {"events": ["PreSignUp"], "budget": "1"}}`, `triggers.budget: "1" is not a Go duration`},
		{"memory", "", `{"selection": {}, "triggers": {"events": ["PreSignUp"], "memoryMB": 64}}`, "triggers.memoryMB: 64"},
		{"buffered", "", `{"selection": {}, "delivery": {"buffered": true}, "triggers": {"events": ["PreSignUp"]}}`, "delivery.buffered"},
		{"pool resolution", "", `{"selection": {}, "poolResolution": {"lookup": true}, "triggers": {"events": ["PreSignUp"]}}`, "poolResolution"},
		{"unknown key", "", `{"selection": {}, "triggers": {"events": ["PreSignUp"], "signUp": true}}`, `unknown field "signUp"`},
		{"create in two regions", `{"regions": ["us-east-1", "eu-west-1"]}`, `{"selection": {}, "triggers": {"events": ["PreSignUp"]}}`, "triggers.userPool.region: required when regions lists several (us-east-1, eu-west-1)"},
		{"region not listed", "", `{"selection": {}, "triggers": {"userPool": {"region": "eu-west-1"}, "events": ["PreSignUp"]}}`, `triggers.userPool.region: "eu-west-1" is not in regions`},
		{"bad pool name", "", `{"selection": {}, "triggers": {"userPool": {"name": "my-pool"}, "events": ["PreSignUp"]}}`, `triggers.userPool.name: "my-pool"`},
		{"oauth without callback", "", `{"selection": {}, "triggers": {"userPool": {"oauth": {}}, "events": ["PreSignUp"]}}`, "triggers.userPool.oauth.callbackUrls: required"},
		{"oauth over http", "", `{"selection": {}, "triggers": {"userPool": {"oauth": {"callbackUrls": ["http://app.example.com/cb"]}}, "events": ["PreSignUp"]}}`, "triggers.userPool.oauth.callbackUrls[0]"},
		{"oauth fragment", "", `{"selection": {}, "triggers": {"userPool": {"oauth": {"callbackUrls": ["https://a.example.com/"], "logoutUrls": ["https://a.example.com/#x"]}}, "events": ["PreSignUp"]}}`, "triggers.userPool.oauth.logoutUrls[0]"},
		{"email from", "", `{"selection": {}, "triggers": {"userPool": {"email": {"from": "nobody", "identityArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com"}}, "events": ["PreSignUp"]}}`, "triggers.userPool.email.from"},
		{"email identity", "", `{"selection": {}, "triggers": {"userPool": {"email": {"from": "a@example.com", "identityArn": "example.com"}}, "events": ["PreSignUp"]}}`, "triggers.userPool.email.identityArn"},
		{"existing with a name", "", `{"selection": {}, "triggers": {"userPool": {"mode": "existing", "id": "us-east-1_AbC", "name": "Customers"}, "events": ["PreSignUp"]}}`, "apply only with mode create"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(patch(t, tc.top, tc.route)))
			if err == nil {
				t.Fatal("Parse succeeded, want an error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not contain %q", err, tc.want)
			}
			if tc.name != "unknown key" && !strings.Contains(err.Error(), `route "app-clients"`) {
				t.Fatalf("error %q does not name the route", err)
			}
		})
	}
}

func TestTriggerEnvironment(t *testing.T) {
	cases := []struct {
		name, route string
		want        map[string]string
	}{
		{"defaults", `{"selection": {}, "triggers": {"events": ["PreSignUp"]}}`,
			map[string]string{EnvTriggerBudget: "1s"}},
		{"lists", `{"selection": {}, "triggers": {"events": ["PreSignUp"], "budget": "300ms", "attributes": {"allow": ["email", "custom:tier"]}, "clientMetadataAllow": ["a", "b"]}}`,
			map[string]string{EnvTriggerBudget: "300ms", EnvTriggerAttributesAllow: "email,custom:tier", EnvTriggerClientMetadataAllow: "a,b"}},
		{"deny", `{"selection": {}, "triggers": {"events": ["PreSignUp"], "attributes": {"deny": ["phone_number"]}}}`,
			map[string]string{EnvTriggerBudget: "1s", EnvTriggerAttributesDeny: "phone_number"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(patch(t, "", tc.route)))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := c.Routes[0].TriggerEnvironment(); !maps.Equal(got, tc.want) {
				t.Fatalf("TriggerEnvironment = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestWrapperPackageIsReal: the import path errors give users is this
// module's trigger/ package, which exports Wrap.
func TestWrapperPackageIsReal(t *testing.T) {
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatalf("reading go.mod: %v", err)
	}
	first, _, _ := strings.Cut(string(mod), "\n")
	module := strings.TrimSpace(strings.TrimPrefix(first, "module "))
	if WrapperPackage != module+"/trigger" {
		t.Fatalf("WrapperPackage = %q, want %q", WrapperPackage, module+"/trigger")
	}
	src, err := os.ReadFile("../../trigger/trigger.go")
	if err != nil {
		t.Fatalf("reading the wrapper package: %v", err)
	}
	if !strings.Contains(string(src), "func Wrap") {
		t.Fatal("trigger/wrap.go has no func Wrap")
	}
}

// TestPoolNames: several created pools each need a name of their own.
func TestPoolNames(t *testing.T) {
	route := func(name, pool string) string {
		return `{"name": "` + name + `", "triggers": {"userPool": {` + pool + `}, "events": ["PreSignUp"]}, "sink": {"kind": "http", "url": "https://hooks.example.com/x"}}`
	}
	for _, tc := range []struct{ name, a, b, want string }{
		{"both named", `"name": "Customers"`, `"name": "Staff"`, ""},
		{"one unnamed", `"name": "Customers"`, ``, `route "b": triggers.userPool.name: required when several routes create a pool`},
		{"one name twice", `"name": "Customers"`, `"name": "Customers"`, `route "b": triggers.userPool.name: "Customers" is the pool of route "a" too`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(`{"regions": ["us-east-1"], "routes": [` + route("a", tc.a) + `, ` + route("b", tc.b) + `]}`))
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}
