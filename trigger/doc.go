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
// there and adds the event. For each invocation your handler runs first;
// then the event, which says what it answered (data.outcome accepted or
// rejected, data.error), is sent within TRIGGER_BUDGET (default 1 s) or
// the time left before the invocation's limit (the earlier of the Lambda
// deadline and 5 s after the call began, less 200 ms), whichever is less;
// then your response and error are returned as they are. Failures of ours
// (a sink down or slow, a bad configuration) are logged and counted in the
// TriggerEventsLost metric, and never returned.
// The function reads the variables of cognito-events' trigger function:
// SINK_*, RETRY_*, TRIGGER_BUDGET, TRIGGER_ATTRIBUTES_ALLOW or
// TRIGGER_ATTRIBUTES_DENY, TRIGGER_CLIENT_METADATA_ALLOW and Lambda's log
// variables (internal/trigger.Config documents each).
//
// It lives at the module's root, not under internal/, so that other
// modules can import it; it may import internal/ and events, and
// internal/archtest checks that nothing under internal/ imports it.
package trigger
