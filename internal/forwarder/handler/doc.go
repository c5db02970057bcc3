// Package handler is the forwarder's Lambda handler: it takes an EventBridge
// event or an SQS batch, normalises each record with package events,
// delivers the event through a sink with in-process retries, and writes one
// log line and one metrics document per record. Failures are returned (or
// listed as batch item failures) so Lambda retries them; skipped records are
// acknowledged.
package handler
