// Package trigger is the code of the Cognito trigger function
// (functions/trigger) and of the public wrapper (package trigger at the
// module's root): it runs the invocation's handler (the pass-through, or
// the user's wrapped one), then turns the invocation into one CloudEvent
// (events.BuildTrigger: id the Lambda request id, data.outcome what the
// handler answered) and sends it to the sink the SINK_* variables name
// (package delivery), then hands the handler's answer back unchanged.
//
// The whole invocation answers before its limit, the earlier of the Lambda
// deadline and Cognito's 5 s after the call began, less Margin: the send
// gets TRIGGER_BUDGET (default 1 s) or what is left, whichever is less.
// Nothing of ours can fail the user's sign-up, sign-in or token: a payload
// it cannot read, a sink that refuses, a sink that hangs, even a
// configuration it cannot use, is logged (one slog line per invocation,
// keys in log.go) and counted (one EMF document per lost event, metric.go).
// That is why, unlike the forwarder, the function does not fail its
// initialisation on a bad variable: an init failure would fail every
// sign-up of the pool. It logs the error at cold start and on every
// invocation instead (outcome "disabled").
//
// The send runs in its own goroutine under a context bounded by its
// budget; a sink that ignores its context is abandoned when the budget is
// spent (the goroutine ends when the sink returns).
//
// Config (config.go) documents every variable; Emitter (emitter.go) does
// the work; Handle is the function's handler, Invoke the wrapper's.
package trigger
