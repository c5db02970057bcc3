// Command infra is the cognito-events CDK app: `cdk synth` / `cdk deploy`
// run it (see cdk.json). It reads the configuration from the context key
// "cognito-events" (package internal/config), and adds one stack per
// configured region, named config.StackName(region) (stack.go: the
// CloudTrail trail and the alarm topic), and in it one Route construct per
// route (route.go: an EventBridge rule with the pattern generated from the
// operation catalogue, an archive, the forwarder function with code from
// RouteProps.CodeDir, default build/forwarder made by `make build`, its
// dead-letter, failure or buffer queues, and alarms; a buffered route's
// function gets FORWARDER_INPUT=sqs). A route with triggers is a
// TriggerRoute instead (triggers.go: the trigger function from
// build/trigger with Cognito's invoke permission scoped to the pool, the
// trigger queue and its dead-letter queue, the forwarder reading it with
// FORWARDER_INPUT=sqs-cloudevents, alarms; userpool.go: the created pool,
// its app client and LambdaConfig). resources.go holds the queue, log
// retention and naming helpers. cdk-nag's AWS Solutions checks run on every
// stack. docs/deploy.md is the guide.
package main
