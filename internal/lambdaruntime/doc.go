// Package lambdaruntime is a local AWS Lambda Runtime API: enough of
// Lambda's side of the custom-runtime protocol to run a real bootstrap
// binary (provided.al2023) on a laptop or in a test.
//
// Server is an http.Handler serving /2018-06-01/runtime/invocation/next,
// /invocation/{id}/response, /invocation/{id}/error and /init/error.
// Server.Invoke queues one invocation and waits for the function's answer;
// a function error comes back as a *FunctionError. StartProcess runs a
// bootstrap with AWS_LAMBDA_RUNTIME_API pointing at a server and stops it
// (SIGTERM, then SIGKILL) so that no process is left behind; Start does
// both on a loopback listener.
//
// InvokeAPI (invoke.go) is the other side: a front of Lambda's Invoke API
// (POST /2015-03-31/functions/{name}/invocations) that hands each request
// to a running function, so that a client of the real API, such as
// cognito-local calling a user pool's triggers, runs the real bootstrap;
// StartInvokeAPI serves it on a loopback port.
//
// The forwarder's and the trigger function's bootstrap tests
// (functions/forwarder, functions/trigger) and the
// "cognito-events demo" command use it; package lambdatest builds the
// bootstrap those tests run.
package lambdaruntime
