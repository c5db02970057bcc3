package demo

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime/lambdatest"
)

// The demo tests run the real forwarder bootstrap, built for this machine,
// against testdata/demo: a hand-written template in the shape infra/stack.go
// synthesizes, with a direct route (rule → function, state ENABLED) and a
// buffered one (rule → SQS queue → event source mapping, batch size 2,
// state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS).

const demoTemplates = "testdata/demo"

// demoBootstrap builds functions/forwarder for the host once per test
// binary, as make build does.
func demoBootstrap(tb testing.TB) string {
	tb.Helper()
	if testing.Short() {
		tb.Skip("builds and runs the forwarder bootstrap")
	}
	path := lambdatest.Build(tb, "../../functions/forwarder")
	tb.Cleanup(func() { assertNoProcess(tb, path) })
	return path
}

func TestMain(m *testing.M) { lambdatest.Main(m) }

// repoFile is a path from the repository root.
func repoFile(parts ...string) string {
	return filepath.Join(append([]string{"..", ".."}, parts...)...)
}

// runDemo runs the demo with its steps off as the command does: ok is true when
// the command would exit 0; errText is what it would print on stderr.
func runDemo(tb testing.TB, opts Options) (ok bool, out, errText string) {
	tb.Helper()
	var buf bytes.Buffer
	rep, err := Run(context.Background(), opts, &buf)
	if err != nil {
		return false, buf.String(), err.Error()
	}
	return rep.OK(), buf.String(), ""
}

// assertNoProcess fails unless no live process runs the executable path.
func assertNoProcess(tb testing.TB, path string) {
	tb.Helper()
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		cmdline, err := os.ReadFile(p)
		if err != nil || !bytes.HasPrefix(cmdline, []byte(path+"\x00")) {
			continue
		}
		stat, err := os.ReadFile(filepath.Join(filepath.Dir(p), "stat"))
		if err == nil && strings.Contains(string(stat), ") Z") {
			continue // a zombie: dead, not yet reaped by its parent
		}
		tb.Errorf("a bootstrap process is still running: %s", filepath.Dir(p))
	}
}

// expectedIDs normalises the named envelopes with the contract: the ids
// the sink must receive.
func expectedIDs(tb testing.TB, names ...string) []string {
	tb.Helper()
	var ids []string
	for _, name := range names {
		data, err := os.ReadFile(repoFile("testdata", "envelopes", name))
		if err != nil {
			tb.Fatalf("reading fixture: %v", err)
		}
		ev, err := events.Normalize(data)
		if err != nil {
			tb.Fatalf("normalising %s: %v", name, err)
		}
		ids = append(ids, ev.ID)
	}
	slices.Sort(ids)
	return ids
}

func TestDemo(t *testing.T) {
	boot := demoBootstrap(t)
	var out bytes.Buffer
	s, err := Routes(context.Background(), Options{Templates: demoTemplates, Bootstrap: boot, Fixtures: repoFile("testdata", "envelopes")}, &out)
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	if !s.OK() {
		t.Fatalf("demo not ok:\n%s", out.String())
	}
	if len(s.Routes) != 2 {
		t.Fatalf("%d routes, want 2\n%s", len(s.Routes), out.String())
	}

	tests := []struct {
		name                                string
		route                               RouteCount
		buffered                            bool
		matched, delivered, skipped, failed int
		deliveredFiles                      []string
	}{
		{
			// DescribeUserPoolClient is read-only: a rule in state ENABLED
			// never sees it although the pattern lists it.
			name: "direct", route: s.Routes[1],
			matched: 3, delivered: 3,
			deliveredFiles: []string{"CreateUserPoolClient.json", "DeleteUserPoolClient.json", "UpdateUserPoolClient.json"},
		},
		{
			// All management events: read-only and failed calls too; the
			// identity-pool record matches the pattern and the forwarder
			// skips it.
			// DescribeUserPool.json is from cn-north-1: never on this
			// region's bus.
			name: "buffered", route: s.Routes[0], buffered: true,
			matched: 5, delivered: 4, skipped: 1,
			deliveredFiles: []string{"AdminCreateUser.json", "AdminCreateUser-failed.json", "DescribeUserPool-failed.json", "DescribeUserPoolClient.json"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.route
			if c.Route.Rule.Name != tt.name || c.Route.Rule.Region != "us-east-1" || c.Route.Buffered() != tt.buffered {
				t.Fatalf("route %+v", c.Route.Rule)
			}
			if c.Matched != tt.matched || c.Delivered != tt.delivered || c.Skipped != tt.skipped || c.Failed != tt.failed || c.Received != tt.delivered {
				t.Fatalf("matched %d delivered %d skipped %d failed %d received %d, want %d %d %d %d %d",
					c.Matched, c.Delivered, c.Skipped, c.Failed, c.Received, tt.matched, tt.delivered, tt.skipped, tt.failed, tt.delivered)
			}
			want := expectedIDs(t, tt.deliveredFiles...)
			if !slices.Equal(c.ReceivedIDs, want) {
				t.Fatalf("the sink received %v, want %v", c.ReceivedIDs, want)
			}
			delivered := slices.Sorted(slices.Values(c.DeliveredIDs))
			if !slices.Equal(delivered, want) {
				t.Fatalf("the forwarder delivered %v, want %v", delivered, want)
			}
		})
	}

	t.Run("environment from the template, sink replaced", func(t *testing.T) {
		env := s.Routes[1].Route.processEnv("http://127.0.0.1:1/direct/us-east-1")
		for _, want := range []string{"SINK_KIND=http", "SINK_URL=http://127.0.0.1:1/direct/us-east-1", "SINK_ALLOW_INSECURE=true", "SINK_AUTH=none",
			"SINK_HTTP_MODE=structured", "SINK_TIMEOUT=5s", "RETRY_MAX_ATTEMPTS=2", "RETRY_BASE_DELAY=10ms", "AWS_REGION=us-east-1", "AWS_LAMBDA_LOG_LEVEL=INFO"} {
			if !slices.Contains(env, want) {
				t.Errorf("environment lacks %s: %v", want, env)
			}
		}
		for _, v := range env {
			if strings.HasPrefix(v, "SINK_AUTH_SECRET=") || strings.Contains(v, "example.com") {
				t.Errorf("the configured sink leaked into the environment: %s", v)
			}
		}
		benv := s.Routes[0].Route.processEnv("http://x")
		if !slices.Contains(benv, "POOL_CLIENT_MAP=3n4b5urk1ft4fl3mg5e62d9ado=us-east-1_Xk3mQ9pLw") || slices.ContainsFunc(benv, func(v string) bool { return strings.HasPrefix(v, "SINK_EVENTBRIDGE_BUS=") }) {
			t.Errorf("buffered environment: %v", benv)
		}
	})
}

func TestDemoOutput(t *testing.T) {
	boot := demoBootstrap(t)
	fixtures := repoFile("testdata", "envelopes")

	t.Run("summary and exit 0", func(t *testing.T) {
		ok, out, errOut := runDemo(t, Options{Templates: demoTemplates, Bootstrap: boot, Fixtures: fixtures})
		if !ok {
			t.Fatalf("not ok\nstdout:\n%s\nerror: %s", out, errOut)
		}
		for _, re := range []string{
			`(?m)^buffered\s+us-east-1\s+ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS\s+5\s+4\s+1\s+0\s+4\s*$`,
			`(?m)^direct\s+us-east-1\s+ENABLED\s+3\s+3\s+0\s+0\s+3\s*$`,
			`The demo sends every route to it`,
			`(?m)^Routes \(\d+ events replayed\):$`,
		} {
			if !regexp.MustCompile(re).MatchString(out) {
				t.Errorf("output does not match %s:\n%s", re, out)
			}
		}
	})

	t.Run("--logs keeps the forwarders' log lines", func(t *testing.T) {
		logs := filepath.Join(t.TempDir(), "demo.log")
		f, err := os.Create(logs)
		if err != nil {
			t.Fatal(err)
		}
		ok, out, errOut := runDemo(t, Options{Templates: demoTemplates, Bootstrap: boot, Fixtures: fixtures, Logs: f})
		f.Close()
		data, err := os.ReadFile(logs)
		if !ok || err != nil {
			t.Fatalf("ok %v, reading logs: %v\n%s\n%s", ok, err, out, errOut)
		}
		if n := strings.Count(string(data), `"outcome":"delivered"`); n != 7 {
			t.Fatalf("%d delivered log lines, want 7 (3 direct, 4 buffered):\n%s", n, data)
		}
	})

	t.Run("one stack per region: each rule sees its own region's events", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(demoTemplates, "cognito-events-us-east-1.template.json"))
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		for region, tmpl := range map[string]string{"us-east-1": string(data), "us-west-2": strings.ReplaceAll(string(data), "us-east-1", "us-west-2")} {
			if err := os.WriteFile(filepath.Join(dir, "cognito-events-"+region+".template.json"), []byte(tmpl), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		ok, out, errOut := runDemo(t, Options{Templates: dir, Bootstrap: boot, Fixtures: fixtures})
		if !ok {
			t.Fatalf("not ok\n%s\n%s", out, errOut)
		}
		for _, re := range []string{
			`(?m)^buffered\s+us-east-1\s+ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS\s+5\s+4\s+1\s+0\s+4\s*$`,
			`(?m)^buffered\s+us-west-2\s+ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS\s+0\s+0\s+0\s+0\s+0\s*$`,
			`(?m)^direct\s+us-east-1\s+ENABLED\s+3\s+3\s+0\s+0\s+3\s*$`,
			`(?m)^direct\s+us-west-2\s+ENABLED\s+0\s+0\s+0\s+0\s+0\s*$`,
			`are from other regions than us-west-2`,
		} {
			if !regexp.MustCompile(re).MatchString(out) {
				t.Errorf("output does not match %s:\n%s", re, out)
			}
		}
	})

	t.Run("bare records are wrapped as EventBridge does", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(demoTemplates, "cognito-events-us-east-1.template.json"))
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "cognito-events-us-west-2.template.json"), []byte(strings.ReplaceAll(string(data), "us-east-1", "us-west-2")), 0o644); err != nil {
			t.Fatal(err)
		}
		ok, out, errOut := runDemo(t, Options{Templates: dir, Bootstrap: boot, Fixtures: repoFile("testdata", "records")})
		if !ok {
			t.Fatalf("not ok\n%s\n%s", out, errOut)
		}
		// testdata/records: four us-west-2 files, one a page of three
		// records (AdminEnableUser, RespondToAuthChallenge and one more).
		for _, re := range []string{
			`(?m)^Routes \(6 events replayed\):$`,
			`(?m)^buffered\s+us-west-2\s+\S+\s+1\s+1\s+0\s+0\s+1\s*$`,
			`(?m)^direct\s+us-west-2\s+\S+\s+1\s+1\s+0\s+0\s+1\s*$`,
			`(?m)^   AdminCreateUser\.json\s+delivered 72e8c128-f245-460c-8b81-48bd86d6face$`,
			`(?m)^   CreateUserPoolClient\.json\s+delivered 4f1c1d5c-63d4-4812-b85f-b29255dcc30f$`,
		} {
			if !regexp.MustCompile(re).MatchString(out) {
				t.Errorf("output does not match %s:\n%s", re, out)
			}
		}
	})

	t.Run("a forwarder that cannot start fails its route and the exit status", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(demoTemplates, "cognito-events-us-east-1.template.json"))
		if err != nil {
			t.Fatal(err)
		}
		bad := strings.Replace(string(data), `"RETRY_MAX_ATTEMPTS": "2",
      "SINK_AUTH"`, `"RETRY_MAX_ATTEMPTS": "many",
      "SINK_AUTH"`, 1)
		if bad == string(data) {
			t.Fatal("the fixture template changed; update this test")
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "cognito-events-us-east-1.template.json"), []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		ok, out, errOut := runDemo(t, Options{Templates: dir, Bootstrap: boot, Fixtures: fixtures})
		if ok {
			t.Fatalf("ok, want a failure\n%s", out)
		}
		if !regexp.MustCompile(`(?m)^direct\s+us-east-1\s+ENABLED\s+3\s+0\s+0\s+3\s+0\s*$`).MatchString(out) || !strings.Contains(out, "RETRY_MAX_ATTEMPTS") {
			t.Fatalf("output:\n%s\nstderr:\n%s", out, errOut)
		}
	})

	t.Run("interrupted: stops the forwarder and the sink", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		w := &cancelWriter{on: "delivered", cancel: cancel}
		_, err := Run(ctx, Options{Templates: demoTemplates, Bootstrap: boot, Fixtures: fixtures}, w)
		if err == nil || !strings.Contains(err.Error(), "interrupted") {
			t.Fatalf("got %v, want an interruption", err)
		}
		assertNoProcess(t, boot)
	})

	missing := []struct {
		name string
		opts Options
		want string
	}{
		{"no templates", Options{Templates: "testdata/nonexistent", Bootstrap: boot, Fixtures: fixtures}, "run make synth"},
		{"no bootstrap", Options{Templates: demoTemplates, Bootstrap: "testdata/nonexistent", Fixtures: fixtures}, "make demo"},
		{"no fixtures", Options{Templates: demoTemplates, Bootstrap: boot, Fixtures: "testdata/nonexistent"}, "no *.json"},
	}
	for _, tt := range missing {
		t.Run(tt.name, func(t *testing.T) {
			ok, _, errText := runDemo(t, tt.opts)
			if ok || !strings.Contains(errText, tt.want) {
				t.Fatalf("ok %v, error %q, want one with %q", ok, errText, tt.want)
			}
		})
	}
}

// cancelWriter cancels once the output contains on.
type cancelWriter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	on     string
	cancel context.CancelFunc
}

func (w *cancelWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.on) {
		w.cancel()
	}
	return len(p), nil
}

// TestDemoBadTemplates checks that a template the demo cannot run names
// the file, the rule and what is wrong, and never panics.
func TestDemoBadTemplates(t *testing.T) {
	const pattern = `{"source": ["aws.cognito-idp"]}`
	rule := func(id, description, targetArn string) string {
		return `"` + id + `": {"Type": "AWS::Events::Rule", "Properties": {"Description": "` + description + `", "EventPattern": ` + pattern +
			`, "State": "ENABLED", "Targets": [{"Id": "Target0", "Arn": ` + targetArn + `}]}}`
	}
	function := func(id, env string) string {
		return `"` + id + `": {"Type": "AWS::Lambda::Function", "Properties": {"Environment": {"Variables": ` + env + `}, "Timeout": 10}}`
	}
	getAtt := func(id string) string { return `{"Fn::GetAtt": ["` + id + `", "Arn"]}` }
	tmpl := func(resources ...string) string { return `{"Resources": {` + strings.Join(resources, ",") + `}}` }

	tests := []struct {
		name, template, want string
	}{
		{"not JSON", `{"Resources": `, "cognito-events-us-east-1.template.json"},
		{"target is a bus", tmpl(rule("R1", "cognito-events route r1: x", getAtt("Bus")), `"Bus": {"Type": "AWS::Events::EventBus", "Properties": {}}`),
			"rule R1 (route r1): no target is a Lambda function"},
		{"queue that no mapping reads", tmpl(rule("R1", "cognito-events route r1: x", getAtt("Q")), `"Q": {"Type": "AWS::SQS::Queue", "Properties": {}}`),
			"queue Q, and no event source mapping reads it"},
		{"mapping to something else", tmpl(rule("R1", "cognito-events route r1: x", getAtt("Q")), `"Q": {"Type": "AWS::SQS::Queue", "Properties": {}}`,
			`"M": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {"EventSourceArn": `+getAtt("Q")+`, "FunctionName": {"Ref": "Nope"}}}`),
			"event source mapping M: FunctionName names no function"},
		{"variable the demo cannot resolve", tmpl(rule("R1", "cognito-events route r1: x", getAtt("F")), function("F", `{"POOL_CLIENT_MAP": {"Ref": "Param"}}`)),
			"function F: Environment.Variables.POOL_CLIENT_MAP is"},
		{"two rules of one route", tmpl(rule("R1", "cognito-events route r1: x", getAtt("F")), rule("R2", "cognito-events route r1: y", getAtt("F")), function("F", `{}`)),
			`two rules of route "r1" in region "us-east-1"`},
	}
	boot := filepath.Join(t.TempDir(), "bootstrap") // never started
	if err := os.WriteFile(boot, nil, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "cognito-events-us-east-1.template.json"), []byte(tt.template), 0o644); err != nil {
				t.Fatal(err)
			}
			ok, _, errText := runDemo(t, Options{Templates: dir, Bootstrap: boot, Fixtures: repoFile("testdata", "envelopes")})
			if ok || !strings.Contains(errText, tt.want) {
				t.Fatalf("ok %v, error %q, want one with %q", ok, errText, tt.want)
			}
		})
	}
}
