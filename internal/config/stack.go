package config

// StackPrefix starts the name of each region's stack: the CDK app deploys
// one stack per region, named StackName(region).
const StackPrefix = "cognito-events-"

// StackName is the id (and CloudFormation name) of a region's stack, and
// of its template in cdk.out (StackName(region) + ".template.json").
func StackName(region string) string { return StackPrefix + region }
