// Package lambdatest builds Lambda bootstrap binaries for tests and
// collects what they write: Build
// compiles a main package as make build does (-tags lambda.norpc,
// CGO_ENABLED=0, -ldflags "-s -w"), for the host, once per package folder
// per test binary, into a temporary folder that Main removes when the tests
// end. The bootstrap then runs under package lambdaruntime's local Runtime
// API, and Output collects its stderr or a logger's lines for a test to
// await while the process goes on writing.
//
// Users: the bootstrap tests of functions/forwarder, functions/trigger and
// functions/sync, internal/trigger's tests, the
// cognito-events demo tests (cmd/cognito-events) and lambdaruntime's own
// tests. Only tests import it.
package lambdatest
