package status

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"

	"github.com/cognito-events/cognito-events/internal/config"
)

// Stack is one region's stack to read.
type Stack struct {
	Name, Region string
}

// Stacks returns the stacks of the configuration in the cdk.json at path:
// config.StackName(region) for each of its regions, or only region when it
// is not empty (an error when the configuration has no such region).
func Stacks(path, region string) ([]Stack, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	var cdk struct {
		Context map[string]json.RawMessage `json:"context"`
	}
	if err := json.Unmarshal(data, &cdk); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	raw, ok := cdk.Context[config.ContextKey]
	if !ok {
		return nil, fmt.Errorf("reading %s: no context.%s", path, config.ContextKey)
	}
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("reading %s: context.%s: %w", path, config.ContextKey, err)
		}
		raw = json.RawMessage(s)
	}
	cfg, err := config.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	var out []Stack
	for _, r := range cfg.Regions {
		if region == "" || r == region {
			out = append(out, Stack{Name: config.StackName(r), Region: r})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s deploys to %v, not to %s", path, cfg.Regions, region)
	}
	slices.SortFunc(out, func(a, b Stack) int {
		if a.Region < b.Region {
			return -1
		}
		if a.Region > b.Region {
			return 1
		}
		return 0
	})
	return out, nil
}
