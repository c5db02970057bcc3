// Package events is the contract of cognito-events: it turns one CloudTrail
// record of an Amazon Cognito user pool into one CloudEvent of type
// com.amazon.cognito-idp.sync_trigger.
//
// It holds three things, each in its own file:
//
//   - the wire models (models.go): the EventBridge envelope and the CloudTrail
//     record, typed, tolerant of the irregularities of real records;
//   - the catalogue (catalogue.go): every cognito-idp API action and hosted-UI
//     endpoint event, with the resource kind it touches, whether it only reads,
//     and the selection presets it belongs to. It is the single source of
//     truth for the normaliser here and for the EventBridge rule patterns the
//     CDK app in infra/ generates;
//   - the normaliser (normalize.go): a pure function from record bytes to an
//     Event. It reads no clock, makes no random id and does no I/O, apart from
//     what a caller-supplied PoolResolver chooses to do.
//
// Beside them: Wrap (envelope.go) builds the EventBridge envelope of a bare
// CloudTrail record, as the default bus would; the normaliser's helpers are
// split by concern: decoding (scan.go, decode.go), redaction (redact.go),
// identifiers found on the way (hints.go), ARN, region and time checks
// (arn.go), and the data document (datajson.go, jsonwrite.go).
//
// Events from Cognito's Lambda triggers: BuildTrigger (trigger.go) makes
// one from a trigger payload, with its own data schema
// (schema/trigger.v1.json); ParseStructured (structured.go) reads an event
// back from its structured-mode JSON, so the forwarder delivers an event the
// trigger function queued unchanged.
//
// # Why a hand-written scanner
//
// The normaliser does not use encoding/json to read its input. Its own
// scanner (scan.go, decode.go) reads an envelope or a bare record in a single
// pass, redacting the open-ended parts and collecting the identifiers they
// name as it copies them, and takes strings as views of the input (copied
// once, at the end), falling back to encoding/json only to unescape a string
// that needs it. The typed models in models.go stay the documentation of the
// wire format and are what the tests decode with encoding/json to check the
// scanner (TestDecodeMatchesEncodingJSON).
//
// The choice is measured. BenchmarkEncodingJSONTyped does the same work with
// encoding/json: it decodes into Envelope and Record, decodes each open-ended
// part into any to redact it and find its identifiers by the same rules,
// marshals it again, and runs the rest of the normaliser's code; before
// timing, it checks that its events equal Normalize's for every fixture. On
// the typical records (1.5 to 4 KB), on the shared 2-core machine,
//
//	go test -run '^$' -bench 'Typical|EncodingJSONTyped|FloorJSONValid|NaiveMapAndSDK' -benchmem -count 3 ./events
//
// gave, per record (ranges over the three counts):
//
//	BenchmarkTypical (this package)       11.6–16.7 µs    9 allocs   6.6 KB
//	BenchmarkEncodingJSONTyped            98–105 µs     131 allocs  13.0 KB
//	BenchmarkNaiveMapAndSDK               75–95 µs      268 allocs  19.8 KB
//	BenchmarkFloorJSONValid (json.Valid)  9.2–9.7 µs      0 allocs
//
// so encoding/json with the typed models takes about 7 times as long
// (median against median; 6 to 9 times pairing the extremes) and about 15
// times as many allocations, and the scanner costs little more than
// validating the input. Timings on that machine move with its load; the
// allocation counts do not. Decoding into the typed models alone, without
// redaction, is 48 allocations per record
// (BenchmarkEncodingJSONTypedDecodeOnly), the figure the issue measured;
// redacting through any accounts for the rest. The cost of the choice is
// code to keep: the scanner is fuzzed (FuzzNormalize) and held to
// encoding/json on every fixture.
//
// The forwarder Lambda (functions/forwarder), the CDK app (infra) and the
// cognito-events command all use this package. The event contract it
// implements is documented in docs/events.md.
package events
