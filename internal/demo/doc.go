// Package demo runs the local demo behind "cognito-events demo" and
// "cognito-events demo-triggers" (and so "make demo"), with no AWS account.
//
// Run replays fixtures through the rules of the synthesized templates (read
// by internal/routes, matched by internal/pattern) into the real forwarder
// bootstrap under the local Lambda Runtime API (internal/lambdaruntime) and a
// local CloudEvents sink (internal/cesink), and counts what each route
// delivered, skipped and failed. Sync runs the user-sync engine
// (internal/usersync) three times against a pool on moto_server
// (internal/emulator/motoserver). Triggers runs a sign-up on cognito-local
// through the real trigger and forwarder bootstraps.
//
// Files: demo.go (the run over the routes and its summary), route.go (the
// routes and each forwarder's environment), run.go (starting a forwarder and
// invoking it, once per event or with SQS batches), fixtures.go (the events
// replayed, output helpers), sync.go and sync_pool.go (the user-sync step),
// trigger.go and trigger_local.go (the triggers step and cognito-local).
//
// The command (cmd/cognito-events) parses the flags, calls this package and
// turns its result into the exit status; internal/archtest keeps
// orchestration (emulators, the Runtime API, child processes) out of it.
package demo
