// Package sink delivers events of package events to the places the
// forwarder can send them: a CloudEvents HTTP endpoint (binary or
// structured mode, with bearer, API key, basic, OAuth2 client credentials
// or SigV4 authentication), an EventBridge bus, an SQS queue and an SNS
// topic.
//
// A Sink's Send succeeds only when the sink acknowledged the event (a 2xx,
// PutEvents without failed entries, a MessageId). Its errors are classified
// with ErrPermanent (retrying cannot help) and RetryAfterError (the sink
// asked for a delay); every other error is transient. The forwarder's
// handler retries transient errors. The HTTP binding is built here, without
// the CloudEvents SDK client, to keep the Lambda binary small.
package sink
