// Package pool resolves the user pool of an app client for records that
// name only a clientId: Chain tries resolvers in order (the static map of
// POOL_CLIENT_MAP first), Lookup lists the region's user pools and their
// clients through Cognito, caches the map and spends Cognito's request
// quota through a token bucket.
package pool
