// Command naive-normalize is a baseline for scripts/bench-cli.sh only, not
// part of the product: the obvious way to turn JSON lines of EventBridge
// envelopes into CloudEvents, which cognito-events normalize is measured
// against. It reads lines, decodes each into map[string]any, builds a
// CloudEvent with the CloudEvents SDK (id, source, type, time, subject,
// the detail as data) and writes it as JSON, one per line. It does no
// redaction, classification or validation beyond that.
package main
