package cognitolocal

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// repoFile reads a file of the repository.
func repoFile(tb testing.TB, path string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", filepath.FromSlash(path)))
	if err != nil {
		tb.Fatalf("reading %s: %v", path, err)
	}
	return string(b)
}

// TestSupplyChain: deploying installs only the CDK CLI; cognito-local (and
// the end-of-support AWS SDK v2 it brings) installs only for tests and the
// demo, with install scripts off; CI pins moto; the README says which
// Node.js and Go versions are supported (issue #19 §7).
func TestSupplyChain(t *testing.T) {
	deps := func(path string) map[string]string {
		var p struct {
			Dependencies    map[string]string `json:"dependencies"`
			DevDependencies map[string]string `json:"devDependencies"`
		}
		if err := json.Unmarshal([]byte(repoFile(t, path)), &p); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out := map[string]string{}
		for k, v := range p.Dependencies {
			out[k] = v
		}
		for k, v := range p.DevDependencies {
			out[k] = v
		}
		return out
	}
	if root := deps("package.json"); len(root) != 1 || root["aws-cdk"] == "" {
		t.Errorf("package.json (what deploying installs) holds %v, want only aws-cdk", root)
	}
	if lock := repoFile(t, "package-lock.json"); strings.Contains(lock, "cognito-local") || strings.Contains(lock, `"node_modules/aws-sdk"`) {
		t.Error("package-lock.json still pins cognito-local or the AWS SDK v2")
	}
	if emu := deps("tools/emulators/package.json"); emu["cognito-local"] != "5.3.0" {
		t.Errorf("tools/emulators/package.json holds %v, want cognito-local 5.3.0", emu)
	}
	if !strings.HasPrefix(startScript, "tools/emulators/node_modules/") {
		t.Errorf("startScript %q is not under tools/emulators", startScript)
	}

	mk := repoFile(t, "Makefile")
	target := func(name string) string {
		m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `:([^\n]*)`).FindStringSubmatch(mk)
		if m == nil {
			t.Fatalf("Makefile has no target %s", name)
		}
		return m[1]
	}
	for _, name := range []string{"synth", "diff", "deploy", "destroy", "$(CDK)"} {
		if strings.Contains(target(name), "emulators") {
			t.Errorf("make %s installs the emulators", name)
		}
	}
	for _, name := range []string{"test", "demo"} {
		if !strings.Contains(target(name), "emulators") {
			t.Errorf("make %s does not install the emulators", name)
		}
	}
	if !strings.Contains(mk, "cd tools/emulators && npm ci --ignore-scripts") {
		t.Error("the Makefile does not install the emulators with install scripts off")
	}

	ci := repoFile(t, ".ci/run")
	if !strings.Contains(ci, "cd tools/emulators && npm ci --ignore-scripts") {
		t.Error(".ci/run does not install the emulators with install scripts off")
	}
	if !regexp.MustCompile(`(?m)^MOTO_VERSION=\d+\.\d+\.\d+$`).MatchString(ci) || !strings.Contains(ci, `"moto[server]==$MOTO_VERSION"`) || strings.Contains(ci, `"moto[server]"`) {
		t.Error(".ci/run does not pin moto to an exact version")
	}

	readme := repoFile(t, "README.md")
	for _, want := range []string{"Supported versions, and why", "**Go 1.26**", "**Node.js 20**", "tools/emulators/package.json"} {
		if !strings.Contains(readme, want) {
			t.Errorf("README.md does not say %q", want)
		}
	}
}
