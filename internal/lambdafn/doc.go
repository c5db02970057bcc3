// Package lambdafn holds what every Lambda function of cognito-events
// shares at cold start, whatever its trigger: the AWS SDK configuration
// built from the variables Lambda sets (AWSConfig, Endpoint), the slog
// logger Lambda's log settings ask for (Logger, ParseLogFormat,
// ParseLogLevel), and the report of a failed initialisation to the Runtime
// API (ReportInitError, Fail), which aws-lambda-go does not make.
//
// Each functions/<fn>/main.go reads its configuration, builds its logger
// and its dependencies with this package, and fails fast through Fail with
// an error naming the variable at fault. It imports no other package of
// this module.
package lambdafn
