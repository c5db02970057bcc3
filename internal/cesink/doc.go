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
package cesink
