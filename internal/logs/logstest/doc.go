// Package logstest produces real log lines of the deployed functions for
// tests: it runs the forwarder's bootstrap (built from functions/forwarder)
// under the local Lambda Runtime API of internal/lambdaruntime and returns
// what the process wrote, one JSON line each, and puts lines into a
// CloudWatch Logs log group (moto's in tests). The logs package, the
// `cognito-events logs` command and the Logs Insights query tests use it.
package logstest
