// Package lambdatest builds Lambda bootstrap binaries for tests: Build
// compiles a main package as make build does (-tags lambda.norpc,
// CGO_ENABLED=0, -ldflags "-s -w"), for the host, once per package folder
// per test binary, into a temporary folder that Main removes when the tests
// end. The bootstrap then runs under package lambdaruntime's local Runtime
// API.
//
// Users: the forwarder's bootstrap tests (functions/forwarder), the
// cognito-events demo tests (cmd/cognito-events) and lambdaruntime's own
// tests. Only tests import it.
package lambdatest
