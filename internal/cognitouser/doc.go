// Package cognitouser converts the Cognito user-pools SDK's user records
// (types.UserType from ListUsers, the AdminGetUser answer) to events.User,
// the UserType shape of the sync's events and of data.user.
//
// It is one converter for two users that must not depend on each other:
// the user sync (internal/usersync), whose event ids and stored records are
// hashes of the converted user, and the forwarder's enrichment
// (internal/forwarder/enrich), which must not import the sync engine (that
// would link bbolt and DynamoDB into the forwarder's binary). It imports
// only the SDK's Cognito types and package events.
//
// The conversion keeps the difference between an absent list (nil) and an
// empty one: the sync's records have always kept it, and a change would
// change every user's hash and so send a spurious UserUpdated for each.
package cognitouser
