// Package delivery sends events of package events to the sink a function's
// environment names, with the in-process retries every cognito-events
// function shares: it reads the SINK_* variables (through package sink's
// registry) and RETRY_BASE_DELAY / RETRY_MAX_ATTEMPTS, builds the sink with
// its credential read once (package secret), and retries transient failures
// within the invocation's time (package retry). A send succeeds only when
// the sink acknowledged the event.
//
// The forwarder (internal/forwarder/app) wires its handler with it; the
// user sync and the trigger function send through a Sender.
package delivery
