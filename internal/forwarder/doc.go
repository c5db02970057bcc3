// Package forwarder groups the parts of the forwarder Lambda
// (functions/forwarder) that other programs of this module reuse: the
// configuration (config), the wiring (app), the handler, the pool lookup,
// retries, secrets and metrics. The cognito-events command replays and
// backfills through the same code, and the CDK app checks the environment it
// generates with config.Load. Being internal, none of it is a public API.
package forwarder
