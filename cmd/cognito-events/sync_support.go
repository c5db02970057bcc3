package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/usersync"
)

// printingSender writes one line per event it delivered (or, in a dry run,
// would deliver).
type printingSender struct {
	next usersync.Sender
	w    io.Writer
	dry  bool
}

func (p *printingSender) Send(ctx context.Context, ev *events.Event) (int, error) {
	n, err := p.next.Send(ctx, ev)
	verb := "delivered"
	switch {
	case p.dry:
		verb = "would-send"
	case err != nil:
		verb = "failed"
	}
	fmt.Fprintf(p.w, "%s %s %s %s\n", verb, ev.EventName, ev.Subject, ev.ID)
	return n, err
}

// dryRunSender acknowledges without sending.
type dryRunSender struct{}

func (dryRunSender) Send(context.Context, *events.Event) (int, error) { return 1, nil }

func dryNote(dry bool) string {
	if dry {
		return " (dry run: nothing sent, state unchanged)"
	}
	return ""
}

// scratchCopy copies the state file, if it exists, into a new temporary
// directory, for a dry run to write to.
func scratchCopy(path string) (string, error) {
	dir, err := os.MkdirTemp("", "cognito-events-sync-")
	if err != nil {
		return "", fmt.Errorf("creating a scratch directory: %w", err)
	}
	dst := filepath.Join(dir, "state.db")
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return dst, nil
	}
	if err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("reading the state file: %w", err)
	}
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("copying the state file: %w", err)
	}
	return dst, nil
}

// syncProgress shows a long pass's progress on a terminal: one line
// redrawn in place; elsewhere a line every plainInterval.
type syncProgress struct {
	w    io.Writer
	tty  bool
	last time.Time
	any  bool
}

func newSyncProgress(w io.Writer, tty bool) *syncProgress {
	return &syncProgress{w: w, tty: tty, last: time.Now()}
}

func (p *syncProgress) update(s usersync.Stats) {
	interval := plainInterval
	if p.tty {
		interval = ttyInterval
	}
	if time.Since(p.last) < interval {
		return
	}
	p.last = time.Now()
	line := fmt.Sprintf("sync: %d pages, %d users, %d delivered, %d failed, %.1f requests/s",
		s.Pages, s.Users, s.Delivered, s.Failed, float64(s.Requests)/max(s.Duration.Seconds(), 1e-3))
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", line)
		p.any = true
		return
	}
	fmt.Fprintln(p.w, line)
}

func (p *syncProgress) done() {
	if p.tty && p.any {
		fmt.Fprintln(p.w)
	}
}

// maxSyncRate is the most --rate accepts, as sync.rate in cdk.json.
const maxSyncRate = 1000

// poolRegion is the region a well-formed pool id names (poolIDRE, the
// shape attach-triggers checks too).
func poolRegion(pool string) string {
	if m := poolIDRE.FindStringSubmatch(pool); m != nil {
		return m[1]
	}
	return ""
}

// checkPoolRegion refuses a pool id of the wrong shape, and a --region
// other than the one the pool id names.
func checkPoolRegion(pool, region string) error {
	pr := poolRegion(pool)
	switch {
	case pr == "":
		return fmt.Errorf("--user-pool-id %q: not a user pool id (REGION_ID, such as us-east-1_AbCdEfGhI)", pool)
	case region != "" && region != pr:
		return fmt.Errorf("--region %s disagrees with the pool id %s, which is in %s", region, pool, pr)
	}
	return nil
}

// reasonSender writes the reason of each event the sink did not
// acknowledge on w (the status; never the body, which may echo a credential).
type reasonSender struct {
	next usersync.Sender
	w    io.Writer
}

func (r *reasonSender) Send(ctx context.Context, ev *events.Event) (int, error) {
	n, err := r.next.Send(ctx, ev)
	if err != nil {
		fmt.Fprintf(r.w, "sync: %s %s %s not delivered: %v\n", ev.EventName, ev.Subject, ev.ID, err)
	}
	return n, err
}

// writeSyncSummary writes the run's summary line.
func writeSyncSummary(w io.Writer, pool string, s usersync.Stats, dry bool) {
	rate := float64(s.Requests) / max(s.Duration.Seconds(), 1e-3)
	fmt.Fprintf(w, "pool %s: pages %d, users %d, created %d, updated %d, deleted %d, ", pool, s.Pages, s.Users, s.Created, s.Updated, s.Deleted)
	if dry {
		fmt.Fprintf(w, "would send %d, ", s.Delivered)
	} else {
		fmt.Fprintf(w, "delivered %d, ", s.Delivered)
	}
	fmt.Fprintf(w, "failed %d, baseline %d, requests %d (%.1f/s), restarts %d, duration %s%s\n",
		s.Failed, s.Baselined, s.Requests, rate, s.Restarts, s.Duration.Round(time.Millisecond), dryNote(dry))
	if s.PolicyChanged > 0 {
		fmt.Fprintf(w, "pool %s: the attribute policy changed: %d records changed form and were recorded without events; --resend-on-policy-change sends them as UserUpdated\n", pool, s.PolicyChanged)
	}
}
