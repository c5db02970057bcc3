// Package logs reads what the deployed functions wrote to CloudWatch Logs
// and turns it into one Entry per event: the forwarder's "event" line
// (outcome, attempts, latency, error), the trigger function's line, the user
// sync's per-user lines, each joined with the log sink's "cloudevent" line
// that carries the event itself. It is the work behind `cognito-events
// logs`; the command parses flags, calls Groups and Reader, and prints with
// Writer.
//
// Groups finds a route's log groups from its stack's outputs (the
// forwarder's, the user sync's and the trigger function's "log group of
// route NAME"). Reader pages through FilterLogEvents (NextToken until none)
// over one or more log groups; Follow polls it, because StartLiveTail is a
// streaming API that the emulators used in tests (moto) do not serve and a
// poll every few seconds is what a terminal reader needs. The filters
// (outcome, event name, subject) are applied here, on the decoded lines,
// not as CloudWatch filter patterns: a JSON filter pattern that dropped the
// log sink's "cloudevent" lines or the user sync's lines would lose events
// silently, and moto ignores JSON patterns, so no test could show such a
// pattern right. Every line of the window is therefore read.
//
// Lines that are not JSON (a function in Text log format, Lambda's plain
// platform lines) and JSON lines that name no event (START, REPORT, a
// summary) are skipped.
package logs
