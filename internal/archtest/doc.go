// Package archtest holds no code, only the tests that keep the repository's
// shape: imports flow one way (cmd, functions and infra may import internal
// and events; internal imports events and never a deployable, a command or
// the CDK app; events imports the standard library only; the public
// wrapper trigger/ may import internal and events, and only code outside
// the module imports it), a function's
// folder holds a thin main.go and doc.go (and tests), every package has a
// doc.go, no hand-written Go file is over MaxLines lines, and go.mod marks
// no module the code imports as indirect.
//
// docs/architecture.md describes the same rules for people; these tests
// make them hold.
package archtest
