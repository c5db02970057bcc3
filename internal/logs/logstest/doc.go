// Package logstest produces real log lines of the deployed functions for
// tests: it runs the forwarder's, the trigger function's and the user
// sync's bootstraps (built from functions/<fn>) under the local Lambda
// Runtime API of internal/lambdaruntime, the sync against moto's Cognito
// and DynamoDB, each once with the log sink and once with a sink that
// refuses, and returns what the process wrote, one JSON line each; Put
// writes lines into a CloudWatch Logs log group (moto's in tests). The
// logs package, the `cognito-events logs` command and the Logs Insights
// query tests of internal/insights use it.
package logstest
