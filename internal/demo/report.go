package demo

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Report is what the whole demo did: the routes, then the user sync and
// the triggers steps, each run, left out (Skipped says why) or unable to
// run (Err).
type Report struct {
	Routes   Summary
	Sync     StepResult[SyncResult]
	Triggers StepResult[TriggerResult]
}

// StepResult is one optional step of the demo.
type StepResult[T any] struct {
	Ran     bool
	Skipped string // why the step was left out; "" when it ran or is off
	Err     error  // the step could not run
	Result  T
}

// OK reports whether every part that ran did what it should.
func (r Report) OK() bool {
	return r.Routes.OK() && r.Sync.Err == nil && r.Sync.Result.OK() && r.Triggers.Err == nil && (!r.Triggers.Ran || r.Triggers.Result.Problem() == "")
}

// Run runs the whole demo, as "cognito-events demo" (and so "make demo")
// does: the routes, then the user sync (opts.Sync) and the triggers
// (opts.Triggers) steps, then one summary of all of them, which ends the
// output. Every step runs even when an earlier one failed. An error means
// the demo could not run at all (the routes part could not start) or was
// interrupted; the report says how each part fared.
func Run(ctx context.Context, opts Options, stdout io.Writer) (Report, error) {
	var rep Report
	s, err := Routes(ctx, opts, stdout)
	rep.Routes = s
	if err != nil {
		return rep, err
	}
	if opts.Sync == Auto {
		rep.Sync.Result, rep.Sync.Err = Sync(ctx, stdout)
		rep.Sync.Ran = rep.Sync.Result.Ran
		if !rep.Sync.Ran && rep.Sync.Err == nil {
			rep.Sync.Skipped = "moto_server is not on PATH"
		}
		if err := ctx.Err(); err != nil {
			return rep, fmt.Errorf("demo interrupted: %w", err)
		}
	}
	if opts.Triggers == Auto {
		rep.Triggers = runTriggerStep(ctx, opts, stdout)
		if err := ctx.Err(); err != nil {
			return rep, fmt.Errorf("demo interrupted: %w", err)
		}
	}
	WriteSummary(stdout, rep)
	return rep, nil
}

// runTriggerStep runs the triggers step when cognito-local, node and the
// trigger bootstrap are there, and otherwise says which is missing.
func runTriggerStep(ctx context.Context, opts Options, stdout io.Writer) StepResult[TriggerResult] {
	var st StepResult[TriggerResult]
	if why := triggersMissing(opts); why != "" {
		fmt.Fprintf(stdout, "\n== triggers: a sign-up on cognito-local through the trigger and forwarder bootstraps\n   skipped: %s\n", why)
		st.Skipped = why
		return st
	}
	logs := opts.Logs
	var tail *TailBuffer
	if logs == nil {
		tail = NewTailBuffer(16 << 10)
		logs = tail
	}
	st.Ran = true
	st.Result, st.Err = RunTriggers(ctx, TriggerOptions{TriggerBootstrap: opts.TriggerBootstrap, Bootstrap: opts.Bootstrap, CognitoLocal: opts.CognitoLocal, Logs: logs}, stdout)
	if tail != nil && (st.Err != nil || st.Result.Problem() != "") {
		fmt.Fprintf(stdout, "   the functions' and cognito-local's last log lines:\n%s", Indent(tail.String(), "   | "))
	}
	return st
}

// triggersMissing says what the triggers step lacks, or "".
func triggersMissing(opts Options) string {
	if _, err := os.Stat(filepath.Join(opts.CognitoLocal, "lib", "bin", "start.js")); err != nil {
		return opts.CognitoLocal + " is missing (make emulators installs it)"
	}
	if _, err := exec.LookPath("node"); err != nil {
		return "node is not on PATH (cognito-local runs on Node.js)"
	}
	if _, err := os.Stat(opts.TriggerBootstrap); err != nil {
		return "the trigger bootstrap " + opts.TriggerBootstrap + " is missing (make demo builds it)"
	}
	return ""
}

// WriteSummary writes the one summary of every part of the demo: a table
// per route, a line per user-sync pass, the triggers' counts, and the
// verdict.
func WriteSummary(w io.Writer, r Report) {
	fmt.Fprintf(w, "\n== Summary of the demo\n\nRoutes (%d events replayed):\n", r.Routes.Events)
	writeRouteTable(w, r.Routes)

	fmt.Fprint(w, "\nUser sync (3 passes against moto_server):\n")
	switch {
	case r.Sync.Err != nil:
		fmt.Fprintf(w, "   could not run: %v\n", r.Sync.Err)
	case r.Sync.Ran:
		writeSyncTable(w, r.Sync.Result)
	case r.Sync.Skipped != "":
		fmt.Fprintf(w, "   skipped: %s\n", r.Sync.Skipped)
	default:
		fmt.Fprintln(w, "   off (--sync off)")
	}

	fmt.Fprint(w, "\nTriggers (a sign-up on cognito-local):\n")
	switch {
	case r.Triggers.Err != nil:
		fmt.Fprintf(w, "   could not run: %v\n", r.Triggers.Err)
	case r.Triggers.Ran:
		writeTriggerLines(w, r.Triggers.Result)
		if p := r.Triggers.Result.Problem(); p != "" {
			fmt.Fprintf(w, "   %s\n", p)
		}
	case r.Triggers.Skipped != "":
		fmt.Fprintf(w, "   skipped: %s\n", r.Triggers.Skipped)
	default:
		fmt.Fprintln(w, "   off (--triggers off)")
	}

	fmt.Fprintf(w, "\n%s\n", r.verdict())
}

// verdict is the summary's last line.
func (r Report) verdict() string {
	var bad, skipped []string
	if !r.Routes.OK() {
		bad = append(bad, "routes")
	}
	if r.Sync.Err != nil || !r.Sync.Result.OK() {
		bad = append(bad, "user sync")
	}
	if r.Triggers.Err != nil || (r.Triggers.Ran && r.Triggers.Result.Problem() != "") {
		bad = append(bad, "triggers")
	}
	if r.Sync.Skipped != "" {
		skipped = append(skipped, "user sync")
	}
	if r.Triggers.Skipped != "" {
		skipped = append(skipped, "triggers")
	}
	v := "Result: every part that ran delivered what it should"
	if len(bad) > 0 {
		v = "Result: FAILED: " + strings.Join(bad, ", ") + " (see above)"
	}
	if len(skipped) > 0 {
		v += "; skipped: " + strings.Join(skipped, ", ")
	}
	return v + "."
}
