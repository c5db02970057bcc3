// Command cognito-events is the project's command-line tool.
//
//	cognito-events normalize [--client-pool CLIENT=POOL]... [FILE...]
//
// normalize reads EventBridge envelopes or bare CloudTrail records (a JSON
// object, a JSON array of them, or JSON lines; standard input when no file is
// named) and writes one CloudEvent per record in structured mode
// (application/cloudevents+json), one JSON object per line, to standard
// output. Records that are not Cognito user-pool records are reported on
// standard error and skipped. It exits 0 when every record was normalised or
// skipped, 1 when any input was malformed (after processing the rest), and 2
// on a usage error.
package main
