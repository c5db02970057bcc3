package config

import (
	"errors"
	"strings"
	"testing"
)

// TestCheckScheduleValid: the expressions of EventBridge's rate and cron
// references (eb-rate-expressions.html, eb-cron-expressions.html: the
// examples table and each wildcard's example set in a whole expression)
// are accepted.
func TestCheckScheduleValid(t *testing.T) {
	for _, expr := range []string{
		// Rate expressions reference, examples and limitations.
		"rate(1 minute)",
		"rate(5 minutes)",
		"rate(1 hour)",
		"rate(1 day)",
		"rate(5 hours)",
		"rate(2 days)",
		// Cron expressions reference, examples.
		"cron(0 10 * * ? *)",
		"cron(15 12 * * ? *)",
		"cron(0 18 ? * MON-FRI *)",
		"cron(0 8 1 * ? *)",
		"cron(0/15 * * * ? *)",
		"cron(0/10 * ? * MON-FRI *)",
		"cron(0/5 8-17 ? * MON-FRI *)",
		"cron(0/30 20-2 ? * MON-FRI *)",
		"cron(0/30 0-2 ? * MON *)",
		// The syntax page's own examples: cron(0 20 * * ? *), and the
		// limitation's two forms of "every hour".
		"cron(0 20 * * ? *)",
		"cron(0 * * * ? *)",
		"cron(0 * ? * * *)",
		// Each wildcard's example from the reference, in a whole expression.
		"cron(0 0 1 JAN,FEB,MAR ? *)", // , in month
		"cron(0 0 1-15 * ? *)",        // - in day
		"cron(1/10 * * * ? *)",        // / in minutes
		"cron(0 0 7 * ? *)",           // ? in day-of-week
		"cron(0 0 L * ? *)",           // L in day-of-month
		"cron(0 0 ? * L *)",           // L in day-of-week
		"cron(0 0 3W * ? *)",          // W in day-of-month
		"cron(0 0 ? * 3#2 *)",         // # in day-of-week
		// Values at each field's bounds and the year range.
		"cron(59 23 31 12 ? 2199)",
		"cron(0 0 ? 1 1 1970)",
		"cron(0 0 ? DEC SAT 2026-2030)",
		"cron(0 9 ? * 6L *)",
		"cron(30 14 10,20 * ? 2026-2030)",
		"cron(0 0 LW * ? *)",
		"cron(0 0/4 * * ? *)",
		"cron(0 0 */2 * ? *)",
		"cron(0 0 1 */3 ? 2026/2)",
		"cron(0 3 * * ? *)",
		"cron(0 0 ? * mon-fri *)",
	} {
		if err := CheckSchedule(expr); err != nil {
			t.Errorf("CheckSchedule(%q) = %v, want nil", expr, err)
		}
	}
}

// TestCheckScheduleInvalid: each expression EventBridge refuses, with the
// field and the rule it breaks.
func TestCheckScheduleInvalid(t *testing.T) {
	tests := []struct {
		expr, field, rule string
	}{
		// The references' own invalid examples.
		{"rate(1 hours)", "", "singular when the value is 1"},
		{"rate(5 hour)", "", "plural otherwise: rate(5 hours)"},
		{"cron(0 0 ? * 3#1,6#3 *)", "day-of-week", "only one is allowed"},
		{"cron(0 3 * * * *)", "", "day-of-month (*) and day-of-week (*) are both set"},
		{"cron(0 18 1 * MON-FRI *)", "", "are both set"},
		// Shapes.
		{"hourly", "", "want rate(value unit) or cron("},
		{"rate(0 minutes)", "", "not a positive whole number"},
		{"rate(-1 minutes)", "", "not a positive whole number"},
		{"rate(1.5 hours)", "", "not a positive whole number"},
		{"rate(1 week)", "", `the unit "week"`},
		{"rate(1  hour)", "", "two fields"},
		{"cron(0 3 * * ?)", "", "six fields"},
		{"cron(0 3 * * ? * *)", "", "six fields"},
		{"cron(0 3 ? * ? *)", "", "both ?"},
		// Bounds.
		{"cron(60 3 * * ? *)", "minutes", "60 is out of range 0 to 59"},
		{"cron(0 24 * * ? *)", "hours", "24 is out of range 0 to 23"},
		{"cron(0 3 0 * ? *)", "day-of-month", "0 is out of range 1 to 31"},
		{"cron(0 3 * 13 ? *)", "month", "13 is out of range 1 to 12"},
		{"cron(0 3 * JANUARY ? *)", "month", `"JANUARY" is not a value`},
		{"cron(0 3 ? * 0 *)", "day-of-week", "0 is out of range 1 to 7"},
		{"cron(0 3 * * ? 1969)", "year", "1969 is out of range 1970 to 2199"},
		// Wildcards where the field does not take them.
		{"cron(0 3 * * ? ?)", "year", "? is allowed only in day-of-month and day-of-week"},
		{"cron(0 3 ? * MON/2 *)", "day-of-week", "/ (increments) is not allowed"},
		{"cron(0/0 * * * ? *)", "minutes", "increment after /"},
		{"cron(0 3 3W,5 * ? *)", "day-of-month", "stand alone"},
		{"cron(0 3 32W * ? *)", "day-of-month", "W follows one day"},
		{"cron(0 3 ? * 3#6 *)", "day-of-week", "1 to 5"},
		{"cron(0 3 ? * 8#1 *)", "day-of-week", "# follows one day"},
		{"cron(0 3 ? * MON,L *)", "day-of-week", "stand alone"},
		{"cron(0 3 1,,2 * ? *)", "day-of-month", "empty item"},
		{"cron(0 3 ?,1 * ? *)", "day-of-month", "? stands alone"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			err := CheckSchedule(tt.expr)
			var se *ScheduleError
			if !errors.As(err, &se) {
				t.Fatalf("CheckSchedule(%q) = %v, want a *ScheduleError", tt.expr, err)
			}
			if se.Field != tt.field || !strings.Contains(se.Rule, tt.rule) {
				t.Errorf("CheckSchedule(%q) = field %q rule %q\nwant field %q rule containing %q", tt.expr, se.Field, se.Rule, tt.field, tt.rule)
			}
		})
	}
}

// TestScheduleNamesRoute: a route's bad schedule is refused at Parse,
// naming the route, the key and the rule.
func TestScheduleNamesRoute(t *testing.T) {
	input := patch(t, "", `{"selection": {"userPoolIds": ["us-east-1_AAAAAAAAA"]}, "sync": {"schedule": "cron(0 3 * * * *)"}}`)
	_, err := Parse([]byte(input))
	want := `route "app-clients": sync.schedule: "cron(0 3 * * * *)": day-of-month (*) and day-of-week (*) are both set: exactly one of them must be ?`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
}
