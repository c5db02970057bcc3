package config

import (
	"errors"
	"strings"
	"testing"
)

func TestInput(t *testing.T) {
	base := map[string]string{EnvSinkKind: "http", EnvSinkURL: "https://sink.example", EnvAllowedSources: "arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_A"}
	for _, tc := range []struct {
		name, value string
		want        Input
		wantErr     bool
	}{
		{"unset is eventbridge", "", InputEventBridge, false},
		{"eventbridge", "eventbridge", InputEventBridge, false},
		{"sqs", "sqs", InputSQS, false},
		{"spaces trimmed", " sqs ", InputSQS, false},
		{"sqs-cloudevents", "sqs-cloudevents", InputSQSCloudEvents, false},
		{"unknown", "kinesis", "", true},
		{"wrong case", "SQS", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{EnvInput: tc.value}
			for k, v := range base {
				env[k] = v
			}
			c, err := Load(func(k string) string { return env[k] })
			if tc.wantErr {
				if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), EnvInput) {
					t.Fatalf("Load = %v, want an error naming %s", err, EnvInput)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if c.Input != tc.want {
				t.Fatalf("Input = %q, want %q", c.Input, tc.want)
			}
		})
	}
}

// TestAllowedSources: sqs-cloudevents needs the route's pools; the list is
// comma-separated.
func TestAllowedSources(t *testing.T) {
	const a, b = "arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_A", "arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_B"
	env := map[string]string{EnvSinkKind: "http", EnvSinkURL: "https://sink.example", EnvInput: "sqs-cloudevents"}
	if _, err := Load(func(k string) string { return env[k] }); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), EnvAllowedSources) {
		t.Fatalf("Load without %s = %v, want an error naming it", EnvAllowedSources, err)
	}
	env[EnvAllowedSources] = a + ", " + b
	c, err := Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if len(c.AllowedSources) != 2 || c.AllowedSources[0] != a || c.AllowedSources[1] != b {
		t.Fatalf("AllowedSources = %q", c.AllowedSources)
	}
}
