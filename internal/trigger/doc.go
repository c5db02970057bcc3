// Package trigger is the code of the Cognito trigger function
// (functions/trigger) and of the public wrapper (package trigger at the
// module's root): it turns one invocation of a Cognito user-pool Lambda
// trigger into one CloudEvent (events.BuildTrigger) and sends it to the
// sink the SINK_* variables name (package delivery), within a hard budget
// (TRIGGER_BUDGET, default 1 s), then hands the payload back unchanged.
//
// Nothing it does can fail or slow the user's sign-up, sign-in or token
// beyond the budget: a payload it cannot read, a sink that refuses, a sink
// that hangs, even a configuration it cannot use, is logged (one slog line
// per invocation, keys in log.go) and the payload returned as received.
// That is why, unlike the forwarder, the function does not fail its
// initialisation on a bad variable: an init failure would fail every
// sign-up of the pool. It logs the error at cold start and on every
// invocation instead (outcome "disabled").
//
// The send runs in its own goroutine under a context bounded by the
// budget; a sink that ignores its context is abandoned when the budget is
// spent (the goroutine ends when the sink returns).
//
// Config (config.go) documents every variable; Emitter (emitter.go) does
// the work; Handle is the function's handler.
package trigger
