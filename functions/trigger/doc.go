// Command trigger is the Lambda function (provided.al2023, bootstrap built
// by make build) that cognito-events attaches to a Cognito user pool's
// Lambda triggers: every invocation becomes one CloudEvent of type
// com.amazon.cognito-idp.sync_trigger, sent within TRIGGER_BUDGET to the
// sink SINK_* names (deployed: the trigger queue, which the forwarder
// delivers from with FORWARDER_INPUT=sqs-cloudevents), and the payload is
// returned exactly as received, so the function never changes a sign-up,
// a sign-in or a token.
//
// Its configuration is internal/trigger.Config; the code is
// internal/trigger. Unlike the forwarder it does not fail its
// initialisation on a bad variable (that would fail every sign-up): it
// logs the error and passes every payload through unchanged.
package main
