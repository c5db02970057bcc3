package lambdatest

import (
	"bytes"
	"sync"
	"time"
)

// Output collects what a bootstrap process (or a logger) writes, for a test
// to read while the writer goes on: Write and String are safe for
// concurrent use. The zero value is ready.
type Output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

// String returns everything written so far.
func (o *Output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// AwaitTimeout is how long Await waits for the output it wants.
const AwaitTimeout = 5 * time.Second

// Await returns the output once done accepts it, or as it is after
// AwaitTimeout. A process writes its log lines on its own, and the pipe
// from its stderr is copied by another goroutine, so a line may land after
// the invocation's answer: a test waits for it instead of reading once.
func (o *Output) Await(done func(out string) bool) string {
	deadline := time.Now().Add(AwaitTimeout)
	for {
		s := o.String()
		if done(s) || time.Now().After(deadline) {
			return s
		}
		time.Sleep(10 * time.Millisecond)
	}
}
