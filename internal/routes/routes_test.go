package routes

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cognito-events/cognito-events/internal/pattern"
)

func readFile(tb testing.TB, path string) []byte {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("reading %s: %v", path, err)
	}
	return data
}

type routeSummary struct{ Name, Region, Rule, State string }

func summarize(routes []Route) []routeSummary {
	out := make([]routeSummary, len(routes))
	for i, r := range routes {
		out[i] = routeSummary{r.Name, r.Region, r.Rule, r.State}
	}
	return out
}

func TestFromTemplate(t *testing.T) {
	routes, err := FromTemplate(readFile(t, "testdata/template.json"))
	if err != nil {
		t.Fatalf("FromTemplate: %v", err)
	}
	want := []routeSummary{
		{"OtherRule", "", "OtherRule", "DISABLED"},                                   // no path, no description: the logical id
		{"app-clients", "us-east-1", "appclientsRule765CF5D6", "ENABLED"},            // from the CDK path
		{"hosted-ui", "us-east-1", "hosteduiRule0F1E2D3C", StateAllManagementEvents}, // likewise
		{"users-to-bus", "", "userstobusRuleBF0B1408", "ENABLED"},                    // from the description; pattern as a string; default state
	}
	if got := summarize(routes); !reflect.DeepEqual(got, want) {
		t.Fatalf("routes\n got  %+v\n want %+v", got, want)
	}

	// The patterns are the template's, and they work.
	envelope := func(name string) []byte { return readFile(t, filepath.Join("../../testdata/envelopes", name)) }
	tests := []struct {
		route  int
		file   string
		match  bool
		reason string
	}{
		{1, "UpdateUserPoolClient.json", true, ""},
		{1, "AdminCreateUser.json", false, `detail.eventName: "AdminCreateUser" is not one of [AddUserPoolClientSecret, CreateUserPoolClient, DeleteUserPoolClient, DeleteUserPoolClientSecret, UpdateUserPoolClient]`},
		{1, "CreateUserPoolClient-failed.json", false, `detail.errorCode: want absent or "", found "LimitExceededException"`},
		{2, "Token_POST.json", true, ""},
		{2, "AdminCreateUser.json", true, ""},
		{2, "AdminDeleteUser.json", false, `detail.eventName: want "AdminCreateUser", found "AdminDeleteUser"`},
		{2, "Confirm_POST.json", false, `detail.additionalEventData.userPoolId: want "us-east-1_Xk3mQ9pLw", found "ap-northeast-1_Jp4sZ8hQa"`},
		{3, "AdminCreateUser.json", true, ""},
		{0, "negative-s3-PutBucketPolicy.json", true, ""},
	}
	for _, tt := range tests {
		r := routes[tt.route]
		t.Run(r.Name+"/"+tt.file, func(t *testing.T) {
			got, err := r.Match(envelope(tt.file))
			if err != nil {
				t.Fatalf("Match: %v", err)
			}
			if got.Matched != tt.match || got.Reason != tt.reason {
				t.Errorf("got %v %q\nwant %v %q", got.Matched, got.Reason, tt.match, tt.reason)
			}
		})
	}
}

func TestFromTemplateErrors(t *testing.T) {
	tests := []struct{ name, template, want string }{
		{"not JSON", `{`, "reading template"},
		{"array", `[]`, "reading template: want a JSON object, found a JSON array"},
		{"no resources", `{}`, "reading template: Resources: want an object of resources"},
		{"resources a list", `{"Resources":[]}`, "reading template: Resources: want an object of resources"},
		{"resource not an object", `{"Resources":{"R":5}}`, "reading template: resource R: want a JSON object, found a JSON number"},
		{"type not a string", `{"Resources":{"R":{"Type":5}}}`, "reading template: resource R: Type: found a JSON number of the wrong type"},
		{"properties not an object", `{"Resources":{"R":{"Type":"AWS::Events::Rule","Properties":[1]}}}`, "reading rule R: Properties"},
		{"bad pattern", `{"Resources":{"R":{"Type":"AWS::Events::Rule","Properties":{"EventPattern":{"source":"x"}}}}}`, "reading rule R: EventPattern: invalid event pattern: source: want an array"},
		{"bad pattern string", `{"Resources":{"R":{"Type":"AWS::Events::Rule","Properties":{"EventPattern":"{\"source\":[]}"}}}}`, "reading rule R: EventPattern: invalid event pattern: source: empty array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromTemplate([]byte(tt.template))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "cdk.json") {
				t.Errorf("error = %v: names cdk.json, but the file may be another (--config): the caller names it", err)
			}
		})
	}
	routes, err := FromTemplate([]byte(`{"Resources":{"Q":{"Type":"AWS::SQS::Queue"}}}`))
	if err != nil || len(routes) != 0 {
		t.Errorf("template without rules: %v, %v; want none, nil", routes, err)
	}
}

func TestFromTemplates(t *testing.T) {
	dir := t.TempDir()
	data := readFile(t, "testdata/template.json")
	if err := os.WriteFile(filepath.Join(dir, "cognito-events-eu-west-1.template.json"), data, 0o600); err != nil {
		t.Fatalf("writing the template: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(`{}`), 0o600); err != nil {
		t.Fatalf("writing the manifest: %v", err)
	}
	routes, err := FromTemplates(dir)
	if err != nil {
		t.Fatalf("FromTemplates: %v", err)
	}
	got := summarize(routes)
	for _, r := range routes {
		if r.Template != filepath.Join(dir, "cognito-events-eu-west-1.template.json") {
			t.Errorf("route %s: Template %q, want the file", r.Name, r.Template)
		}
	}
	// Rules whose CDK path names no region take the file's.
	if len(got) != 4 || got[0].Region != "eu-west-1" || got[1].Region != "us-east-1" || got[3].Region != "eu-west-1" {
		t.Errorf("routes %+v", got)
	}

	if _, err := FromTemplates(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no *.template.json files") {
		t.Errorf("empty dir: error = %v", err)
	}
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "x.template.json"), []byte(`{"Resources":`), 0o600); err != nil {
		t.Fatalf("writing the template: %v", err)
	}
	if _, err := FromTemplates(bad); err == nil || !strings.Contains(err.Error(), "x.template.json") {
		t.Errorf("bad template: error = %v, want the file named", err)
	}
}

// TestFromConfigAgreesWithTemplate: testdata/template.json holds the rules
// the CDK app synthesized for testdata/cdk.json; the configuration gives
// the same patterns and states.
func TestFromConfigAgreesWithTemplate(t *testing.T) {
	fromCfg, err := FromConfig(readFile(t, "testdata/cdk.json"))
	if err != nil {
		t.Fatalf("FromConfig: %v", err)
	}
	want := []routeSummary{
		{"app-clients", "us-east-1", "", "ENABLED"},
		{"app-clients", "eu-west-1", "", "ENABLED"},
		{"hosted-ui", "us-east-1", "", StateAllManagementEvents},
		// hosted-ui selects only a us-east-1 pool: nothing in eu-west-1.
	}
	if got := summarize(fromCfg); !reflect.DeepEqual(got, want) {
		t.Fatalf("routes\n got  %+v\n want %+v", got, want)
	}
	fromTmpl, err := FromTemplate(readFile(t, "testdata/template.json"))
	if err != nil {
		t.Fatalf("FromTemplate: %v", err)
	}
	byName := map[string]Route{}
	for _, r := range fromTmpl {
		byName[r.Name] = r
	}
	for _, r := range fromCfg {
		tr := byName[r.Name]
		if tr.Pattern == nil {
			t.Fatalf("route %s not in the template", r.Name)
		}
		if !sameJSON(t, r.Pattern.String(), tr.Pattern.String()) || r.State != tr.State {
			t.Errorf("route %s: config %s %s\ntemplate %s %s", r.Name, r.State, r.Pattern, tr.State, tr.Pattern)
		}
	}
}

func sameJSON(tb testing.TB, a, b string) bool {
	tb.Helper()
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		tb.Fatalf("decoding %s: %v", a, err)
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		tb.Fatalf("decoding %s: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}

func TestFromConfigRepository(t *testing.T) {
	routes, err := FromConfig(readFile(t, "../../cdk.json"))
	if err != nil {
		t.Fatalf("FromConfig(cdk.json): %v", err)
	}
	if len(routes) == 0 {
		t.Fatal("no routes in cdk.json")
	}
	for _, r := range routes {
		if r.Name == "" || r.Region == "" || r.Pattern == nil || (r.State != StateEnabled && r.State != StateAllManagementEvents) {
			t.Errorf("route %+v", r)
		}
	}
}

func TestFromConfigErrors(t *testing.T) {
	tests := []struct{ name, cdk, want string }{
		{"not JSON", `{`, "decoding the CDK configuration"},
		{"no context key", `{"context":{}}`, "context.cognito-events: missing"},
		{"invalid configuration", `{"context":{"cognito-events":{"regions":["us-east-1"],"routes":[{"name":"bad name","selection":{"operations":["users"]},"sink":{"kind":"eventbridge","bus":"b"}}]}}}`, "routes[0].name"},
		{"unknown key", `{"context":{"cognito-events":{"regions":["us-east-1"],"rootes":[]}}}`, "rootes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromConfig([]byte(tt.cdk))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}

	// The context value may also be a JSON string, as cdk -c gives it.
	inner := `{"regions":["us-east-1"],"routes":[{"name":"u","selection":{"operations":["users"]},"sink":{"kind":"eventbridge","bus":"b"}}]}`
	quoted, _ := json.Marshal(inner)
	routes, err := FromConfig([]byte(`{"context":{"cognito-events":` + string(quoted) + `}}`))
	if err != nil || len(routes) != 1 || routes[0].Name != "u" {
		t.Errorf("string context: %+v, %v", routes, err)
	}
}

// TestRouteMatchState: a rule in state ENABLED never receives read-only
// management events, whatever its pattern.
func TestRouteMatchState(t *testing.T) {
	p, err := pattern.Compile([]byte(`{"source":["aws.cognito-idp"]}`))
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	readOnly := readFile(t, "../../testdata/envelopes/AdminGetUser.json")
	write := readFile(t, "../../testdata/envelopes/AdminCreateUser.json")
	tests := []struct {
		name  string
		state string
		event []byte
		match bool
	}{
		{"read-only to ENABLED", StateEnabled, readOnly, false},
		{"read-only to all management events", StateAllManagementEvents, readOnly, true},
		{"write to ENABLED", StateEnabled, write, true},
		{"readOnly as a string", StateEnabled, []byte(`{"source":"aws.cognito-idp","detail-type":"AWS API Call via CloudTrail","detail":{"readOnly":"true"}}`), false},
		{"not via CloudTrail", StateEnabled, []byte(`{"source":"aws.cognito-idp","detail-type":"Other","detail":{"readOnly":true}}`), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Route{Name: "r", State: tt.state, Pattern: p}.Match(tt.event)
			if err != nil {
				t.Fatalf("Match: %v", err)
			}
			if got.Matched != tt.match {
				t.Errorf("Matched = %v (%s), want %v", got.Matched, got.Reason, tt.match)
			}
			if !got.Matched && !strings.HasPrefix(got.Reason, "detail.readOnly: true") {
				t.Errorf("Reason = %q", got.Reason)
			}
		})
	}
	if _, err := (Route{State: StateEnabled, Pattern: p}).Match([]byte(`[]`)); err == nil {
		t.Error("Match of an array: want an error")
	}
}

func TestLoad(t *testing.T) {
	const cdk = "testdata/cdk.json"
	tests := []struct {
		name, route, region string
		wantRegion          string
		wantErr             string
		notFound            bool
	}{
		{name: "first region by default", route: "hosted-ui", wantRegion: "us-east-1"},
		{name: "a named region", route: "app-clients", region: "eu-west-1", wantRegion: "eu-west-1"},
		{name: "unknown route", route: "nope", wantErr: `testdata/cdk.json has no route "nope"; its routes: app-clients, hosted-ui`, notFound: true},
		{name: "unknown region", route: "app-clients", region: "ap-south-1", wantErr: `testdata/cdk.json does not deploy to region "ap-south-1"; its regions: us-east-1, eu-west-1`, notFound: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Load(cdk, tt.route, tt.region)
			if tt.wantErr != "" {
				var nf *NotFoundError
				if err == nil || err.Error() != tt.wantErr || errors.As(err, &nf) != tt.notFound {
					t.Fatalf("Load: %v; want %q (NotFoundError %v)", err, tt.wantErr, tt.notFound)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if r.Name != tt.route || r.Region != tt.wantRegion || r.Config == nil || r.Config.Name != tt.route || r.Pattern == nil {
				t.Errorf("Load = %+v", r)
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "cdk.json"), "app-clients", ""); err == nil || !strings.HasPrefix(err.Error(), "reading configuration: ") {
		t.Errorf("missing file: error = %v", err)
	}
	bad := filepath.Join(t.TempDir(), "cdk.json")
	if err := os.WriteFile(bad, []byte(`{"context":{}}`), 0o600); err != nil {
		t.Fatalf("writing the configuration: %v", err)
	}
	if _, err := Load(bad, "app-clients", ""); err == nil || !strings.Contains(err.Error(), "context.cognito-events: missing") {
		t.Errorf("no configuration: error = %v", err)
	}
}
