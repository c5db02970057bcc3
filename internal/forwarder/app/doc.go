// Package app wires the forwarder from its Config: the logger Lambda's log
// settings ask for, the sink and its credential, the pool resolvers and the
// retry policy. It also reports init errors to the Lambda Runtime API, which
// aws-lambda-go does not do.
package app
