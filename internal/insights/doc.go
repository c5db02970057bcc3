// Package insights holds the CloudWatch Logs Insights queries the stack
// saves for every function's log group (SavedQueries, used by infra).
package insights
