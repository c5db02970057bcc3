// Package fakecognito is a loopback Amazon Cognito user pool for
// benchmarks and fault tests: an HTTP server speaking the AWS JSON 1.1
// protocol (X-Amz-Target AWSCognitoIdentityProviderService.<Op>) for
// ListUsers (Limit up to 60, PaginationToken), AdminGetUser and
// DescribeUserPool, so the real SDK client reaches it through
// AWS_ENDPOINT_URL or a BaseEndpoint.
//
// Its users are synthetic and deterministic: user i (username
// user%08d, sub, e-mail, fixed dates) is computed from i, so a pool of a
// million users holds nothing in memory. SetUsers shrinks or grows the
// pool between passes (users at or past n are deleted).
//
// Options.Ceiling makes it throttle like Cognito: a token bucket of
// Ceiling requests a second (burst Options.Burst, by default one second's worth); a request
// over it gets HTTP 400 TooManyRequestsException. Options.Fault answers
// chosen requests with any status and error code (429, 5xx, ...).
// Counts reports requests admitted, throttled and faulted, and the
// admitted requests of each second since the first one.
//
// moto (package moto) is the emulator for behaviour; this one is for
// scale and faults, which moto lacks (it holds every user in Python and
// never throttles). Used by the benchmarks and throttling tests of
// internal/usersync.
package fakecognito
