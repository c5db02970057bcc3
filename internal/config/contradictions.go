package config

import (
	"fmt"
	"time"
)

// contradictions refuses settings that are each valid but together cannot
// work; errors name every key involved, under the route (which the caller
// adds).
//
// A buffered route's queue visibility is not a key: the stack sets it to
// six function timeouts (AWS's advice for a queue feeding Lambda), capped
// at SQS's 12 hours, which a 15-minute timeout never reaches, so it cannot
// contradict the function's timeout.
func (r *Route) contradictions() error {
	perAttempt, err1 := time.ParseDuration(r.Sink.Timeout)
	if err1 != nil || r.Function.TimeoutSeconds <= 0 {
		return nil
	}
	fn := time.Duration(r.Function.TimeoutSeconds) * time.Second
	if need := time.Duration(r.Retry.MaxAttempts) * perAttempt; fn < need {
		return fmt.Errorf("function.timeoutSeconds: %d s is shorter than sink.timeout %s times retry.maxAttempts %d (%s): Lambda would end the function before its last attempt; raise function.timeoutSeconds to at least %d (or leave it out: it is then sized from the retry budget, %s), or lower sink.timeout or retry.maxAttempts",
			r.Function.TimeoutSeconds, perAttempt, r.Retry.MaxAttempts, need, int((need+time.Second-1)/time.Second), r.retryBudget())
	}
	return nil
}
