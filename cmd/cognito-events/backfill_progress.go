package main

import (
	"fmt"
	"io"
	"time"
)

// Progress pacing: a terminal bar is redrawn at most every ttyInterval; plain
// lines appear every plainEvery events or plainInterval, whichever first.
const (
	ttyInterval   = 100 * time.Millisecond
	plainEvery    = 100
	plainInterval = 10 * time.Second
)

// progress reports a backfill's counts and rate on w: on a terminal, one
// line redrawn in place with a carriage return; otherwise plain lines at
// intervals, so logs of a run stay readable.
type progress struct {
	w   io.Writer
	tty bool
	now func() time.Time

	start, last time.Time
	lastSeen    int

	pages, seen, matched, delivered, failed int
}

func newProgress(w io.Writer, tty bool) *progress {
	p := &progress{w: w, tty: tty, now: time.Now}
	p.start = p.now()
	p.last = p.start
	return p
}

// page counts one answered LookupEvents call.
func (p *progress) page() {
	p.pages++
	p.tick()
}

// event counts one record and what became of it.
func (p *progress) event(r result) {
	p.seen++
	if r.Matched {
		p.matched++
	}
	switch r.Outcome {
	case outDelivered:
		p.delivered++
	case outFailed:
		p.failed++
	}
	p.tick()
}

func (p *progress) tick() {
	now := p.now()
	switch {
	case p.tty && now.Sub(p.last) >= ttyInterval:
	case !p.tty && (p.seen-p.lastSeen >= plainEvery || now.Sub(p.last) >= plainInterval):
	default:
		return
	}
	p.draw(now)
}

// done draws the final counts and ends the terminal line.
func (p *progress) done() {
	p.draw(p.now())
	if p.tty {
		fmt.Fprint(p.w, "\n")
	}
}

func (p *progress) draw(now time.Time) {
	p.last, p.lastSeen = now, p.seen
	elapsed := now.Sub(p.start)
	rate := 0.0
	if elapsed > 0 {
		rate = float64(p.seen) / elapsed.Seconds()
	}
	if p.tty {
		// \033[K clears what a longer earlier line left.
		fmt.Fprintf(p.w, "\r[%s] pages %d │ seen %d │ matched %d │ delivered %d │ failed %d │ %.1f/s\033[K",
			elapsed.Truncate(time.Second), p.pages, p.seen, p.matched, p.delivered, p.failed, rate)
		return
	}
	fmt.Fprintf(p.w, "progress: elapsed=%s pages=%d seen=%d matched=%d delivered=%d failed=%d rate=%.1f/s\n",
		elapsed.Truncate(time.Second), p.pages, p.seen, p.matched, p.delivered, p.failed, rate)
}
