// Package testdata holds the fixture corpus of cognito-events: realistic
// CloudTrail records of Amazon Cognito user pools, as EventBridge delivers
// them (envelopes/) and as CloudTrail's LookupEvents API and S3 logs give them
// (records/, aws-docs/), records that must be skipped (envelopes/negative-*),
// and inputs that must be rejected (malformed/). README.md describes every
// file and the conventions (naming, canaries).
//
// The package has no code of its own: its tests check that the corpus meets
// its specification. corpus_test.go loads it; fixtures_test.go checks each
// file (valid JSON, envelope shape, unique event ids, canaries only inside
// string values, pool ids that match their region); coverage_test.go checks
// that every case the specification asks for is shown; readme_test.go checks
// that the READMEs list every fixture and each malformed input's error.
// The go command skips directories named testdata in ./... patterns, so run
// these tests by naming the package: go test ./testdata.
//
// The events package (golden, redaction and fuzz tests), the forwarder Lambda
// and the cognito-events command read these files in their tests.
package testdata
