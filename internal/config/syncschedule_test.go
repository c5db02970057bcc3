package config

import (
	"strings"
	"testing"
	"time"
)

func TestCheckSyncScheduleCoversTimeout(t *testing.T) {
	tests := []struct {
		schedule string
		timeout  time.Duration
		refused  bool
	}{
		{"rate(5 minutes)", 900 * time.Second, true},
		{"rate(14 minutes)", 900 * time.Second, true},
		{"rate(15 minutes)", 900 * time.Second, false},
		{"rate(5 minutes)", 300 * time.Second, false},
		{"rate(1 hour)", 900 * time.Second, false},
		{"rate(1 day)", 900 * time.Second, false},
		{"cron(0/5 * * * ? *)", 900 * time.Second, true},
		{"cron(*/10 * * * ? *)", 600 * time.Second, false},
		{"cron(0,10 * * * ? *)", 900 * time.Second, true},
		{"cron(0 * * * ? *)", 900 * time.Second, false},
		{"cron(0 3 * * ? *)", 900 * time.Second, false},
		{"cron(55 23,0 * * ? *)", 900 * time.Second, false},
		{"cron(50 23 * * ? *)", 900 * time.Second, false},
		{"cron(0,5 3 * * ? *)", 900 * time.Second, true},
		{"cron(0 9-17 ? * MON-FRI *)", 900 * time.Second, false},
		{"cron(not a cron)", 900 * time.Second, false}, // the grammar's to refuse
	}
	for _, tt := range tests {
		t.Run(tt.schedule, func(t *testing.T) {
			err := CheckSyncScheduleCoversTimeout(tt.schedule, tt.timeout)
			if (err != nil) != tt.refused {
				t.Fatalf("error %v, want refused %v", err, tt.refused)
			}
			if err != nil && (!strings.Contains(err.Error(), "sync.schedule") || !strings.Contains(err.Error(), "timeout")) {
				t.Fatalf("error %q does not give the reason", err)
			}
		})
	}
}
