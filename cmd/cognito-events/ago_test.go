package main

import (
	"testing"
	"time"
)

func TestParseAgo(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"7d", 7 * 24 * time.Hour, true},
		{"90m", 90 * time.Minute, true},
		{"36500d", 36500 * 24 * time.Hour, true},
		{"0d", 0, false},
		{"-1h", 0, false},
		// 200000 days overflow time.Duration: wrapped, the window began in
		// the future and read nothing.
		{"200000d", 0, false},
		{"999999999999d", 0, false},
	} {
		got, err := parseAgo(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseAgo(%q) = %v, %v; want %v (ok %v)", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
