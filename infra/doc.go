// Command infra is the cognito-events CDK app: `cdk synth` / `cdk deploy`
// run it (see cdk.json). It reads the configuration from the context key
// "cognito-events" (package internal/config), and adds one stack per
// configured region with the CloudTrail trail, and per route an EventBridge
// rule with the pattern generated from the operation catalogue, an archive,
// the forwarder function (code from build/forwarder, made by `make build`),
// its dead-letter, failure and optional buffer queues, and alarms. cdk-nag's
// AWS Solutions checks run on every stack. docs/deploy.md is the guide.
package main
