// Package routes loads the project's routes as EventBridge sees them: each
// route's rule (name, region, state and compiled event pattern) and, from a
// synthesized template, the function the rule's target runs.
//
// The routes come from one of two sources:
//
//   - the configuration, cdk.json's context key "cognito-events"
//     (FromConfig, and Load for one route in one region): the pattern and
//     rule state internal/config generates, which the CDK app writes into
//     the template verbatim, with the route's configuration;
//   - synthesized CloudFormation templates (FromTemplate, FromTemplates for
//     a cdk.out directory): every AWS::Events::Rule with an EventPattern,
//     and its Target: the Lambda function it invokes, directly or, for a
//     buffered route, through an SQS queue and the event source mapping
//     that reads it, with the function's Environment.Variables.
//
// A route has several rules when internal/config split its pattern to stay
// within EventBridge's size limit (Route.Rules; in a template the CDK
// paths <stack>/<route>/Rule, Rule2, ...): they share a state and a
// target, no record matches two of them, and the route matches when one
// does.
//
// Route.Match decides as EventBridge does: a rule in state ENABLED never
// receives read-only management events delivered via CloudTrail, whatever
// its pattern; any other event must match the pattern (package
// internal/pattern, which says why it does not).
//
// Stacks are named by internal/config.StackName (cognito-events-REGION),
// which gives a rule its region when its CDK path or its template's file
// name carries it.
//
// The cognito-events commands patterns, match, replay and backfill, and the
// local demo, use it.
package routes
