package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cognito-events/cognito-events/internal/routes"
)

// templateFixture holds two rules in the shape infra/stack.go writes them:
// app-clients as make synth wrote it for the repository's cdk.json, and
// hosted-ui (limited to one pool) written in the same shape with the
// pattern internal/config generates for it. No CDK runs in the tests.
const templateFixture = "testdata/template.json"

// patternBlocks splits the output of patterns into its blocks: the header
// lines, and the pattern JSON decoded.
func patternBlocks(tb testing.TB, out string) []struct {
	header  string
	pattern any
} {
	tb.Helper()
	var blocks []struct {
		header  string
		pattern any
	}
	for _, block := range strings.Split(strings.TrimSuffix(out, "\n"), "\n\n") {
		i := strings.Index(block, "\n{")
		if i < 0 {
			tb.Fatalf("block without a pattern:\n%s", block)
		}
		var p any
		if err := json.Unmarshal([]byte(block[i+1:]), &p); err != nil {
			tb.Fatalf("pattern of block is not JSON: %v\n%s", err, block)
		}
		blocks = append(blocks, struct {
			header  string
			pattern any
		}{block[:i], p})
	}
	return blocks
}

func decodeJSON(tb testing.TB, s string) any {
	tb.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		tb.Fatalf("decoding %s: %v", s, err)
	}
	return v
}

func TestPatternsFromConfig(t *testing.T) {
	cdk := repoFile("cdk.json")
	code, out, errOut := runCLI(t, "", "patterns", "--config", cdk)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	data, err := os.ReadFile(cdk)
	if err != nil {
		t.Fatalf("reading the configuration: %v", err)
	}
	rs, err := routes.FromConfig(data)
	if err != nil {
		t.Fatalf("FromConfig: %v", err)
	}
	blocks := patternBlocks(t, out)
	if len(blocks) != len(rs) {
		t.Fatalf("%d blocks for %d routes:\n%s", len(blocks), len(rs), out)
	}
	for i, r := range rs {
		wantHeader := "route " + r.Name + "\nregion " + r.Region + "\nstate " + r.State
		if blocks[i].header != wantHeader {
			t.Errorf("block %d header %q, want %q", i, blocks[i].header, wantHeader)
		}
		if !reflect.DeepEqual(blocks[i].pattern, decodeJSON(t, r.Pattern.String())) {
			t.Errorf("block %d pattern differs from the configuration's", i)
		}
	}
}

func TestPatternsFromTemplate(t *testing.T) {
	code, out, errOut := runCLI(t, "", "patterns", "--template", templateFixture)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	blocks := patternBlocks(t, out)
	wantHeaders := []string{
		"route app-clients\nregion us-east-1\nrule appclientsRule765CF5D6\nstate ENABLED",
		"route hosted-ui\nregion us-east-1\nrule hosteduiRule0F1E2D3C\nstate ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
	}
	if len(blocks) != len(wantHeaders) {
		t.Fatalf("%d blocks, want %d:\n%s", len(blocks), len(wantHeaders), out)
	}
	for i, want := range wantHeaders {
		if blocks[i].header != want {
			t.Errorf("block %d header %q, want %q", i, blocks[i].header, want)
		}
	}
	// The pattern printed is the template's, verbatim.
	var tmpl struct {
		Resources map[string]struct {
			Properties struct {
				EventPattern any `json:"EventPattern"`
			} `json:"Properties"`
		} `json:"Resources"`
	}
	data, err := os.ReadFile(templateFixture)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &tmpl); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(blocks[1].pattern, tmpl.Resources["hosteduiRule0F1E2D3C"].Properties.EventPattern) {
		t.Errorf("hosted-ui pattern differs from the template's")
	}

	// --templates reads a directory of them; the region comes from the
	// CDK path here.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "cognito-events-us-east-1.template.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	code, outDir, errOut := runCLI(t, "", "patterns", "--templates", dir)
	if code != exitOK || outDir != out {
		t.Errorf("--templates: exit %d, stderr %s\n%s\nwant the output of --template", code, errOut, outDir)
	}
}

func TestPatternsErrors(t *testing.T) {
	noRules := filepath.Join(t.TempDir(), "queue.template.json")
	if err := os.WriteFile(noRules, []byte(`{"Resources":{"Q":{"Type":"AWS::SQS::Queue"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"help", []string{"--help"}, exitOK, "Usage: cognito-events patterns"},
		{"two sources", []string{"--config", repoFile("cdk.json"), "--template", templateFixture}, exitUsage, "give one of --config, --template and --templates"},
		{"argument", []string{"extra"}, exitUsage, `unexpected argument "extra"`},
		{"unknown flag", []string{"--routes"}, exitUsage, "flag provided but not defined"},
		{"missing config", []string{"--config", "no-such-cdk.json"}, exitFailures, "reading rules from no-such-cdk.json: open no-such-cdk.json"},
		{"missing template", []string{"--template", "no-such.template.json"}, exitFailures, "no-such.template.json"},
		{"truncated template", []string{"--template", repoFile("testdata", "malformed", "truncated.json")}, exitFailures, "reading template"},
		{"no templates", []string{"--templates", t.TempDir()}, exitFailures, "no *.template.json files (run make synth)"},
		{"no directory", []string{"--templates", "no-such-cdk.out"}, exitFailures, "listing templates: open no-such-cdk.out"},
		{"not a template", []string{"--template", repoFile("testdata", "envelopes", "AdminCreateUser.json")}, exitFailures, "Resources: want an object of resources"},
		{"template without rules", []string{"--template", noRules}, exitFailures, "no EventBridge rule with an event pattern"},
		{"invalid configuration", []string{"--config", repoFile("testdata", "envelopes", "AdminCreateUser.json")}, exitFailures, "context.cognito-events: missing"},
		{"other file named", []string{"--config", noRules}, exitFailures, "reading rules from " + noRules + ": context.cognito-events: missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", append([]string{"patterns"}, tt.args...)...)
			if code != tt.wantCode || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, tt.wantCode, tt.wantErr)
			}
			if slices.Contains(tt.args, "--config") && !strings.Contains(strings.Join(tt.args, " "), "cdk.json") && strings.Contains(errOut, "cdk.json") {
				t.Errorf("stderr %q names cdk.json, but --config named another file", errOut)
			}
		})
	}
}
