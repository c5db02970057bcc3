package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
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
	closeJSII() // see jsii.go: no false "exited abnormally" line
	os.Exit(code)
}

// fullConfig exercises every resource kind: a created trail with excluded
// sources, alarm e-mail, and four routes (http with a secret, eventbridge
// with read-only calls, pools and lookup, buffered sqs, hosted-UI to sns).
const fullConfig = `{
  "regions": ["us-east-1", "eu-west-1"],
  "trail": {"mode": "create", "bucketExpirationDays": 30, "excludeEventSources": ["kms.amazonaws.com", "rdsdata.amazonaws.com"], "cloudWatchLogs": true},
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
	Type           string         `json:"Type"`
	Properties     map[string]any `json:"Properties"`
	DeletionPolicy string         `json:"DeletionPolicy"`
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

// codeFunctions are the functions whose dummy bootstraps synth lays out
// side by side, as `make build` does: build/forwarder, build/sync,
// build/trigger.
var codeFunctions = []string{"forwarder", SyncCodeDirName, "trigger"}

// synth builds and synthesizes the app for a configuration once, with a
// dummy bootstrap for every function, so tests need no `make build`; later
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
		root, err := os.MkdirTemp("", "cognito-events-build-")
		if err != nil {
			return err
		}
		for _, fn := range codeFunctions {
			if err := os.MkdirAll(filepath.Join(root, fn), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(root, fn, "bootstrap"), []byte("#!/bin/sh\n"), 0o755); err != nil {
				return err
			}
		}
		app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(filepath.Join(root, "cdk.out"))})
		s.stacks, err = AddStacks(app, cfg, filepath.Join(root, "forwarder"), "123456789012")
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
	// Resolve sees an OverrideLogicalId; GetLogicalId does not.
	if id, ok := s.stacks[0].Resolve(el.LogicalId()).(string); ok {
		return id
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
