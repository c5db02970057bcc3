// Package config is the configuration of the cognito-events CDK app: the
// typed form of the "cognito-events" key of cdk.json's context, its
// defaults and validation, and what each route implies:
//
//   - the EventBridge event pattern of the route's rule (Pattern), generated
//     from the operation catalogue of package events;
//   - the forwarder function's environment (Route.Environment), exactly the
//     variables functions/forwarder reads;
//   - the IAM statements the forwarder needs to reach the route's sink and
//     secret (Route.Statements), and nothing more;
//   - for a triggers route (triggers.go: no rule, events from the user
//     pool's Lambda triggers), the trigger function's environment
//     (Route.TriggerEnvironment), checked at validation with the function's
//     own parser (internal/trigger.Load).
//
// A route's sink is package sink's Declaration: each sink kind declares
// its keys, their defaults and validation, their environment and its IAM
// statements in package sink's registry.
//
// It is pure Go and imports no CDK or jsii package, so the CDK app (infra)
// and the cognito-events command can both use it. docs/deploy.md documents
// every key.
package config
