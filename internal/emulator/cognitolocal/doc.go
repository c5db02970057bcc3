// Package cognitolocal runs cognito-local (npm cognito-local, pinned in
// package.json), a Cognito user-pool emulator that calls Lambda triggers
// through the Invoke API, for tests: Start writes its .cognito/config.json
// in a temporary folder (Lambda endpoint, trigger functions, plain user
// names), starts it on a free loopback port with fixed confirmation codes
// (CODE), waits for /health and stops it at the test's cleanup; Client is a
// Cognito client of the AWS SDK pointed at it.
//
// Tests that need it skip, with a message saying how to install it (make
// emulators), when node or tools/emulators/node_modules/cognito-local is
// missing, except under CI=true, where they fail. The trigger function's tests (functions/trigger) use it;
// internal/emulator/moto, beside it, runs moto.
package cognitolocal
