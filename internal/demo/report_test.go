package demo

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime/lambdatest"
	"github.com/cognito-events/cognito-events/internal/routes"
	"github.com/cognito-events/cognito-events/internal/usersync"
)

// okReport is a report of a demo where every part ran and did what it
// should.
func okReport() Report {
	r := &Route{Rule: routes.Route{Name: "app-clients", Region: "us-east-1", State: "ENABLED"}}
	rep := Report{Routes: Summary{Events: 84, Routes: []RouteCount{{Route: r, Matched: 3, Delivered: 3, Received: 3, DeliveredIDs: []string{"a", "b", "c"}, ReceivedIDs: []string{"a", "b", "c"}}}}}
	rep.Sync.Ran = true
	rep.Sync.Result.Ran = true
	rep.Sync.Result.Passes = []SyncPass{{Name: "first", Stats: usersync.Stats{Users: 5, Created: 5, Delivered: 5}, Want: map[events.UserChangeKind]int{events.UserCreated: 5}, DeliveredIDs: []string{"x"}, ReceivedIDs: []string{"x"}}}
	rep.Triggers.Ran = true
	rep.Triggers.Result = TriggerResult{Invocations: []string{"PreSignUp_SignUp", "PostConfirmation_ConfirmSignUp"}, Queued: 2, Received: 2}
	return rep
}

func TestWriteSummary(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Report)
		ok     bool
		want   []string // regular expressions the summary matches
	}{
		{"every part ran", func(*Report) {}, true, []string{
			`(?m)^app-clients\s+us-east-1\s+ENABLED\s+3\s+3\s+0\s+0\s+3$`,
			`(?m)^1\s+5\s+5\s+0\s+0\s+5\s+0\s+1$`,
			`(?m)^   trigger invocations  2 \(PreSignUp_SignUp, PostConfirmation_ConfirmSignUp\), 0 failed$`,
			`(?m)^Result: every part that ran delivered what it should\.\n\z`,
		}},
		{"a route failed", func(r *Report) { r.Routes.Routes[0].Failed = 1 }, false, []string{`(?m)^Result: FAILED: routes \(see above\)\.$`}},
		{"sync could not run", func(r *Report) { r.Sync = StepResult[SyncResult]{Err: errors.New("starting moto_server: boom")} }, false, []string{
			`(?m)^   could not run: starting moto_server: boom$`, `(?m)^Result: FAILED: user sync \(see above\)\.$`,
		}},
		{"sync skipped, triggers off", func(r *Report) {
			r.Sync = StepResult[SyncResult]{Skipped: "moto_server is not on PATH"}
			r.Triggers = StepResult[TriggerResult]{}
		}, true, []string{`(?m)^   skipped: moto_server is not on PATH$`, `(?m)^   off \(--triggers off\)$`, `(?m)^Result: every part that ran delivered what it should; skipped: user sync\.$`}},
		{"the sink missed a trigger event", func(r *Report) { r.Triggers.Result.Received = 1 }, false, []string{
			`(?m)^   the sink received 1 of 2 events$`, `(?m)^Result: FAILED: triggers \(see above\)\.$`,
		}},
		{"triggers skipped", func(r *Report) {
			r.Triggers = StepResult[TriggerResult]{Skipped: "node_modules/cognito-local is missing"}
		}, true, []string{
			`(?m)^Result: every part that ran delivered what it should; skipped: triggers\.$`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := okReport()
			tt.change(&rep)
			if rep.OK() != tt.ok {
				t.Errorf("OK() = %v, want %v", rep.OK(), tt.ok)
			}
			var b bytes.Buffer
			WriteSummary(&b, rep)
			for _, re := range tt.want {
				if !regexp.MustCompile(re).MatchString(b.String()) {
					t.Errorf("summary does not match %s:\n%s", re, b.String())
				}
			}
		})
	}
}

// TestRunAllParts runs the whole demo as make demo does (routes, user sync
// on moto_server, triggers on cognito-local) and checks that its output ends
// with one summary of the three parts, and that no part printed a summary
// of its own before it.
func TestRunAllParts(t *testing.T) {
	boot := demoBootstrap(t)
	needMotoServer(t)
	cl := cognitoLocalDir(t)
	trig := lambdatest.Build(t, "../../functions/trigger")
	var out bytes.Buffer
	rep, err := Run(context.Background(), Options{
		Templates: demoTemplates, Bootstrap: boot, Fixtures: repoFile("testdata", "envelopes"),
		Sync: Auto, Triggers: Auto, TriggerBootstrap: trig, CognitoLocal: cl,
	}, &out)
	text := out.String()
	if err != nil || !rep.OK() || !rep.Sync.Ran || !rep.Triggers.Ran {
		t.Fatalf("Run: %v, ok %v, sync ran %v, triggers ran %v\n%s", err, rep.OK(), rep.Sync.Ran, rep.Triggers.Ran, text)
	}
	if n := strings.Count(text, "== Summary of the demo"); n != 1 {
		t.Fatalf("%d summaries, want 1:\n%s", n, text)
	}
	_, summary, _ := strings.Cut(text, "== Summary of the demo")
	for _, re := range []string{
		`(?m)^Routes \(\d+ events replayed\):\nroute\s+region`,
		`(?m)^direct\s+us-east-1\s+ENABLED\s+3\s+3\s+0\s+0\s+3$`,
		`(?m)^User sync \(3 passes against moto_server\):\npass\s+users`,
		`(?m)^3\s+4\s+0\s+0\s+0\s+0\s+0\s+0$`,
		`(?m)^Triggers \(a sign-up on cognito-local\):\n   trigger invocations  \d+ \(PreSignUp_SignUp, `,
		`Result: every part that ran delivered what it should\.\n\z`,
	} {
		if !regexp.MustCompile(re).MatchString(summary) {
			t.Errorf("the summary does not match %s:\n%s", re, summary)
		}
	}
	for _, old := range []string{"User sync summary:", "== summary (triggers)"} {
		if strings.Contains(text, old) {
			t.Errorf("the output still has a part's own summary %q", old)
		}
	}
}

// TestRunTriggersMissing: with --triggers auto and no cognito-local, the
// step says what is missing and the demo succeeds.
func TestRunTriggersMissing(t *testing.T) {
	boot := demoBootstrap(t)
	var out bytes.Buffer
	rep, err := Run(context.Background(), Options{
		Templates: demoTemplates, Bootstrap: boot, Fixtures: repoFile("testdata", "envelopes"),
		Triggers: Auto, TriggerBootstrap: boot, CognitoLocal: t.TempDir(),
	}, &out)
	if err != nil || !rep.OK() || rep.Triggers.Ran {
		t.Fatalf("Run: %v, ok %v, triggers ran %v\n%s", err, rep.OK(), rep.Triggers.Ran, out.String())
	}
	if !strings.Contains(out.String(), "is missing (make emulators installs it)") || !strings.HasSuffix(out.String(), "skipped: triggers.\n") {
		t.Fatalf("output:\n%s", out.String())
	}
}
