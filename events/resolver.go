package events

import (
	"context"
	"errors"
)

// ErrPoolNotFound is returned by a PoolResolver that does not know the
// client. The normaliser then falls back to a pool-less source.
var ErrPoolNotFound = errors.New("user pool not found for client")

// PoolResolver finds the user pool of an app client, for records that name
// only a clientId (InitiateAuth, SignUp, RespondToAuthChallenge, Token_POST,
// …). The normaliser consults it only for such records.
type PoolResolver interface {
	// ResolveUserPool returns the id of the user pool in region that holds
	// clientID, ErrPoolNotFound when there is none, or another error when it
	// could not tell (the caller should retry later).
	ResolveUserPool(ctx context.Context, region, clientID string) (string, error)
}

// StaticPoolResolver maps app client ids to user pool ids. Its zero value
// resolves nothing.
type StaticPoolResolver map[string]string

var _ PoolResolver = StaticPoolResolver(nil)

// ResolveUserPool looks clientID up in the map; region is not consulted,
// because client ids are unique across regions.
func (m StaticPoolResolver) ResolveUserPool(_ context.Context, _ string, clientID string) (string, error) {
	if pool, ok := m[clientID]; ok {
		return pool, nil
	}
	return "", ErrPoolNotFound
}

func isNotFound(err error) bool { return errors.Is(err, ErrPoolNotFound) }
