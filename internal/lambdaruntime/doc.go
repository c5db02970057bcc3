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
// The forwarder's bootstrap tests (functions/forwarder) and the
// "cognito-events demo" command use it; package lambdatest builds the
// bootstrap those tests run.
package lambdaruntime
