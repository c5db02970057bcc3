// Package handler is the forwarder's Lambda handler, typed as aws-lambda-go's
// signatures: HandleEventBridge takes one EventBridge event (a direct
// route) and HandleSQS an SQS batch of them (a buffered route);
// HandleSQSCloudEvents takes an SQS batch of CloudEvents the trigger
// function queued and delivers each unchanged (cloudevents.go); the
// function's main starts the one its FORWARDER_INPUT names. Each record is
// normalised with package events, the event delivered through a sink with
// in-process retries, and one log line and one metrics document written
// per record. Failures are returned (or listed as batch item failures) so
// Lambda retries them; skipped records are acknowledged.
//
// Users: functions/forwarder (through internal/forwarder/app) and the
// cognito-events replay and backfill commands, which run the deployed
// function's code locally.
package handler
