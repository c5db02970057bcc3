// Command sync is the user sync Lambda function: on each scheduled
// invocation it runs the user sync (internal/usersync) over the pools
// SYNC_USER_POOL_IDS names (every pool of the region when empty), from the
// checkpoint kept in the DynamoDB table SYNC_STATE_TABLE, and delivers one
// CloudEvent per user change to the sink the SINK_* variables name. A pass
// longer than one invocation stops 20 s before the deadline and resumes in
// the next. usersync.Config documents every variable; the CDK app (infra)
// sets them from the route's sync key.
package main
