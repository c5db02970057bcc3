package demo

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/emulator/motoserver"
)

// needMotoServer skips a test when moto_server is not on PATH, except under
// CI=true, where it fails.
func needMotoServer(tb testing.TB) {
	tb.Helper()
	if motoserver.Installed() {
		return
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("%v (CI=true, so this fails instead of skipping)", motoserver.ErrNotInstalled)
	}
	tb.Skipf("%v", motoserver.ErrNotInstalled)
}

// TestDemoSync runs the step against moto_server: every pass sends what it
// should, the sink receives exactly the delivered events, and moto is gone
// afterwards.
func TestDemoSync(t *testing.T) {
	if testing.Short() {
		t.Skip("starts moto_server")
	}
	needMotoServer(t)
	var out bytes.Buffer
	res, err := Sync(context.Background(), &out)
	if err != nil {
		t.Fatalf("Sync: %v\n%s", err, out.String())
	}
	if !res.Ran || !res.OK() {
		t.Fatalf("Sync ran %v, ok %v\n%s", res.Ran, res.OK(), out.String())
	}
	want := []struct {
		created, updated, deleted int
	}{{5, 0, 0}, {0, 2, 1}, {0, 0, 0}}
	if len(res.Passes) != len(want) {
		t.Fatalf("%d passes, want %d\n%s", len(res.Passes), len(want), out.String())
	}
	for i, w := range want {
		s := res.Passes[i].Stats
		if s.Created != w.created || s.Updated != w.updated || s.Deleted != w.deleted || s.Failed != 0 {
			t.Errorf("pass %d: created %d updated %d deleted %d failed %d, want %d %d %d 0", i+1, s.Created, s.Updated, s.Deleted, s.Failed, w.created, w.updated, w.deleted)
		}
		if got := len(res.Passes[i].ReceivedIDs); got != w.created+w.updated+w.deleted {
			t.Errorf("pass %d: the sink received %d events, want %d", i+1, got, w.created+w.updated+w.deleted)
		}
	}
	text := out.String()
	for _, line := range []string{
		"delivered UserCreated user/",
		"delivered UserUpdated user/",
		"delivered UserDeleted user/",
		"-- third pass: nothing changed",
	} {
		if !strings.Contains(text, line) {
			t.Errorf("output lacks %q\n%s", line, text)
		}
	}
	if n := strings.Count(text, "delivered UserCreated "); n != 5 {
		t.Errorf("%d UserCreated lines, want 5", n)
	}
	if err := syscall.Kill(res.MotoPid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("moto_server (pid %d) still running after the step: kill 0 = %v", res.MotoPid, err)
	}
}

// TestDemoSyncWithoutMoto: without moto_server the step says how to get
// it and succeeds.
func TestDemoSyncWithoutMoto(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	var out bytes.Buffer
	res, err := Sync(context.Background(), &out)
	if err != nil || res.Ran || !res.OK() {
		t.Fatalf("Sync = %+v, %v; want a step left out, no error", res, err)
	}
	if !strings.Contains(out.String(), `pip install "moto[server]"`) {
		t.Errorf("output does not say how to install moto:\n%s", out.String())
	}
}

func TestDemoSyncFlag(t *testing.T) {
	tests := []struct {
		value string
		want  Mode
		ok    bool
	}{
		{"auto", Auto, true},
		{"off", Off, true},
		{"on", "", false},
		{"", "", false},
		{"OFF", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			var m Mode
			err := m.Set(tt.value)
			if (err == nil) != tt.ok || m != tt.want {
				t.Fatalf("Set(%q) = %v, mode %q; want ok %v, mode %q", tt.value, err, m, tt.ok, tt.want)
			}
		})
	}
}

// TestDemoSyncPassProblem: a pass that sent other events than expected,
// or whose events the sink did not all receive, is a failure.
func TestDemoSyncPassProblem(t *testing.T) {
	tests := []struct {
		name string
		pass SyncPass
		ok   bool
	}{
		{"as expected", SyncPass{Want: map[events.UserChangeKind]int{events.UserCreated: 1}, DeliveredIDs: []string{"a"}, ReceivedIDs: []string{"a"}}, true},
		{"nothing expected, nothing sent", SyncPass{Want: map[events.UserChangeKind]int{}}, true},
		{"sink missed one", SyncPass{Want: map[events.UserChangeKind]int{events.UserCreated: 1}, DeliveredIDs: []string{"a"}}, false},
		{"run failed", SyncPass{Want: map[events.UserChangeKind]int{}, Err: errors.New("listing users: boom")}, false},
	}
	tests[0].pass.Stats.Created = 1
	tests[2].pass.Stats.Created = 1
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.pass.problem(); (got == "") != tt.ok {
				t.Fatalf("problem() = %q, want ok %v", got, tt.ok)
			}
		})
	}
	unexpected := SyncPass{Want: map[events.UserChangeKind]int{}}
	unexpected.Stats.Updated = 1
	if unexpected.problem() == "" {
		t.Error("an unexpected UserUpdated is not a problem")
	}
}
