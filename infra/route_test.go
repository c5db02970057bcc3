package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/jsii-runtime-go"

	"github.com/cognito-events/cognito-events/internal/config"
)

func TestRules(t *testing.T) {
	s := synth(t, fullConfig)
	rules := s.ofType("AWS::Events::Rule")
	if len(rules) != len(s.cfg.Routes) {
		t.Fatalf("%d rules, want one per route (%d)", len(rules), len(s.cfg.Routes))
	}
	for i := range s.cfg.Routes {
		r := &s.cfg.Routes[i]
		t.Run(r.Name, func(t *testing.T) {
			rule := rules[s.logicalID(t, r.Name, "Rule")]
			p, err := r.Pattern()
			if err != nil {
				t.Fatal(err)
			}
			if !jsonEqual(t, rule.Properties["EventPattern"], p.Map()) {
				t.Errorf("EventPattern\n got %v\nwant %s", rule.Properties["EventPattern"], p.JSON())
			}
			state, _ := r.RuleState()
			if got := rule.Properties["State"]; got != state {
				t.Errorf("State = %v, want %s", got, state)
			}
			if rule.Properties["EventBusName"] != nil {
				t.Errorf("rule is not on the default bus: %v", rule.Properties["EventBusName"])
			}

			targets, _ := rule.Properties["Targets"].([]any)
			if len(targets) != 1 {
				t.Fatalf("targets = %v, want 1", targets)
			}
			target := targets[0]
			dest := getAtt(s.logicalID(t, r.Name, "Function"))
			if r.Delivery.Buffered {
				dest = getAtt(s.logicalID(t, r.Name, "BufferQueue"))
			}
			want := map[string]any{
				"Arn":              dest,
				"DeadLetterConfig": map[string]any{"Arn": getAtt(s.logicalID(t, r.Name, "DeadLetterQueue"))},
				"RetryPolicy": map[string]any{
					"MaximumEventAgeInSeconds": r.Delivery.MaxEventAgeSeconds,
					"MaximumRetryAttempts":     *r.Delivery.RetryAttempts,
				},
			}
			tm := target.(map[string]any)
			for k, v := range want {
				if !jsonEqual(t, tm[k], v) {
					t.Errorf("target %s = %v, want %v", k, tm[k], v)
				}
			}
		})
	}
	t.Run("read-only route receives all management events", func(t *testing.T) {
		assert(t, func() {
			s.tmpl.HasResourceProperties(jsii.String("AWS::Events::Rule"), map[string]any{
				"State": "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
				"EventPattern": assertions.Match_ObjectLike(&map[string]any{
					"detail": assertions.Match_ObjectLike(&map[string]any{
						"eventName": assertions.Match_ArrayWith(&[]any{"AdminGetUser"}),
					}),
				}),
			})
		})
	})
}

func TestQueues(t *testing.T) {
	s := synth(t, fullConfig)
	queues := s.ofType("AWS::SQS::Queue")
	// Per route a dead-letter queue; a failure queue unless buffered, a
	// buffer queue if buffered.
	if want := 2 * len(s.cfg.Routes); len(queues) != want {
		t.Errorf("%d queues, want %d", len(queues), want)
	}
	for id, q := range queues {
		if q.Properties["SqsManagedSseEnabled"] != true {
			t.Errorf("queue %s is not encrypted: %v", id, q.Properties)
		}
	}
	// Every queue refuses requests without TLS.
	policies := s.ofType("AWS::SQS::QueuePolicy")
	secured := map[string]bool{}
	for _, p := range policies {
		b, _ := json.Marshal(p.Properties)
		if !strings.Contains(string(b), `"aws:SecureTransport":"false"`) {
			continue
		}
		for _, q := range p.Properties["Queues"].([]any) {
			secured[fmt.Sprint(q.(map[string]any)["Ref"])] = true
		}
	}
	for id := range queues {
		if !secured[id] {
			t.Errorf("queue %s has no TLS-only policy", id)
		}
	}
	t.Run("buffer", func(t *testing.T) {
		r, _ := s.cfg.Route("buffered-sqs")
		buf := queues[s.logicalID(t, "buffered-sqs", "BufferQueue")]
		wantRedrive := map[string]any{"deadLetterTargetArn": getAtt(s.logicalID(t, "buffered-sqs", "DeadLetterQueue")), "maxReceiveCount": 5}
		if !jsonEqual(t, buf.Properties["RedrivePolicy"], wantRedrive) {
			t.Errorf("RedrivePolicy = %v, want %v", buf.Properties["RedrivePolicy"], wantRedrive)
		}
		if got, want := buf.Properties["VisibilityTimeout"], 6*r.Timeout().Seconds(); got != want {
			t.Errorf("VisibilityTimeout = %v, want %v", got, want)
		}
		assert(t, func() {
			s.tmpl.HasResourceProperties(jsii.String("AWS::Lambda::EventSourceMapping"), map[string]any{
				"EventSourceArn":        getAtt(s.logicalID(t, "buffered-sqs", "BufferQueue")),
				"FunctionName":          ref(s.logicalID(t, "buffered-sqs", "Function")),
				"BatchSize":             5,
				"FunctionResponseTypes": []any{"ReportBatchItemFailures"},
			})
		})
		assert(t, func() { s.tmpl.ResourceCountIs(jsii.String("AWS::Lambda::EventSourceMapping"), jsii.Number(1)) })
	})
}

func TestAsyncInvokeConfig(t *testing.T) {
	s := synth(t, fullConfig)
	n := 0
	for _, r := range s.cfg.Routes {
		if r.Delivery.Buffered {
			continue
		}
		n++
		t.Run(r.Name, func(t *testing.T) {
			assert(t, func() {
				s.tmpl.HasResourceProperties(jsii.String("AWS::Lambda::EventInvokeConfig"), map[string]any{
					"FunctionName": ref(s.logicalID(t, r.Name, "Function")),
					"DestinationConfig": map[string]any{"OnFailure": map[string]any{
						"Destination": getAtt(s.logicalID(t, r.Name, "FailureQueue")),
					}},
					"MaximumRetryAttempts":     2,
					"MaximumEventAgeInSeconds": 21600,
				})
			})
		})
	}
	assert(t, func() { s.tmpl.ResourceCountIs(jsii.String("AWS::Lambda::EventInvokeConfig"), jsii.Number(n)) })
}

func TestFunctions(t *testing.T) {
	s := synth(t, fullConfig)
	fns := s.ofType("AWS::Lambda::Function")
	for i := range s.cfg.Routes {
		r := &s.cfg.Routes[i]
		t.Run(r.Name, func(t *testing.T) {
			fn := fns[s.logicalID(t, r.Name, "Function")]
			logs := s.logicalID(t, r.Name, "Logs")
			want := map[string]any{
				"Runtime":       "provided.al2023",
				"Architectures": []any{"arm64"},
				"Handler":       "bootstrap",
				"MemorySize":    r.Function.MemoryMB,
				"Timeout":       r.Timeout().Seconds(),
				"Environment":   map[string]any{"Variables": wantEnv(r)},
				"LoggingConfig": map[string]any{"LogFormat": "JSON", "ApplicationLogLevel": r.Function.LogLevel, "SystemLogLevel": "WARN", "LogGroup": ref(logs)},
				"Role":          getAtt(s.logicalID(t, r.Name, "Role")),
			}
			for k, v := range want {
				if !jsonEqual(t, fn.Properties[k], v) {
					t.Errorf("%s = %v, want %v", k, fn.Properties[k], v)
				}
			}
			lg := s.res[logs]
			if got := lg.Properties["RetentionInDays"]; !jsonEqual(t, got, r.Function.LogRetentionDays) {
				t.Errorf("log group retention = %v, want %d", got, r.Function.LogRetentionDays)
			}
		})
	}
}

func TestArchives(t *testing.T) {
	s := synth(t, fullConfig)
	archives := s.ofType("AWS::Events::Archive")
	if len(archives) != len(s.cfg.Routes) {
		t.Fatalf("%d archives, want one per route", len(archives))
	}
	for i := range s.cfg.Routes {
		r := &s.cfg.Routes[i]
		t.Run(r.Name, func(t *testing.T) {
			a := archives[s.logicalID(t, r.Name, "Archive")]
			p, _ := r.Pattern()
			if !jsonEqual(t, a.Properties["EventPattern"], p.Map()) {
				t.Errorf("archive pattern = %v, want %s", a.Properties["EventPattern"], p.JSON())
			}
			days, present := a.Properties["RetentionDays"]
			switch want := *r.Delivery.ArchiveRetentionDays; {
			case want == 0 && present && !jsonEqual(t, days, 0):
				t.Errorf("RetentionDays = %v, want none or 0 (indefinite)", days)
			case want > 0 && !jsonEqual(t, days, want):
				t.Errorf("RetentionDays = %v, want %d", days, want)
			}
			b, _ := json.Marshal(a.Properties["SourceArn"])
			if !strings.Contains(string(b), "event-bus/default") {
				t.Errorf("archive source = %s, want the default bus", b)
			}
		})
	}
}

func TestAlarms(t *testing.T) {
	s := synth(t, fullConfig)
	alarms := s.ofType("AWS::CloudWatch::Alarm")
	topics := s.ofType("AWS::SNS::Topic")
	if len(topics) != 1 {
		t.Fatalf("%d SNS topics, want 1 for alarms", len(topics))
	}
	var topicID string
	for id, tp := range topics {
		topicID = id
		if tp.Properties["KmsMasterKeyId"] == nil {
			t.Errorf("alarm topic is not encrypted")
		}
	}
	assert(t, func() {
		s.tmpl.HasResourceProperties(jsii.String("AWS::SNS::Subscription"), map[string]any{
			"Protocol": "email", "Endpoint": "ops@example.com", "TopicArn": ref(topicID),
		})
	})
	for id, a := range alarms {
		if !jsonEqual(t, a.Properties["AlarmActions"], []any{ref(topicID)}) {
			t.Errorf("alarm %s actions = %v, want the topic", id, a.Properties["AlarmActions"])
		}
	}
	for i := range s.cfg.Routes {
		r := &s.cfg.Routes[i]
		t.Run(r.Name, func(t *testing.T) {
			want := map[string]map[string]any{
				"DeadLetterQueueAlarm": {"Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible",
					"Dimensions": []any{map[string]any{"Name": "QueueName", "Value": map[string]any{"Fn::GetAtt": []any{s.logicalID(t, r.Name, "DeadLetterQueue"), "QueueName"}}}}},
				"FunctionErrorsAlarm": {"Namespace": "AWS/Lambda", "MetricName": "Errors",
					"Dimensions": []any{map[string]any{"Name": "FunctionName", "Value": ref(s.logicalID(t, r.Name, "Function"))}}},
				"FailedInvocationsAlarm": {"Namespace": "AWS/Events", "MetricName": "FailedInvocations",
					"Dimensions": []any{map[string]any{"Name": "RuleName", "Value": ref(s.logicalID(t, r.Name, "Rule"))}}},
			}
			if !r.Delivery.Buffered {
				want["FailureQueueAlarm"] = map[string]any{"Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible",
					"Dimensions": []any{map[string]any{"Name": "QueueName", "Value": map[string]any{"Fn::GetAtt": []any{s.logicalID(t, r.Name, "FailureQueue"), "QueueName"}}}}}
			}
			for name, props := range want {
				a := alarms[s.logicalID(t, r.Name, name)]
				props["Threshold"] = 1
				props["ComparisonOperator"] = "GreaterThanOrEqualToThreshold"
				for k, v := range props {
					if !jsonEqual(t, a.Properties[k], v) {
						t.Errorf("%s %s = %v, want %v", name, k, a.Properties[k], v)
					}
				}
			}
		})
	}
}

// wantEnv is the environment a route's function must have: the route's
// variables, and FORWARDER_INPUT=sqs when it is buffered.
func wantEnv(r *config.Route) map[string]string {
	env := r.Environment()
	if r.Delivery.Buffered {
		env["FORWARDER_INPUT"] = "sqs"
	}
	return env
}

// TestForwarderInput: a buffered route's function is told to take SQS
// batches (FORWARDER_INPUT=sqs) and is fed by an event source mapping that
// reports batch item failures; a direct route's function keeps the default
// (EventBridge events, no FORWARDER_INPUT) and is the rule's target.
func TestForwarderInput(t *testing.T) {
	s := synth(t, fullConfig)
	fns := s.ofType("AWS::Lambda::Function")
	mappings := s.ofType("AWS::Lambda::EventSourceMapping")
	rules := s.ofType("AWS::Events::Rule")
	var buffered, direct int
	for i := range s.cfg.Routes {
		r := &s.cfg.Routes[i]
		t.Run(r.Name, func(t *testing.T) {
			fnID := s.logicalID(t, r.Name, "Function")
			env, _ := fns[fnID].Properties["Environment"].(map[string]any)
			vars, _ := env["Variables"].(map[string]any)
			input, set := vars["FORWARDER_INPUT"]
			var mapped bool
			for _, m := range mappings {
				if jsonEqual(t, m.Properties["FunctionName"], ref(fnID)) {
					mapped = true
					if !jsonEqual(t, m.Properties["FunctionResponseTypes"], []string{"ReportBatchItemFailures"}) {
						t.Errorf("event source mapping %v does not report batch item failures", m.Properties)
					}
				}
			}
			targets := rules[s.logicalID(t, r.Name, "Rule")].Properties["Targets"]
			targetsFn := jsonEqual(t, asList(targets)[0].(map[string]any)["Arn"], getAtt(fnID))
			if r.Delivery.Buffered {
				buffered++
				if input != "sqs" || !mapped || targetsFn {
					t.Fatalf("buffered route: FORWARDER_INPUT = %v, mapped %v, rule targets the function %v; want sqs, true, false", input, mapped, targetsFn)
				}
				return
			}
			direct++
			if set || mapped || !targetsFn {
				t.Fatalf("direct route: FORWARDER_INPUT = %v (set %v), mapped %v, rule targets the function %v; want unset, false, true", input, set, mapped, targetsFn)
			}
		})
	}
	if buffered == 0 || direct == 0 {
		t.Fatalf("%d buffered and %d direct routes: the configuration must have both", buffered, direct)
	}
}

func TestNewRouteErrors(t *testing.T) {
	cfg, err := config.Parse([]byte(existingTrailConfig))
	if err != nil {
		t.Fatalf("parsing the configuration: %v", err)
	}
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("RouteErrors"), nil)
	bus := awsevents.EventBus_FromEventBusName(stack, jsii.String("Bus"), jsii.String("default"))
	for _, tc := range []struct {
		name  string
		props *RouteProps
		want  string
	}{
		{"nil props", nil, "no route configuration"},
		{"no route", &RouteProps{Bus: bus}, "no route configuration"},
		{"no bus", &RouteProps{Route: &cfg.Routes[0], CodeDir: codeDir(t)}, "no event bus"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewRoute(stack, "r-"+strings.ReplaceAll(tc.name, " ", "-"), tc.props); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("NewRoute = %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

// splitConfig has a route whose pattern does not fit one rule: every
// mutation and Token_POST with hosted-UI events included, limited to two
// app clients, so config splits it by operation.
const splitConfig = `{
  "regions": ["us-east-1"],
  "trail": {"mode": "existing"},
  "routes": [{"name": "big", "selection": {"operations": ["all-mutations", "Token_POST"], "includeHostedUI": true,
                                           "clientIds": ["3n4b5urk1ft4fl3mg5e62d9ado", "uh9rjacjipl8rhbacgtrnuv0z5"]},
              "sink": {"kind": "http", "url": "https://hooks.example.com/cognito"}}]
}`

// TestSplitRules: a split route gets one AWS::Events::Rule per pattern
// (construct ids Rule, Rule2, ...), each with the generated pattern
// verbatim, the route's state and the same target, and a
// FailedInvocations alarm each (its archives: TestSplitRouteArchives).
func TestSplitRules(t *testing.T) {
	s := synth(t, splitConfig)
	r := &s.cfg.Routes[0]
	patterns, err := r.Rules()
	if err != nil {
		t.Fatalf("Rules: %v", err)
	}
	if len(patterns) < 2 {
		t.Fatalf("%d patterns: the test needs a route that splits", len(patterns))
	}
	rules := s.ofType("AWS::Events::Rule")
	if len(rules) != len(patterns) {
		t.Fatalf("%d rules, want %d", len(rules), len(patterns))
	}
	state, _ := r.RuleState()
	fn := getAtt(s.logicalID(t, r.Name, "Function"))
	for i, p := range patterns {
		id := "Rule"
		if i > 0 {
			id = fmt.Sprintf("Rule%d", i+1)
		}
		t.Run(id, func(t *testing.T) {
			if n := len(p.JSON()); n > config.MaxPatternSize {
				t.Errorf("pattern is %d characters, more than %d", n, config.MaxPatternSize)
			}
			rule := rules[s.logicalID(t, r.Name, id)]
			if !jsonEqual(t, rule.Properties["EventPattern"], p.Map()) {
				t.Errorf("EventPattern\n got %v\nwant %s", rule.Properties["EventPattern"], p.JSON())
			}
			if got := rule.Properties["State"]; got != state {
				t.Errorf("State = %v, want %s", got, state)
			}
			if d, _ := rule.Properties["Description"].(string); !strings.Contains(d, fmt.Sprintf("rule %d of %d", i+1, len(patterns))) {
				t.Errorf("Description = %q, want it to say rule %d of %d", d, i+1, len(patterns))
			}
			targets, _ := rule.Properties["Targets"].([]any)
			if len(targets) != 1 || !jsonEqual(t, targets[0].(map[string]any)["Arn"], fn) {
				t.Errorf("Targets = %v, want the route's function", targets)
			}
		})
	}
	var alarms int
	for _, a := range s.ofType("AWS::CloudWatch::Alarm") {
		if a.Properties["MetricName"] == "FailedInvocations" {
			alarms++
		}
	}
	if alarms != len(patterns) {
		t.Errorf("%d FailedInvocations alarms, want one per rule (%d)", alarms, len(patterns))
	}

}
