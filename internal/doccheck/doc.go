// Package doccheck keeps the documentation true to the product. It reads
// README.md and docs/*.md as the tests under this folder see them: the
// fenced shell commands with their doc-test markers (Blocks), the
// paragraphs that report a measured figure (Paragraphs), and the
// environment variables the code reads (EnvVars).
//
// Its tests run every runnable documented command against a fresh build of
// the cognito-events CLI and compare what it prints with what the doc
// shows (ids, times and ports aside), check that every environment
// variable read in code is documented in its owning doc and that every
// variable the docs list is read, and that every figure the docs call
// measured carries the command that measured it. The conventions are in
// docs/architecture.md, "Docs that stay true". Nothing in the product
// imports this package; only its tests (make test) use it.
package doccheck
