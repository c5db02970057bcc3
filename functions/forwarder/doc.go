// Command forwarder is the Lambda function of cognito-events (runtime
// provided.al2023, arm64, built into build/forwarder/bootstrap by make build).
//
// It receives the EventBridge event of one Cognito user-pool call, or an SQS
// batch of them in buffered mode, normalises each with package events and
// delivers the CloudEvent to the one sink its environment names: a
// CloudEvents HTTP endpoint, an EventBridge bus, an SQS queue or an SNS
// topic. main only reads the configuration (internal/config), wires the
// pieces (internal/app) and starts the Lambda runtime loop; a bad
// configuration is reported to the Runtime API as an init error naming the
// variable.
//
// docs/forwarder.md documents every variable, the delivery semantics, the
// log line and the metrics.
package main
