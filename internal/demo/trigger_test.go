package demo

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/cognito-events/cognito-events/internal/lambdaruntime/lambdatest"
)

// cognitoLocalDir returns tools/emulators/node_modules/cognito-local, skipping the test
// when it or node is missing (make emulators installs it), except under
// CI=true.
func cognitoLocalDir(tb testing.TB) string {
	tb.Helper()
	dir := "../../tools/emulators/node_modules/cognito-local"
	_, statErr := os.Stat(dir + "/lib/bin/start.js")
	_, nodeErr := exec.LookPath("node")
	if statErr != nil || nodeErr != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("cognito-local or node missing (CI=true, so this fails instead of skipping): run make emulators: %v %v", statErr, nodeErr)
		}
		tb.Skipf("cognito-local or node missing: run make emulators to run this test (%v %v)", statErr, nodeErr)
	}
	return dir
}

// TestDemoTriggers runs the sign-up flow on cognito-local through the
// real trigger and forwarder bootstraps, as make demo does, and checks
// what the sink printed: one event per trigger invocation, the denied
// attribute and the unlisted client metadata kept out.
func TestDemoTriggers(t *testing.T) {
	cl := cognitoLocalDir(t)
	trig := lambdatest.Build(t, "../../functions/trigger")
	fwd := lambdatest.Build(t, "../../functions/forwarder")
	var stdout, logs bytes.Buffer
	err := Triggers(context.Background(), TriggerOptions{TriggerBootstrap: trig, Bootstrap: fwd, CognitoLocal: cl, Logs: &lockedWriter{w: &logs}}, &stdout)
	out := stdout.String()
	if err != nil {
		t.Fatalf("Triggers: %v\nstdout:\n%s\nlogs:\n%s", err, out, logs.String())
	}
	for _, want := range []string{
		"SignUp               demo-user: ok", "ConfirmSignUp        demo-user: ok", "InitiateAuth         demo-user: ok",
		"PreSignUp_SignUp", "PostConfirmation_ConfirmSignUp", "PostAuthentication_Authentication",
		"type:        com.amazon.cognito-idp.sync_trigger",
		"forwarder failures   0",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	for _, leak := range []string{"+15555550100", "not-for-the-event", "Demo-passw0rd!"} {
		if strings.Contains(out, leak) {
			t.Errorf("stdout shows %q, which the policy keeps out:\n%s", leak, out)
		}
	}
}

func TestDemoTriggersMissingBootstrap(t *testing.T) {
	var stdout bytes.Buffer
	err := Triggers(context.Background(), TriggerOptions{TriggerBootstrap: t.TempDir() + "/none", Bootstrap: t.TempDir() + "/none", Logs: io.Discard}, &stdout)
	if err == nil || !strings.Contains(err.Error(), "make demo builds it") {
		t.Fatalf("Triggers: %v, want an error saying make demo builds it", err)
	}
}
