// Package usersync is the user sync: it turns every change to the users of
// an Amazon Cognito user pool into a CloudEvent (events.NewUserEvent:
// UserCreated, UserUpdated, UserDeleted) delivered to a sink. The
// cognito-events sync command and the sync Lambda function
// (functions/sync) run the same Engine.
//
// # A pass
//
// Engine.SyncPool pages through every ListUsers page of the pool (Limit
// 60), compares each user's canonical record (attributes kept by the
// attribute policy, sorted; Enabled, UserStatus, MFA options, dates) with
// the stored one, and sends an event for each difference: a change is any
// difference, not only a newer UserLastModifiedDate. When the listing is
// complete, each stored user the pass did not see is checked with
// AdminGetUser: UserNotFoundException makes a UserDeleted event carrying
// the last record seen; a user found after all is compared like a listed
// one. A deletion is never inferred from a partial pass. On a pool's first
// pass every user is UserCreated, unless Baseline records them silently.
//
// # Delivery and state
//
// The state advances only after the sink acknowledged the event: the
// records of a page are written with the page's checkpoint (Store.Commit)
// after its events were acknowledged. A transient delivery failure stops
// the run (ErrDelivery) with the checkpoint on the failed page; a run
// killed anywhere and run again sends every change not yet recorded,
// repeats with the same ids (the id is a pure function of the change). A
// permanent failure (the sink refused the event) is counted, logged, and
// tried again on the next pass. The checkpoint (Pass) holds the pass
// number, its phase, the next pagination token and the deleting phase's
// cursor, so a pass that outlives a Lambda invocation (the run stops
// Reserve before the deadline) resumes in the next one. A pagination token
// Cognito refuses (a user deleted between pages, an expired token)
// restarts the listing from the first page, in the same pass: users
// already seen stay seen, nothing is lost.
//
// # Requests
//
// Every Cognito request (ListUsers, AdminGetUser, DescribeUserPool once a
// run) waits on Limiter first: the rate is a hard ceiling, retries
// included, since the SDK's own retries are off (NewCognito). Cognito's
// UserList quota (30 requests/s per account and region) is shared by
// every caller. Throttling (TooManyRequestsException, HTTP 429), 5xx
// answers and connection failures are retried with backoff (Retry); the
// page is then read again, so nothing is lost.
//
// # State stores
//
// BoltStore keeps the state of the CLI in one local file (bbolt): a bucket
// per pool, "pool/<id>", with the checkpoint under "pass" and a bucket
// "users" of records keyed by username (8 bytes pass number, 1 byte
// delivered flag, the record's JSON). It is read a page at a time, never
// held in memory whole.
//
// DynamoStore keeps the Lambda's state in a DynamoDB table (partition key
// "pk" (S), sort key "sk" (S), on-demand). Its items:
//
//	pk "pool#<poolId>", sk "pass"            c (S): the checkpoint, JSON
//	pk "pool#<poolId>", sk "user#<username>" p (N): pass last seen,
//	                                         v (BOOL): delivered,
//	                                         d (S): the record's JSON
//
// The package's benchmarks measure the request rate against --rate and the
// cost of the state per user (doc.go of the command and docs/sync.md give
// the figures).
package usersync
