// Package emf writes the forwarder's CloudWatch metrics in the Embedded
// Metric Format: one JSON document per event on stdout, which Lambda's log
// pipeline turns into the metrics Delivered, Failed, Skipped, Retries and
// DeliveryLatency in namespace cognito-events, with the dimensions SinkKind
// and Outcome.
package emf
