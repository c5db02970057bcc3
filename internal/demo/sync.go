package demo

// The demo's user-sync step (sync.go, sync_pool.go): with
// moto_server on PATH, "cognito-events demo" (and so "make demo") also runs
// the user sync against an emulated user pool into a local CloudEvents
// sink; without it, it says how to get it and carries on.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"text/tabwriter"
	"time"

	"golang.org/x/time/rate"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/cesink"
	"github.com/cognito-events/cognito-events/internal/delivery"
	"github.com/cognito-events/cognito-events/internal/emulator/motoserver"
	"github.com/cognito-events/cognito-events/internal/sink"
	"github.com/cognito-events/cognito-events/internal/usersync"
)

// Mode is the value of demo's --sync and --triggers flags.
type Mode string

// The --sync values.
const (
	// Auto runs the step when what it needs is there (moto_server on
	// PATH; cognito-local and the trigger bootstrap) and
	// otherwise says how to get it.
	Auto Mode = "auto"
	// Off leaves the step out.
	Off Mode = "off"
)

func (m *Mode) String() string { return string(*m) }

func (m *Mode) Set(s string) error {
	switch v := Mode(s); v {
	case Auto, Off:
		*m = v
		return nil
	}
	return fmt.Errorf("%q: want %s or %s", s, Auto, Off)
}

// demoSyncRate is the sync's request ceiling in the demo: moto never
// throttles, and the demo makes a handful of requests.
const demoSyncRate = 50

// SyncPass is one sync run of the step.
type SyncPass struct {
	Name  string
	Stats usersync.Stats
	// Want are the events the pass must send, by kind.
	Want map[events.UserChangeKind]int
	// DeliveredIDs are the ids the sender reported delivered; ReceivedIDs
	// those the sink received during the pass; both sorted.
	DeliveredIDs, ReceivedIDs []string
	Err                       error
}

func (p SyncPass) problem() string {
	got := map[events.UserChangeKind]int{}
	for k, n := range map[events.UserChangeKind]int{events.UserCreated: p.Stats.Created, events.UserUpdated: p.Stats.Updated, events.UserDeleted: p.Stats.Deleted} {
		if n > 0 {
			got[k] = n
		}
	}
	switch {
	case p.Err != nil:
		return p.Err.Error()
	case p.Stats.Failed > 0:
		return fmt.Sprintf("%d events failed", p.Stats.Failed)
	case !maps.Equal(got, p.Want):
		return fmt.Sprintf("sent %v, want %v", got, p.Want)
	case !slices.Equal(p.DeliveredIDs, p.ReceivedIDs):
		return fmt.Sprintf("delivered %v, the sink received %v", p.DeliveredIDs, p.ReceivedIDs)
	}
	return ""
}

// SyncResult is what the step did.
type SyncResult struct {
	// Ran is false when moto_server is missing and the step was left out.
	Ran    bool
	Passes []SyncPass
	// MotoPid is the emulator's process id, stopped when the step returns.
	MotoPid int
}

func (r SyncResult) OK() bool {
	for _, p := range r.Passes {
		if p.problem() != "" {
			return false
		}
	}
	return true
}

// Sync starts moto_server and a local sink, seeds a pool, runs the
// sync, changes the pool and runs it again. moto and the sink are stopped
// on every path. An error means the step could not run; the passes say
// how the sync fared.
func Sync(ctx context.Context, stdout io.Writer) (SyncResult, error) {
	out := &lockedWriter{w: stdout}
	fmt.Fprintln(out, "\n== user sync (cognito-events sync) against moto_server, an emulated user pool")
	if !motoserver.Installed() {
		fmt.Fprintf(out, "   skipped: %s is not on PATH. Install it with %s (Python 3) and run the demo again to see the sync.\n", motoserver.Binary, motoserver.Install)
		return SyncResult{}, nil
	}
	var res SyncResult
	moto, err := motoserver.Start(ctx, motoserver.Options{})
	if err != nil {
		return res, err
	}
	defer moto.Stop()
	res.Ran, res.MotoPid = true, moto.Pid()

	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return res, fmt.Errorf("listening for the local sink: %w", err)
	}
	rcv := cesink.New(cesink.Options{})
	srv := &http.Server{Handler: rcv, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	sinkURL := "http://" + ln.Addr().String() + "/sync"

	pool, err := demoSeedPool(ctx, moto)
	if err != nil {
		return res, err
	}
	dir, err := os.MkdirTemp("", "cognito-events-demo-sync-")
	if err != nil {
		return res, fmt.Errorf("creating the state directory: %w", err)
	}
	defer os.RemoveAll(dir)
	state := filepath.Join(dir, "state.db")
	fmt.Fprintf(out, "moto_server: %s. Local CloudEvents sink: %s\n", moto.URL, sinkURL)
	fmt.Fprintf(out, "Pool %s (%s) with %d users: %v\n", pool.ID, demoPoolName, len(demoUsers), demoUserNames())
	fmt.Fprintf(out, "Each pass runs the engine of cognito-events sync, as this command would with AWS_ENDPOINT_URL=%s and test credentials:\n  cognito-events sync --user-pool-id %s --state STATE --sink-url %s --rate %d\n", moto.URL, pool.ID, sinkURL, demoSyncRate)

	run := func(name string, want map[events.UserChangeKind]int) error {
		fmt.Fprintf(out, "\n-- %s\n", name)
		before := rcv.Count()
		p := demoSyncRun(ctx, moto, pool.ID, state, sinkURL, out)
		p.Name, p.Want = name, want
		for _, ev := range rcv.Events()[before:] {
			p.ReceivedIDs = append(p.ReceivedIDs, ev.Event.ID())
		}
		slices.Sort(p.ReceivedIDs)
		res.Passes = append(res.Passes, p)
		return ctx.Err()
	}
	if err := run("first pass: every user is new", map[events.UserChangeKind]int{events.UserCreated: len(demoUsers)}); err != nil {
		return res, err
	}
	changes, err := demoChangePool(ctx, moto, pool.ID)
	if err != nil {
		return res, err
	}
	fmt.Fprintf(out, "\n-- changes in the pool: %s\n", changes)
	if err := run("second pass: only what changed", map[events.UserChangeKind]int{events.UserUpdated: 2, events.UserDeleted: 1}); err != nil {
		return res, err
	}
	if err := run("third pass: nothing changed", map[events.UserChangeKind]int{}); err != nil {
		return res, err
	}
	return res, nil
}

// demoSyncRun is one pass of the sync engine, wired as "cognito-events
// sync" wires it, with an AWS configuration that reaches only moto.
func demoSyncRun(ctx context.Context, moto *motoserver.Server, pool, state, sinkURL string, out io.Writer) SyncPass {
	var p SyncPass
	env := map[string]string{sink.EnvKind: string(sink.KindHTTP), sink.EnvURL: sinkURL, sink.EnvAllowInsecure: "true"}
	getenv := func(k string) string { return env[k] }
	e := sink.NewEnv(getenv)
	dc := delivery.Read(e)
	if err := e.Err(); err != nil {
		p.Err = fmt.Errorf("configuring the sink: %w", err)
		return p
	}
	sender, err := delivery.New(ctx, dc, getenv, "cognito-events-demo-sync")
	if err != nil {
		p.Err = fmt.Errorf("building the sink: %w", err)
		return p
	}
	store, err := usersync.OpenBolt(state)
	if err != nil {
		p.Err = err
		return p
	}
	defer store.Close()
	rec := &recordingSender{next: sender, out: out}
	eng := &usersync.Engine{
		Cognito: usersync.NewCognito(moto.Config(), nil),
		Limiter: rate.NewLimiter(demoSyncRate, 1),
		Retry:   usersync.CognitoRetry,
		Store:   store,
		Sender:  rec,
		Log:     slog.New(slog.NewJSONHandler(io.Discard, nil)),
	}
	p.Stats, p.Err = eng.SyncPool(ctx, pool)
	fmt.Fprintf(out, "pool %s: pages %d, users %d, created %d, updated %d, deleted %d, delivered %d, failed %d\n",
		pool, p.Stats.Pages, p.Stats.Users, p.Stats.Created, p.Stats.Updated, p.Stats.Deleted, p.Stats.Delivered, p.Stats.Failed)
	p.DeliveredIDs = rec.ids
	slices.Sort(p.DeliveredIDs)
	return p
}

// recordingSender prints one line per event the next sender delivered or
// failed, as "cognito-events sync" does, and keeps the delivered ids.
type recordingSender struct {
	next usersync.Sender
	out  io.Writer
	ids  []string
}

func (r *recordingSender) Send(ctx context.Context, ev *events.Event) (int, error) {
	n, err := r.next.Send(ctx, ev)
	verb := "delivered"
	if err != nil {
		verb = "failed"
	} else {
		r.ids = append(r.ids, ev.ID)
	}
	fmt.Fprintf(r.out, "%s %s %s %s\n", verb, ev.EventName, ev.Subject, ev.ID)
	return n, err
}

// writeSyncTable writes one line per pass and each pass's problem.
func writeSyncTable(w io.Writer, r SyncResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "pass\tusers\tcreated\tupdated\tdeleted\tdelivered\tfailed\tsink received")
	for i, p := range r.Passes {
		fmt.Fprintf(tw, "%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", i+1, p.Stats.Users, p.Stats.Created, p.Stats.Updated, p.Stats.Deleted, p.Stats.Delivered, p.Stats.Failed, len(p.ReceivedIDs))
	}
	tw.Flush()
	for i, p := range r.Passes {
		if msg := p.problem(); msg != "" {
			fmt.Fprintf(w, "pass %d (%s): %s\n", i+1, p.Name, msg)
		}
	}
}
