package lambdatest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// build is one package folder's bootstrap, built at most once.
type build struct {
	once sync.Once
	path string
	out  []byte
	err  error
}

var (
	mu     sync.Mutex
	root   string // the temporary folder every build goes under
	builds = map[string]*build{}
)

// Build compiles the main package in pkgDir (a folder, relative to the
// test's working directory or absolute) for the host, with the build tag
// and linker flags make build uses, and returns the path of its bootstrap.
// It builds each folder once per test binary, whichever test asks first; a
// failed build fails every test that asks for it. It leaves out -trimpath
// and the cross-compilation, so the build reuses the test build's cache.
func Build(tb testing.TB, pkgDir string) string {
	tb.Helper()
	abs, err := filepath.Abs(pkgDir)
	if err != nil {
		tb.Fatalf("building the bootstrap of %s: %v", pkgDir, err)
	}
	mu.Lock()
	b, ok := builds[abs]
	if !ok {
		b = &build{}
		builds[abs] = b
	}
	mu.Unlock()
	b.once.Do(func() { b.path, b.out, b.err = compile(abs) })
	if b.err != nil {
		tb.Fatalf("building the bootstrap of %s: %v\n%s", pkgDir, b.err, b.out)
	}
	return b.path
}

// compile builds the package in the absolute folder pkg into a new folder
// under root.
func compile(pkg string) (string, []byte, error) {
	mu.Lock()
	if root == "" {
		dir, err := os.MkdirTemp("", "lambdatest")
		if err != nil {
			mu.Unlock()
			return "", nil, fmt.Errorf("creating the build folder: %w", err)
		}
		root = dir
	}
	parent := root
	mu.Unlock()
	dir, err := os.MkdirTemp(parent, filepath.Base(pkg))
	if err != nil {
		return "", nil, fmt.Errorf("creating the build folder: %w", err)
	}
	path := filepath.Join(dir, "bootstrap")
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-ldflags", "-s -w", "-o", path, ".")
	cmd.Dir = pkg
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", out, fmt.Errorf("go build: %w", err)
	}
	return path, nil, nil
}

// Main runs the tests of m, removes every bootstrap Build made and exits
// with the tests' status. A package whose tests call Build calls it from
// TestMain:
//
//	func TestMain(m *testing.M) { lambdatest.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	Cleanup()
	os.Exit(code)
}

// Cleanup removes every bootstrap Build made; Main calls it. A TestMain
// that does more than Main calls it after m.Run.
func Cleanup() {
	mu.Lock()
	defer mu.Unlock()
	if root != "" {
		os.RemoveAll(root)
		root = ""
	}
	builds = map[string]*build{}
}
