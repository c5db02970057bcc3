// Package trigger wraps a Cognito user-pool Lambda trigger handler you
// already have, so that the function also emits the CloudEvent of each
// invocation, as cognito-events' own trigger function does (type
// com.amazon.cognito-idp.sync_trigger, data per events/schema/trigger.v1.json):
//
//	func main() {
//		lambda.Start(trigger.Wrap(handlePostConfirmation))
//	}
//
// Cognito lets one function sit on each trigger; wrapping yours keeps it
// there and adds the event. For each invocation the event is made and sent
// first, within TRIGGER_BUDGET (default 1 s), then your handler runs and
// its response and error are returned as they are. Failures of ours (a
// sink down or slow, a bad configuration) are logged and never returned.
// The function reads the variables of cognito-events' trigger function:
// SINK_*, RETRY_*, TRIGGER_BUDGET, TRIGGER_ATTRIBUTES_ALLOW or
// TRIGGER_ATTRIBUTES_DENY, TRIGGER_CLIENT_METADATA_ALLOW and Lambda's log
// variables (internal/trigger.Config documents each).
//
// It lives at the module's root, not under internal/, so that other
// modules can import it; it may import internal/ and events, and
// internal/archtest checks that nothing under internal/ imports it.
package trigger
