// Command forwarder is the Lambda function of cognito-events (runtime
// provided.al2023, arm64, built into build/forwarder/bootstrap by make build).
//
// It receives the EventBridge event of one Cognito user-pool call, or, on a
// buffered route, an SQS batch of them: FORWARDER_INPUT (eventbridge, the
// default, or sqs; the stack sets it) says which typed handler it starts.
// It normalises each event with package events and delivers the CloudEvent
// to the one sink its environment names: a CloudEvents HTTP endpoint, an
// EventBridge bus, an SQS queue or an SNS topic. main only reads the
// configuration (internal/forwarder/config), wires the pieces
// (internal/forwarder/app) and starts the Lambda runtime loop with the
// shared cold-start helpers (internal/lambdafn); a bad configuration is
// reported to the Runtime API as an init error naming the variable.
//
// docs/forwarder.md documents every variable, the delivery semantics, the
// log line and the metrics.
package main
