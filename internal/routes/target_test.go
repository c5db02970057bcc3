package routes

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Pieces of the templates below, in the shape infra/stack.go synthesizes.
func ruleRes(id, targetArn string) string {
	return `"` + id + `": {"Type": "AWS::Events::Rule", "Properties": {"Description": "cognito-events route r: x", "EventPattern": {"source": ["aws.cognito-idp"]}, "Targets": [{"Id": "Target0", "Arn": ` + targetArn + `}]}}`
}

func getAtt(id string) string { return `{"Fn::GetAtt": ["` + id + `", "Arn"]}` }

func templateOf(resources ...string) []byte {
	return []byte(`{"Resources": {` + strings.Join(resources, ",") + `}}`)
}

const (
	functionRes  = `"F": {"Type": "AWS::Lambda::Function", "Properties": {"Environment": {"Variables": {"SINK_KIND": "http", "POOL_CLIENT_MAP": {"Ref": "Param"}}}, "Timeout": 10, "MemorySize": 256, "LoggingConfig": {"LogFormat": "JSON", "ApplicationLogLevel": "DEBUG"}}}`
	bareFunction = `"F": {"Type": "AWS::Lambda::Function", "Properties": {}}`
	queueRes     = `"Q": {"Type": "AWS::SQS::Queue", "Properties": {}}`
	busRes       = `"Bus": {"Type": "AWS::Events::EventBus", "Properties": {}}`
)

func mappingRes(id, queue, function string, batch int) string {
	b, _ := json.Marshal(batch)
	return `"` + id + `": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {"EventSourceArn": ` + getAtt(queue) + `, "FunctionName": {"Ref": "` + function + `"}, "BatchSize": ` + string(b) + `}}`
}

func TestTarget(t *testing.T) {
	tests := []struct {
		name     string
		template []byte
		want     *Target
		wantErr  string
	}{
		{
			name:     "direct",
			template: templateOf(ruleRes("R", getAtt("F")), functionRes),
			want: &Target{
				Function: "F", Env: map[string]string{"SINK_KIND": "http"},
				Unresolved: map[string]json.RawMessage{"POOL_CLIENT_MAP": json.RawMessage(`{"Ref": "Param"}`)},
				Timeout:    10 * time.Second, MemoryMB: 256, LogFormat: "JSON", LogLevel: "DEBUG",
			},
		},
		{
			name:     "Lambda's defaults",
			template: templateOf(ruleRes("R", `{"Ref": "F"}`), bareFunction),
			want:     &Target{Function: "F", Env: map[string]string{}, Timeout: DefaultTimeout, MemoryMB: DefaultMemoryMB},
		},
		{
			name:     "buffered",
			template: templateOf(ruleRes("R", getAtt("Q")), queueRes, bareFunction, mappingRes("M", "Q", "F", 2)),
			want:     &Target{Function: "F", Env: map[string]string{}, Queue: "Q", BatchSize: 2, Timeout: DefaultTimeout, MemoryMB: DefaultMemoryMB},
		},
		{
			name:     "buffered, the SQS default batch size",
			template: templateOf(ruleRes("R", getAtt("Q")), queueRes, bareFunction, mappingRes("M", "Q", "F", 0)),
			want:     &Target{Function: "F", Env: map[string]string{}, Queue: "Q", BatchSize: DefaultBatchSize, Timeout: DefaultTimeout, MemoryMB: DefaultMemoryMB},
		},
		{
			name:     "the first target that is a function",
			template: []byte(`{"Resources": {"R": {"Type": "AWS::Events::Rule", "Properties": {"EventPattern": {"source": ["x"]}, "Targets": [{"Arn": ` + getAtt("Bus") + `}, {"Arn": ` + getAtt("F") + `}]}}, ` + busRes + `, ` + bareFunction + `}}`),
			want:     &Target{Function: "F", Env: map[string]string{}, Timeout: DefaultTimeout, MemoryMB: DefaultMemoryMB},
		},
		{name: "target is a bus", template: templateOf(ruleRes("R", getAtt("Bus")), busRes), wantErr: "no target is a Lambda function"},
		{name: "no targets", template: templateOf(`"R": {"Type": "AWS::Events::Rule", "Properties": {"EventPattern": {"source": ["x"]}}}`), wantErr: "no target is a Lambda function"},
		{name: "targets not a list", template: templateOf(`"R": {"Type": "AWS::Events::Rule", "Properties": {"EventPattern": {"source": ["x"]}, "Targets": 5}}`), wantErr: "reading Properties: Targets: found a JSON number"},
		{name: "queue that no mapping reads", template: templateOf(ruleRes("R", getAtt("Q")), queueRes), wantErr: "queue Q, and no event source mapping reads it"},
		{name: "mapping to something else", template: templateOf(ruleRes("R", getAtt("Q")), queueRes, mappingRes("M", "Q", "Nope", 1)), wantErr: "event source mapping M: FunctionName names no function"},
		{name: "function properties not an object", template: templateOf(ruleRes("R", getAtt("F")), `"F": {"Type": "AWS::Lambda::Function", "Properties": []}`), wantErr: "function F: reading Properties"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			routes, err := FromTemplate(tt.template)
			if err != nil {
				t.Fatalf("FromTemplate: %v", err) // a rule without a target is no error here
			}
			if len(routes) != 1 {
				t.Fatalf("%d routes, want 1", len(routes))
			}
			got, err := routes[0].Target()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Target() = %+v, %v; want an error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Target: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Target()\n got  %+v\n want %+v", got, tt.want)
			}
			if got.Buffered() != (tt.want.Queue != "") {
				t.Errorf("Buffered() = %v", got.Buffered())
			}
		})
	}
}

// TestTargetFixture: the template's app-clients rule invokes its function;
// the functions of the other rules are not in the file.
func TestTargetFixture(t *testing.T) {
	routes, err := FromTemplate(readFile(t, "testdata/template.json"))
	if err != nil {
		t.Fatalf("FromTemplate: %v", err)
	}
	for _, r := range routes {
		target, err := r.Target()
		switch r.Name {
		case "app-clients":
			if err != nil || target.Function != "appclientsFunction6021D650" || target.Buffered() {
				t.Errorf("%s: Target() = %+v, %v", r.Name, target, err)
			}
		default:
			if err == nil {
				t.Errorf("%s: Target() = %+v, want an error", r.Name, target)
			}
		}
	}
	cfg, err := FromConfig(readFile(t, "testdata/cdk.json"))
	if err != nil {
		t.Fatalf("FromConfig: %v", err)
	}
	if _, err := cfg[0].Target(); err == nil {
		t.Error("Target() of a route from the configuration: want an error")
	}
}
