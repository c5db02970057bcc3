package main

import (
	"os"

	"github.com/aws/jsii-runtime-go"
)

// closeJSII stops the jsii runtime, the node process behind the CDK, once
// the app's work is done.
//
// jsii-runtime-go (v1.139.0, internal/kernel/process/process.go) waits for
// its node child twice: a goroutine started with the child waits for it
// and prints "Runtime process exited abnormally: <err>" when that wait
// fails, and Close waits again after telling the child to exit. The two
// waits race; the loser gets ECHILD, so a synth that went well now and
// then ended with "Runtime process exited abnormally: waitid: no child
// processes" although node exited with status 0. Nothing after Close is
// ours to report (the templates are written and any error was printed),
// so stderr is detached before it.
func closeJSII() {
	if devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err == nil {
		os.Stderr = devnull
	}
	jsii.Close()
}
