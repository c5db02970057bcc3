package trigger

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime/lambdatest"
)

// fixtureDir holds the real trigger payloads the events package's tests
// use; secret values in them start with canary.
const (
	fixtureDir = "../../events/testdata/triggers"
	canary     = "SECRET-"
)

type fixture struct {
	name string
	data []byte
}

func fixtures(tb testing.TB) []fixture {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(fixtureDir, "*.json"))
	if err != nil || len(paths) < 15 {
		tb.Fatalf("listing %s: %d fixtures, %v", fixtureDir, len(paths), err)
	}
	var out []fixture
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatalf("reading %s: %v", p, err)
		}
		out = append(out, fixture{strings.TrimSuffix(filepath.Base(p), ".json"), b})
	}
	return out
}

func jsonLogger(w *lambdatest.Output) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// fakeSender records events, answers with err, or blocks until release
// is closed, ignoring its context.
type fakeSender struct {
	mu      sync.Mutex
	events  []*events.Event
	err     error
	release chan struct{}
}

func (f *fakeSender) Send(ctx context.Context, ev *events.Event) (int, error) {
	if f.release != nil {
		<-f.release
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, ev)
	return 1, f.err
}

func (f *fakeSender) sent() []*events.Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*events.Event(nil), f.events...)
}
