// Package cesink is a local CloudEvents receiver: an http.Handler that
// accepts events in the CloudEvents HTTP protocol binding's binary and
// structured content modes, keeps them, pretty-prints them and records
// them as JSON lines.
//
// The cognito-events CLI's sink command serves it, the local demo points
// the real forwarder at it, and tests use it as the far end of the
// forwarder's HTTP sink. It answers every well-formed event with a fixed
// status (202 by default) and every malformed request with 400 and the
// reason.
//
// It reads requests with the CloudEvents SDK (github.com/cloudevents/sdk-go/v2:
// the binding/format lookup, protocol/http's message and binding.ToEvent,
// as protocol/http.NewEventFromHTTPRequest does), since binary size does
// not matter for local tooling. Parse adds what the SDK leaves out: it
// percent-decodes ce- header values and finds them whatever the case of
// their names, accepts specversion 1.0 only, refuses batched mode (one event
// per request), validates every event, and names the header at fault the
// same way every run.
package cesink
