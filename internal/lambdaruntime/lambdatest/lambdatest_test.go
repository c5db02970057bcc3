package lambdatest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) { Main(m) }

func TestBuildOncePerFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a bootstrap binary")
	}
	first := Build(t, "../testdata/bootstrap")
	fi, err := os.Stat(first)
	if err != nil || fi.Mode()&0o111 == 0 {
		t.Fatalf("bootstrap %s: %v, mode %v", first, err, fi)
	}
	abs, _ := filepath.Abs("../testdata/bootstrap")
	if again := Build(t, abs); again != first {
		t.Fatalf("second Build of the same folder = %s, want %s", again, first)
	}
	if filepath.Base(first) != "bootstrap" {
		t.Fatalf("built %s, want a file named bootstrap", first)
	}
}

func TestBuildFailureFails(t *testing.T) {
	ft := &fakeTB{TB: t}
	func() {
		defer func() { recover() }()
		Build(ft, t.TempDir())
	}()
	if !ft.failed {
		t.Fatal("Build of a folder without a main package did not fail the test")
	}
}

// fakeTB records Fatalf and stops the caller, as testing.T does.
type fakeTB struct {
	testing.TB
	failed bool
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Fatalf(string, ...any) {
	f.failed = true
	panic("fatal")
}

func TestOutputAwait(t *testing.T) {
	var o Output
	go func() {
		time.Sleep(50 * time.Millisecond)
		o.Write([]byte("late line\n"))
	}()
	if got := o.Await(func(s string) bool { return strings.Contains(s, "late line") }); !strings.Contains(got, "late line") {
		t.Fatalf("Await = %q, want the late line", got)
	}
	if got := o.String(); got != "late line\n" {
		t.Fatalf("String = %q", got)
	}
}
