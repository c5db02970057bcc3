// Package sink delivers events of package events to the places the
// forwarder can send them: a CloudEvents HTTP endpoint (binary or
// structured mode, with bearer, API key, basic, OAuth2 client credentials
// or SigV4 authentication), an EventBridge bus, an SQS queue and an SNS
// topic.
//
// A Sink's Send succeeds only when the sink acknowledged the event (a 2xx,
// PutEvents without failed entries, a MessageId). Its errors are classified
// with ErrPermanent (retrying cannot help) and RetryAfterError (the sink
// asked for a delay); every other error is transient. The forwarder's
// handler retries transient errors.
//
// Each kind is declared once, in a Spec beside its code (http_env.go and
// http_cdk.go, eventbridge.go, sqs.go, sns.go): its name, the variables
// the forwarder reads for it, their parsing and check, its constructor,
// its keys in cdk.json with their defaults, validation and mapping to the
// forwarder's environment, and the IAM statements its forwarder needs.
// The forwarder's configuration (Settings, read by ReadSettings), its
// wiring (New), the CDK app's configuration (Declaration, embedded in
// internal/config's Sink) and the CLI go through the registry (Specs,
// Lookup, OneOf). Adding a kind is adding its file and one line to the
// registry; registry_test.go fails until the Spec is complete and its
// variables are documented in docs/forwarder.md.
//
// The HTTP binding (ce- headers percent-encoded, or the event as
// application/cloudevents+json) is built here rather than on the
// CloudEvents SDK's binding and protocol/http packages, because linking
// them grows the forwarder's bootstrap by 1,114,112 bytes (1.06 MiB,
// +11.8%): 9,437,346 bytes without, 10,551,458 with them, measured on
// 2026-12-01 with Go 1.26 and sdk-go v2.16.2 by
//
//	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -tags lambda.norpc -trimpath -ldflags '-s -w' -o /tmp/fw ./functions/forwarder
//
// once as is and once with a file that calls protocol/http.WriteRequest
// on binding.ToMessage in both modes (a blank import of the two packages
// gives the same size). The local receiver, internal/cesink, uses the SDK.
package sink
