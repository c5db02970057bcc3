package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/cognito-events/cognito-events/internal/config"
)

// TestMain runs the tests, then stops the jsii runtime once. (Run them
// with JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 exported, as the
// Makefile does, to keep node's end-of-life banner out of the output.)
func TestMain(m *testing.M) {
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}

// fullConfig exercises every resource kind: a created trail with excluded
// sources, alarm e-mail, and four routes (http with a secret, eventbridge
// with read-only calls, pools and lookup, buffered sqs, hosted-UI to sns).
const fullConfig = `{
  "regions": ["us-east-1", "eu-west-1"],
  "trail": {"mode": "create", "bucketExpirationDays": 30, "excludeEventSources": ["kms.amazonaws.com", "rdsdata.amazonaws.com"]},
  "alarms": {"email": "ops@example.com"},
  "routes": [
    {"name": "app-clients", "selection": {"operations": ["app-clients"]},
     "sink": {"kind": "http", "url": "https://hooks.example.com/cognito",
              "auth": {"type": "bearer", "secret": "arn:aws:secretsmanager:us-east-1:123456789012:secret:cognito-hook"}}},
    {"name": "users-readonly",
     "selection": {"operations": ["users"], "userPoolIds": ["us-east-1_AAAAAAAAA"], "includeReadOnly": true, "includeFailed": true},
     "sink": {"kind": "eventbridge", "bus": "identity"},
     "poolResolution": {"lookup": true},
     "function": {"memoryMB": 256, "logRetentionDays": 90},
     "delivery": {"archiveRetentionDays": 0}},
    {"name": "buffered-sqs", "selection": {"operations": ["groups"]},
     "sink": {"kind": "sqs", "queueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/cognito-events"},
     "delivery": {"buffered": true, "batchSize": 5, "maxEventAgeSeconds": 3600, "retryAttempts": 10}},
    {"name": "hosted-ui-sns", "selection": {"operations": ["hosted-ui"], "includeHostedUI": true},
     "sink": {"kind": "sns", "topicArn": "arn:aws:sns:us-east-1:123456789012:cognito"},
     "function": {"logLevel": "DEBUG"}}
  ]
}`

// existingTrailConfig uses an existing trail and sends no alarm e-mail; its
// route looks pools up in every pool of the region.
const existingTrailConfig = `{
  "regions": ["us-east-1"],
  "trail": {"mode": "existing"},
  "routes": [{"name": "app-clients", "selection": {"operations": ["app-clients"]},
              "sink": {"kind": "http", "url": "https://hooks.example.com/cognito"},
              "poolResolution": {"lookup": true}}]
}`

// synthesized is one configuration's app, synthesized once and shared.
type synthesized struct {
	cfg    *config.Config
	stacks []awscdk.Stack
	tmpl   assertions.Template // of stacks[0]
	res    map[string]resource // stacks[0]'s resources by logical id
	err    error
}

type resource struct {
	Type       string         `json:"Type"`
	Properties map[string]any `json:"Properties"`
}

var (
	synthMu    sync.Mutex
	synthCache = map[string]*synthesized{}
)

// codeDir returns a directory with a dummy bootstrap, so tests need no
// `make build`.
func codeDir(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bootstrap"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		tb.Fatalf("writing bootstrap: %v", err)
	}
	return dir
}

// synth builds and synthesizes the app for a configuration once; later
// calls share the result.
func synth(tb testing.TB, raw string) *synthesized {
	tb.Helper()
	synthMu.Lock()
	defer synthMu.Unlock()
	if s, ok := synthCache[raw]; ok {
		if s.err != nil {
			tb.Fatal(s.err)
		}
		return s
	}
	s := &synthesized{}
	synthCache[raw] = s
	s.err = func() error {
		cfg, err := config.Parse([]byte(raw))
		if err != nil {
			return err
		}
		s.cfg = cfg
		dir, err := os.MkdirTemp("", "cognito-events-code-")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "bootstrap"), []byte("#!/bin/sh\n"), 0o755); err != nil {
			return err
		}
		outdir, err := os.MkdirTemp("", "cognito-events-cdk.out-")
		if err != nil {
			return err
		}
		app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(outdir)})
		s.stacks, err = AddStacks(app, cfg, dir, "123456789012")
		if err != nil {
			return err
		}
		s.tmpl = assertions.Template_FromStack(s.stacks[0], nil)
		var doc struct {
			Resources map[string]resource `json:"Resources"`
		}
		b, err := json.Marshal(s.tmpl.ToJSON())
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			return err
		}
		s.res = doc.Resources
		return nil
	}()
	if s.err != nil {
		tb.Fatal(s.err)
	}
	return s
}

// assert runs a jsii assertion, which panics on failure, as a test error.
func assert(t *testing.T, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%v", r)
		}
	}()
	f()
}

// logicalID returns the logical id of the CloudFormation resource at path
// (construct ids below the stack; the L2's "Resource" is added).
func (s *synthesized) logicalID(tb testing.TB, path ...string) string {
	tb.Helper()
	var c constructs.IConstruct = s.stacks[0]
	for _, p := range path {
		c = c.Node().TryFindChild(jsii.String(p))
		if c == nil {
			tb.Fatalf("no construct %s", strings.Join(path, "/"))
		}
	}
	if child := c.Node().DefaultChild(); child != nil {
		c = child
	}
	el, ok := c.(awscdk.CfnElement)
	if !ok {
		tb.Fatalf("%s is not a CloudFormation element", strings.Join(path, "/"))
	}
	return *s.stacks[0].GetLogicalId(el)
}

// routeIDs returns the logical ids of every resource of a route.
func (s *synthesized) routeIDs(tb testing.TB, route string) map[string]bool {
	tb.Helper()
	scope := s.stacks[0].Node().TryFindChild(jsii.String(route))
	if scope == nil {
		tb.Fatalf("no route construct %s", route)
	}
	ids := map[string]bool{}
	for _, c := range *scope.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		if el, ok := c.(awscdk.CfnElement); ok {
			ids[*s.stacks[0].GetLogicalId(el)] = true
		}
	}
	return ids
}

func (s *synthesized) ofType(typ string) map[string]resource {
	out := map[string]resource{}
	for id, r := range s.res {
		if r.Type == typ {
			out[id] = r
		}
	}
	return out
}

func getAtt(id string) map[string]any { return map[string]any{"Fn::GetAtt": []any{id, "Arn"}} }
func ref(id string) map[string]any    { return map[string]any{"Ref": id} }

// jsonEqual compares a template value with an expected Go value through
// JSON, so map[string]string and map[string]any compare by content.
func jsonEqual(tb testing.TB, got, want any) bool {
	tb.Helper()
	var g, w any
	for _, p := range []struct {
		in  any
		out *any
	}{{got, &g}, {want, &w}} {
		b, err := json.Marshal(p.in)
		if err != nil {
			tb.Fatal(err)
		}
		if err := json.Unmarshal(b, p.out); err != nil {
			tb.Fatal(err)
		}
	}
	return reflect.DeepEqual(g, w)
}

func TestStacksPerRegion(t *testing.T) {
	s := synth(t, fullConfig)
	if len(s.stacks) != 2 {
		t.Fatalf("got %d stacks, want one per region (2)", len(s.stacks))
	}
	for i, region := range []string{"us-east-1", "eu-west-1"} {
		st := s.stacks[i]
		if got := *st.Region(); got != region {
			t.Errorf("stack %d region = %s, want %s", i, got, region)
		}
		if got := *st.StackName(); got != "cognito-events-"+region {
			t.Errorf("stack %d name = %s", i, got)
		}
		if got := *st.Account(); got != "123456789012" {
			t.Errorf("stack %d account = %s, want the CDK_DEFAULT_ACCOUNT given", i, got)
		}
	}
	assert(t, func() {
		assertions.Template_FromStack(s.stacks[1], nil).ResourceCountIs(jsii.String("AWS::Events::Rule"), jsii.Number(4))
	})
}

func TestTrailAndBucket(t *testing.T) {
	s := synth(t, fullConfig)
	tm := s.tmpl
	t.Run("trail", func(t *testing.T) {
		assert(t, func() { tm.ResourceCountIs(jsii.String("AWS::CloudTrail::Trail"), jsii.Number(1)) })
		assert(t, func() {
			tm.HasResourceProperties(jsii.String("AWS::CloudTrail::Trail"), map[string]any{
				"EnableLogFileValidation": true,
				"IsLogging":               true,
				"IsMultiRegionTrail":      false,
				"TrailName":               assertions.Match_Absent(),
				"EventSelectors":          assertions.Match_Absent(),
				"AdvancedEventSelectors": []any{assertions.Match_ObjectLike(&map[string]any{
					"FieldSelectors": []any{
						map[string]any{"Field": "eventCategory", "Equals": []any{"Management"}},
						map[string]any{"Field": "eventSource", "NotEquals": []any{"kms.amazonaws.com", "rdsdata.amazonaws.com"}},
					},
				})},
			})
		})
	})
	t.Run("bucket", func(t *testing.T) {
		assert(t, func() {
			tm.HasResourceProperties(jsii.String("AWS::S3::Bucket"), map[string]any{
				"BucketName": assertions.Match_Absent(),
				"BucketEncryption": map[string]any{"ServerSideEncryptionConfiguration": []any{
					map[string]any{"ServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": "AES256"}},
				}},
				"PublicAccessBlockConfiguration": map[string]any{
					"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true,
				},
				"VersioningConfiguration": map[string]any{"Status": "Enabled"},
				"LifecycleConfiguration": map[string]any{"Rules": assertions.Match_ArrayWith(&[]any{
					assertions.Match_ObjectLike(&map[string]any{"ExpirationInDays": 30, "Status": "Enabled"}),
				})},
			})
		})
	})
	t.Run("TLS only", func(t *testing.T) {
		assert(t, func() {
			tm.HasResourceProperties(jsii.String("AWS::S3::BucketPolicy"), map[string]any{
				"PolicyDocument": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{
					assertions.Match_ObjectLike(&map[string]any{
						"Effect":    "Deny",
						"Action":    "s3:*",
						"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
					}),
				})},
			})
		})
	})
}

func TestExistingTrail(t *testing.T) {
	s := synth(t, existingTrailConfig)
	for typ, n := range map[string]int{
		"AWS::CloudTrail::Trail": 0, "AWS::S3::Bucket": 0, "AWS::SNS::Topic": 0, "AWS::KMS::Key": 0,
		"AWS::Events::Rule": 1, "AWS::Lambda::Function": 1, "AWS::Events::Archive": 1,
	} {
		assert(t, func() { s.tmpl.ResourceCountIs(jsii.String(typ), jsii.Number(n)) })
	}
	for id, a := range s.ofType("AWS::CloudWatch::Alarm") {
		if actions, ok := a.Properties["AlarmActions"]; ok {
			t.Errorf("alarm %s has actions %v without an alarm e-mail", id, actions)
		}
	}
}

func TestNoPhysicalNames(t *testing.T) {
	s := synth(t, fullConfig)
	names := []string{"BucketName", "TrailName", "FunctionName", "QueueName", "TopicName", "LogGroupName", "RoleName", "Name", "ArchiveName", "AlarmName"}
	for id, r := range s.res {
		if r.Type == "AWS::Lambda::EventInvokeConfig" || r.Type == "AWS::Lambda::Permission" || r.Type == "AWS::Lambda::EventSourceMapping" {
			continue // FunctionName there references the function
		}
		for _, n := range names {
			if v, ok := r.Properties[n]; ok {
				t.Errorf("%s (%s) has a fixed %s: %v", id, r.Type, n, v)
			}
		}
	}
}

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
				"Environment":   map[string]any{"Variables": r.Environment()},
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

// TestCDKNag: cdk-nag's AWS Solutions checks find no unresolved error, and
// every suppression carries a reason.
func TestCDKNag(t *testing.T) {
	for name, raw := range map[string]string{"full": fullConfig, "existing trail": existingTrailConfig} {
		t.Run(name, func(t *testing.T) {
			s := synth(t, raw)
			for _, st := range s.stacks {
				ann := assertions.Annotations_FromStack(st)
				errs := ann.FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*")))
				for _, e := range *errs {
					t.Errorf("%s: %v", *e.Id, e.Entry.Data)
				}
				warns := ann.FindWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*")))
				for _, w := range *warns {
					t.Logf("warning %s: %v", *w.Id, w.Entry.Data)
				}
			}
			b, _ := json.Marshal(s.tmpl.ToJSON())
			var doc struct {
				Resources map[string]struct {
					Metadata struct {
						Nag struct {
							Rules []struct {
								ID     string `json:"id"`
								Reason string `json:"reason"`
							} `json:"rules_to_suppress"`
						} `json:"cdk_nag"`
					}
				}
			}
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			for id, r := range doc.Resources {
				for _, rule := range r.Metadata.Nag.Rules {
					if len(rule.Reason) < 20 {
						t.Errorf("%s: suppression of %s has no written reason: %q", id, rule.ID, rule.Reason)
					}
				}
			}
		})
	}
}

func TestStackErrors(t *testing.T) {
	cfg, err := config.Parse([]byte(existingTrailConfig))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		props *StackProps
		want  string
		is    error
	}{
		{"nil props", nil, "no configuration", nil},
		{"nil config", &StackProps{}, "no configuration", nil},
		{"no bootstrap", &StackProps{Config: cfg, CodeDir: t.TempDir()}, `run "make build" first: `, ErrNoCode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := awscdk.NewApp(nil)
			_, err := NewCognitoEventsStack(app, "s", tt.props)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err %v is not %v", err, tt.is)
			}
		})
	}
}

func TestCheckCodeMessage(t *testing.T) {
	err := CheckCode("build/forwarder-missing")
	if err == nil || err.Error() != `forwarder code not found: run "make build" first: build/forwarder-missing/bootstrap not found` {
		t.Errorf("CheckCode = %v", err)
	}
	if err := CheckCode(codeDir(t)); err != nil {
		t.Errorf("CheckCode with a bootstrap = %v", err)
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		name, in string
		n        int
		want     string
	}{
		{"short", "abc", 5, "abc"},
		{"exact", "abcde", 5, "abcde"},
		{"cut", "abcdefgh", 6, "abc..."},
		{"no split rune", "ab€def", 6, "ab..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := truncate(tt.in, tt.n)
			if got != tt.want || len(got) > tt.n {
				t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}

func TestDescriptionLengths(t *testing.T) {
	s := synth(t, fullConfig)
	limits := map[string]int{"AWS::Events::Rule": 512, "AWS::Events::Archive": 512, "AWS::Lambda::Function": 256}
	for id, r := range s.res {
		if max, ok := limits[r.Type]; ok {
			if d, _ := r.Properties["Description"].(string); len(d) > max {
				t.Errorf("%s description is %d bytes, more than %d", id, len(d), max)
			}
		}
	}
}
