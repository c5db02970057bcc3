// Package enrich adds the user's current record to the forwarder's events:
// with ENRICH_USER=true, an event about one user whose sub is known (a
// CloudTrail record whose additionalEventData.sub or responseElements.userSub
// names it) gets data.user, the record in the UserType shape of the user
// sync (events.User, attributes filtered by the route's policy), and
// data.userLookup, the lookup's status: found, notFound (the user no longer
// exists) or failed with the reason.
//
// The normaliser stays pure; the forwarder's handler calls Users.Enrich
// after normalising. A lookup never blocks or fails a delivery: it has its
// own request budget (a token bucket, ENRICH_USER_RATE per second per
// function instance) and a deadline (Timeout), and when either runs out,
// or Cognito refuses, the event goes out without data.user, with the
// reason. Answers are cached for TTL, so a burst of calls about one user
// costs one request.
//
// It asks ListUsers with the filter sub = "<sub>", not AdminGetUser: the
// record is the same, ListUsers needs no username (CloudTrail hides it),
// it draws on the UserList quota instead of the UserRead one, and
// AdminGetUser counts the user as monthly active for billing.
// docs/sync.md has the measured figures.
//
// Users: internal/forwarder/app, when the configuration enables it.
package enrich
