// Package moto starts moto's server (moto_server, a Python emulator of AWS
// services: Cognito user pools, DynamoDB, SQS, SNS, EventBridge, SSM,
// Secrets Manager) on a free loopback port, once per test binary, for tests
// that talk to AWS through the real SDK.
//
// Shared starts it on first use and Main (or StopShared, for a TestMain
// with more to clean up) stops it when the tests end (the
// process is also killed with the test binary, by the parent-death
// signal). When moto_server is not on PATH a test that needs it is skipped
// with a message saying how to install it (pip install "moto[server]"),
// except under CI=true, where it fails.
//
// moto's quirks (docs in ENVIRONMENT.md): about 0.1% of SDK calls fail
// once client-side ("use of closed network connection"), so seed
// idempotently (Seed helpers tolerate "already exists"); AdminDisableUser
// leaves UserLastModifiedDate unchanged; a ListUsers pagination token
// breaks when the next page's first user was deleted; it never throttles.
//
// Used by the tests of internal/usersync, internal/sink (the SQS, SNS and
// EventBridge sinks), internal/forwarder/enrich, functions/sync (the real
// bootstrap) and cmd/cognito-events (sync, attach-triggers, the demo's sync
// step). Programs use package motoserver instead.
package moto
