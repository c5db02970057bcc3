package usersync

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	base := map[string]string{EnvStateTable: "state", "SINK_KIND": "http", "SINK_URL": "https://example.com/in"}
	tests := []struct {
		name  string
		set   map[string]string
		check func(*testing.T, Config)
		bad   string
	}{
		{"defaults", nil, func(t *testing.T, c Config) {
			if c.Rate != DefaultRate || c.Baseline || len(c.UserPoolIDs) != 0 || c.StateTable != "state" {
				t.Errorf("config %+v", c)
			}
		}, ""},
		{"every variable", map[string]string{EnvUserPoolIDs: " us-east-1_A, ,us-east-1_B", EnvRate: "2.5", EnvBaseline: "true", EnvDeny: "email,phone_number"}, func(t *testing.T, c Config) {
			if !slices.Equal(c.UserPoolIDs, []string{"us-east-1_A", "us-east-1_B"}) || c.Rate != 2.5 || !c.Baseline || !slices.Equal(c.Policy.Deny, []string{"email", "phone_number"}) {
				t.Errorf("config %+v", c)
			}
		}, ""},
		{"no table", map[string]string{EnvStateTable: ""}, nil, EnvStateTable},
		{"bad rate", map[string]string{EnvRate: "0"}, nil, EnvRate},
		{"bad baseline", map[string]string{EnvBaseline: "sometimes"}, nil, EnvBaseline},
		{"allow and deny", map[string]string{EnvAllow: "email", EnvDeny: "name"}, nil, EnvAllow},
		{"deny sub", map[string]string{EnvDeny: "sub"}, nil, "always kept"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range base {
				env[k] = v
			}
			for k, v := range tt.set {
				env[k] = v
			}
			c, err := Load(func(k string) string { return env[k] })
			if tt.bad != "" {
				if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.bad) {
					t.Fatalf("error %v, want ErrInvalid naming %s", err, tt.bad)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			tt.check(t, c)
		})
	}
}
