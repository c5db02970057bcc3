package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/cognito-events/cognito-events/internal/config"
)

// contextConfig returns the cognito-events key of a cdk.json file as the
// raw configuration synth takes.
func contextConfig(tb testing.TB, path string) string {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("reading %s: %v", path, err)
	}
	var doc struct {
		App     string                     `json:"app"`
		Context map[string]json.RawMessage `json:"context"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		tb.Fatalf("decoding %s: %v", path, err)
	}
	raw, ok := doc.Context[config.ContextKey]
	if !ok {
		tb.Fatalf("%s: no context key %q", path, config.ContextKey)
	}
	if doc.App != "go run ./infra" {
		tb.Errorf("%s: app %q, want \"go run ./infra\" so the file works as the repository's cdk.json", path, doc.App)
	}
	return string(raw)
}

// TestShippedConfigHasNoPlaceholder synthesizes the repository's cdk.json
// into a cloud assembly, as make synth does, and reads every file of it:
// the defaults deploy with no placeholder endpoint, so a first deployment
// delivers every event instead of filling the dead-letter queue.
func TestShippedConfigHasNoPlaceholder(t *testing.T) {
	raw := contextConfig(t, filepath.Join("..", "cdk.json"))
	cfg, err := config.Parse([]byte(raw))
	if err != nil {
		t.Fatalf("cdk.json: %v", err)
	}
	root := t.TempDir()
	for _, fn := range codeFunctions {
		if err := os.MkdirAll(filepath.Join(root, fn), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, fn, "bootstrap"), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(root, "cdk.out")
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(out)})
	if _, err := AddStacks(app, cfg, filepath.Join(root, "forwarder"), ""); err != nil {
		t.Fatalf("AddStacks: %v", err)
	}
	app.Synth(nil)
	templates := 0
	err = filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.HasSuffix(path, ".template.json") {
			templates++
		}
		if strings.Contains(strings.ToLower(string(data)), "example.com") {
			t.Errorf("%s names example.com", strings.TrimPrefix(path, out))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("reading the assembly: %v", err)
	}
	if templates != len(cfg.Regions) {
		t.Fatalf("%d templates in the assembly for %d regions", templates, len(cfg.Regions))
	}
}

// TestDocsExamplesSynthesize synthesizes every docs/examples/*.json: each
// is a whole cdk.json a user may copy over the repository's, so each must
// pass validation and give every route its rule and function.
func TestDocsExamplesSynthesize(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "docs", "examples", "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("listing docs/examples: %v (%d files)", err, len(paths))
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			s := synth(t, contextConfig(t, path))
			want := len(s.cfg.Regions)
			if s.cfg.Organization != nil {
				want++ // the member template's stack
			}
			if len(s.stacks) != want {
				t.Fatalf("%d stacks for %d regions", len(s.stacks), len(s.cfg.Regions))
			}
			for _, r := range s.cfg.Routes {
				scope := s.stacks[0].Node().TryFindChild(jsii.String(r.Name))
				if scope == nil {
					t.Errorf("route %s: no construct", r.Name)
					continue
				}
				ids := s.routeIDs(t, r.Name)
				var rule, fn bool
				for id := range ids {
					switch s.res[id].Type {
					case "AWS::Events::Rule":
						rule = true
					case "AWS::Lambda::Function":
						fn = true
					}
				}
				if !rule || !fn {
					t.Errorf("route %s: rule %v, function %v", r.Name, rule, fn)
				}
			}
		})
	}
}
