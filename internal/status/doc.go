// Package status reads, for "cognito-events status", how each deployed
// route of a stack is doing: its rules' state (EventBridge DescribeRule),
// deliveries and failures in the last 24 hours (the forwarder's EMF metrics
// in CloudWatch, dimension FunctionName), the messages in each dead-letter
// queue (SQS), the stack's alarms in state ALARM that watch the route's
// resources (CloudWatch DescribeAlarms), the user sync's last pass and lease
// (its DynamoDB state table) and which pool's triggers call the route's
// trigger function (Cognito DescribeUserPool).
//
// The route's resources come from the stack's outputs (CloudFormation
// DescribeStacks), whose descriptions the CDK app writes as "WHAT of route
// NAME" (infra/route.go, sync.go, triggers.go). Everything is read-only.
// Tested against moto_server, which serves every one of these calls.
package status
