// Package redrive puts a deployed route's dead letters back to be
// delivered again, for "cognito-events redrive".
//
// The route's queues come from its stack's outputs (internal/status.Resolve):
// its dead-letter queue and, for a direct route, its on-failure destination.
// A queue that is another queue's dead-letter queue (SQS
// ListDeadLetterSourceQueues names its source: the buffer queue of a
// buffered route, the trigger queue of a triggers route) is moved back to
// that source, message by message: receive, send to the source with the
// same body and message attributes, then delete. SQS's StartMessageMoveTask
// is not used: it runs asynchronously, reports no per-message outcome, and
// moto_server (which the tests use) answers it with HTTP 500. A queue
// EventBridge or Lambda filled (a direct route's) holds the original events
// (EventBridge puts the event itself; a Lambda on-failure destination wraps
// it in requestPayload): each is re-sent through the route's function with
// a synchronous Lambda Invoke, and deleted only when the function succeeded.
//
// Every moved event keeps its id: the body is sent unchanged, and the
// forwarder derives the CloudEvent id from the record it carries. DryRun
// lists what would move and changes nothing (each message received is made
// visible again at once).
package redrive
