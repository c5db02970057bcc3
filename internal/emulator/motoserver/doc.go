// Package motoserver starts and stops moto's server (moto_server, a Python
// emulator of AWS services, Cognito user pools among them) on a free
// loopback port, for programs rather than tests: it takes no testing.TB,
// reports a missing moto_server as ErrNotInstalled (with Install, how to
// get it), and stops the server and anything it started on every path.
//
// The server runs in a process group of its own, so that a terminal's
// Ctrl-C reaches only the program, which stops it in order (SIGTERM, then
// SIGKILL after StopGrace); on Linux the kernel also kills it if the
// program dies first.
//
// Used by cognito-events demo (its user-sync step). Tests use
// internal/emulator/moto, which shares one server per test binary and
// skips or fails when moto_server is missing.
package motoserver
