// Package retry retries a delivery's transient failures in-process, with
// exponential backoff and jitter, honouring a sink's Retry-After and never
// running past the Lambda invocation's deadline. The forwarder's handler
// uses it around each Send.
package retry
