// Package usersync is the user sync: it turns every change to the users of
// an Amazon Cognito user pool into a CloudEvent (events.NewUserEvent:
// UserCreated, UserUpdated, UserDeleted) delivered to a sink. The
// cognito-events sync command and the sync Lambda function
// (functions/sync) run the same Engine.
//
// # A pass
//
// Engine.SyncPool takes the pool's lease (Store.Lease), pages through
// every ListUsers page of the pool (Limit 60), compares each user's
// canonical record (attributes kept by the attribute policy, sorted;
// Enabled, UserStatus, MFA options, dates) with the one stored under its
// sub, and sends an event for each difference: a change is any
// difference, not only a newer UserLastModifiedDate. When the listing is
// complete, each stored user the pass did not see is checked with
// AdminGetUser: UserNotFoundException, or the username now carrying
// another sub (deleted and created again), makes a UserDeleted event for
// the stored sub carrying its last record; a user found with its sub is
// compared like a listed one. A deletion is never inferred from a partial
// pass. On a pool's first pass every user is UserCreated, unless Baseline
// records them silently. A record that changed form only because the
// attribute policy changed is recorded without an event and counted
// (Stats.PolicyChanged), unless ResendOnPolicyChange.
//
// # Ids
//
// Each record carries a version, that of the user's last acknowledged
// change; a change is sent as the next version, and the event id is a
// function of (pool, sub, version, kind) (events.NewUserEvent); the event
// also carries the version as its sequence attribute. Before
// sending, the run records the change as pending (version and a digest of
// kind and record): a retry of the same change keeps the version, so the
// id and the sequence; a different change takes the next one.
//
// # Delivery and state
//
// The state advances only after the sink acknowledged the event: the
// records of a page are written with the page's checkpoint (Store.Commit)
// after its events were acknowledged. A transient delivery failure stops
// the run (ErrDelivery) with the checkpoint on the failed page; a run
// killed anywhere and run again sends every change not yet recorded,
// repeats with the same ids (pending versions). A permanent failure (the
// sink refused the event) is counted, logged, and tried again on the next
// pass. The checkpoint (Pass) holds the pass
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
// "subs" of records keyed by sub (8 bytes pass number, 1 byte delivered
// flag, 8 bytes version, 8 bytes pending version, 16 bytes pending digest,
// 2 bytes username length, the username, the record's JSON). Format 1
// (a bucket "users" keyed by username, no versions) is migrated on the
// pool's first LoadPass, 10,000 records a transaction. The file's lock
// is the CLI's lease. A damaged file (empty, truncated, overwritten) is an
// error wrapping ErrDamaged naming the file; bbolt's panics are
// recovered at every call. It is read a page at a time, never
// held in memory whole; bbolt's memory map is dropped from the resident set
// every DefaultDropBytes read or written, and the delete scan reads at most
// 4,096 records per transaction, so peak RSS hardly grows with the pool.
//
// DynamoStore keeps the Lambda's state in a DynamoDB table (partition key
// "pk" (S), sort key "sk" (S), on-demand). Its items:
//
//	pk "pool#<poolId>", sk "pass"       c (S): the checkpoint, JSON
//	pk "pool#<poolId>", sk "lease"      holder (S), expires (N, Unix ms)
//	pk "pool#<poolId>", sk "sub#<sub>"  p (N): pass last seen,
//	                                    v (BOOL): delivered,
//	                                    u (S): username,
//	                                    n (N): version,
//	                                    q (N), h (B): pending version, digest
//	                                    d (S): the record's JSON
//
// Format 1 items (sk "user#<username>", no u, n) are migrated by the
// pool's next LoadPass, a query page at a time. An item that does not
// decode is an error wrapping ErrDamaged naming its key.
//
// # Measured
//
// The benchmarks run the real SDK client (AWS_ENDPOINT_URL) against a
// loopback Cognito (internal/emulator/fakecognito); docs/sync.md has the
// cost per pass. Peak RSS of a baseline pass then a pass with no change
// into a bolt file (839 bytes a user in format 1; 1,678 in format 2, with
// versions and pending digests), on a shared 2-core machine:
//
//	go test -c -o /tmp/us.test ./internal/usersync/
//	/usr/bin/time -f %M /tmp/us.test -test.run '^$' -test.bench 'SyncState/^N$' -test.benchtime 1x
//
//	users      peak RSS (before)   Go heap+runtime   file-mapped   time
//	10,000     33 MB (27 MB)       13 MB             18 MB         1.0 s
//	100,000    39 MB (101 MB)      14 MB             23 MB         9.4 s
//	1,000,000  48 MB (~900 MB)     24 MB             23 MB         165 s
//
// (the live Go heap stays at 3-4 MB; file-mapped includes the 14 MB of the
// test binary itself). Those rows are format 1's; format 2 at 10,000 users,
// two runs on the machine busy with other builds: 35 MB peak RSS (12 MB
// anonymous, 18-21 MB file-mapped), 2.7-4.1 s; the larger pools were not
// measured again. The request rate, BenchmarkSyncRate (one pass of
// 3 s worth of pages, the fake's ceiling at --rate): 0.970-0.998 of --rate
// 10 and 0.991-0.997 of --rate 50 over 5 runs, never throttled. State per
// user and pass in DynamoDB (TestStateCost, counted through a wrapper
// against moto): an item of 387 bytes, 1.02 write and 0.60 read units.
package usersync
