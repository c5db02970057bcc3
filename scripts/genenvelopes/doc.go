// Command genenvelopes writes JSON lines of held-out-shaped EventBridge
// envelopes for scripts/bench-cli.sh: it cycles through the fixtures of
// testdata/envelopes/*.json, compacted, and gives every line its own eventID,
// requestID, event id, eventTime and user names, so that no two lines are
// the same. It is a benchmark input generator, not part of the product.
//
// Usage: go run ./scripts/genenvelopes -n 50000 [-fixtures testdata/envelopes] > FILE
package main
