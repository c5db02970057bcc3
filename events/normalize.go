package events

import "context"

// Normalizer turns CloudTrail records into Events. Its zero value is ready to
// use and resolves no client ids. A Normalizer is safe for concurrent use when
// its Resolver is.
type Normalizer struct {
	// Resolver finds the pool of records that name only a clientId; nil
	// means none is consulted.
	Resolver PoolResolver
}

// Normalize turns one input, an EventBridge envelope of a CloudTrail record or
// a bare CloudTrail record, into an Event, with a zero Normalizer.
func Normalize(input []byte) (*Event, error) {
	var n Normalizer
	return n.Normalize(context.Background(), input)
}

// Normalize turns one input, an EventBridge envelope of a CloudTrail record or
// a bare CloudTrail record, into an Event. Errors wrap ErrNotJSON,
// ErrNotCloudTrail, ErrSkip or ErrMissingField, or are the resolver's. The
// Event does not alias input.
func (n *Normalizer) Normalize(ctx context.Context, input []byte) (*Event, error) {
	panic("TODO")
}
