package config

import (
	"fmt"
	"strconv"
	"strings"
)

// ScheduleError is a schedule expression EventBridge would refuse at
// deploy: Rule says which rule of the grammar it breaks, Field names the
// cron field at fault ("day-of-week"), empty for the whole expression.
type ScheduleError struct {
	Expr  string
	Field string
	Rule  string
}

func (e *ScheduleError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%q: %s field: %s", e.Expr, e.Field, e.Rule)
	}
	return fmt.Sprintf("%q: %s", e.Expr, e.Rule)
}

// CheckSchedule checks an EventBridge schedule expression against the
// grammar of EventBridge's rate and cron references
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rate-expressions.html,
// eb-cron-expressions.html). rate(value unit): a positive integer, the unit
// minute, hour or day, singular for 1 and plural otherwise. cron(…): six
// fields (minutes, hours, day-of-month, month, day-of-week, year), each a
// comma list of values, ranges and steps within the field's bounds; exactly
// one of day-of-month and day-of-week is "?"; day-of-month also takes L,
// LW and nW, day-of-week L, nL and n#k (a "#" expression stands alone);
// day-of-week takes no steps. The error is a *ScheduleError.
func CheckSchedule(expr string) error {
	fail := func(field, format string, a ...any) error {
		return &ScheduleError{Expr: expr, Field: field, Rule: fmt.Sprintf(format, a...)}
	}
	switch {
	case strings.HasPrefix(expr, "rate(") && strings.HasSuffix(expr, ")"):
		return checkRate(expr, strings.TrimSuffix(strings.TrimPrefix(expr, "rate("), ")"), fail)
	case strings.HasPrefix(expr, "cron(") && strings.HasSuffix(expr, ")"):
		return checkCron(strings.TrimSuffix(strings.TrimPrefix(expr, "cron("), ")"), fail)
	}
	return fail("", `want rate(value unit) or cron(minutes hours day-of-month month day-of-week year), for example "rate(1 hour)" or "cron(0 3 * * ? *)"`)
}

type failFunc func(field, format string, a ...any) error

func checkRate(expr, body string, fail failFunc) error {
	parts := strings.Split(body, " ")
	if len(parts) != 2 {
		return fail("", "a rate has two fields, a value and a unit, separated by one space")
	}
	n, err := strconv.Atoi(parts[0])
	if err != nil || n < 1 || parts[0][0] == '0' || parts[0][0] == '+' {
		return fail("", "the value %q is not a positive whole number", parts[0])
	}
	unit := parts[1]
	switch strings.TrimSuffix(unit, "s") {
	case "minute", "hour", "day":
	default:
		return fail("", "the unit %q is not one of minute, minutes, hour, hours, day, days", unit)
	}
	if plural := strings.HasSuffix(unit, "s"); plural != (n > 1) {
		want := strings.TrimSuffix(unit, "s")
		if n > 1 {
			want += "s"
		}
		return fail("", "the unit is singular when the value is 1 and plural otherwise: rate(%d %s)", n, want)
	}
	return nil
}

// cronField is one field of a cron expression: its name, bounds, names for
// values, and the wildcards EventBridge allows in it.
type cronField struct {
	name     string
	lo, hi   int
	names    []string // names[i] is the value lo+i
	question bool     // "?" allowed
	step     bool     // "/" allowed
}

var cronFields = [6]cronField{
	{name: "minutes", lo: 0, hi: 59, step: true},
	{name: "hours", lo: 0, hi: 23, step: true},
	{name: "day-of-month", lo: 1, hi: 31, question: true, step: true},
	{name: "month", lo: 1, hi: 12, step: true, names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
	{name: "day-of-week", lo: 1, hi: 7, question: true, names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
	{name: "year", lo: 1970, hi: 2199, step: true},
}

const (
	fieldDayOfMonth = 2
	fieldDayOfWeek  = 4
)

func checkCron(body string, fail failFunc) error {
	fields := strings.Split(body, " ")
	if len(fields) != 6 {
		return fail("", "a cron expression has six fields separated by one space (minutes hours day-of-month month day-of-week year); this one has %d", len(strings.Fields(body)))
	}
	for i, f := range fields {
		if err := cronFields[i].check(f, fail); err != nil {
			return err
		}
	}
	dom, dow := fields[fieldDayOfMonth], fields[fieldDayOfWeek]
	switch {
	case dom == "?" && dow == "?":
		return fail("", "day-of-month and day-of-week are both ?: exactly one of them must be ?, the other a value or *")
	case dom != "?" && dow != "?":
		return fail("", "day-of-month (%s) and day-of-week (%s) are both set: exactly one of them must be ?, for example cron(0 3 * * ? *) or cron(0 3 ? * MON-FRI *)", dom, dow)
	}
	return nil
}

func (cf *cronField) check(f string, fail failFunc) error {
	if f == "" {
		return fail(cf.name, "empty")
	}
	if f == "?" {
		if !cf.question {
			return fail(cf.name, "? is allowed only in day-of-month and day-of-week")
		}
		return nil
	}
	up := strings.ToUpper(f)
	switch cf.name {
	case "day-of-month":
		if up == "L" || up == "LW" {
			return nil
		}
		if d, ok := strings.CutSuffix(up, "W"); ok {
			if _, err := cf.value(d); err != nil {
				return fail(cf.name, "%s: W follows one day of the month (1 to 31), as in 3W, the weekday nearest the 3rd", f)
			}
			return nil
		}
		if strings.ContainsAny(up, "LW") {
			return fail(cf.name, "%s: L (last day), LW (last weekday) and nW (weekday nearest day n) stand alone, not in lists or ranges", f)
		}
	case "day-of-week":
		if up == "L" {
			return nil
		}
		if d, k, ok := strings.Cut(up, "#"); ok {
			if strings.Contains(up, ",") {
				return fail(cf.name, "%s: a # expression stands alone: only one is allowed (\"3#1,6#3\" is invalid)", f)
			}
			if _, err := cf.value(d); err != nil {
				return fail(cf.name, "%s: # follows one day of the week (1 to 7 or SUN to SAT), as in 3#2, the second Tuesday", f)
			}
			if n, err := strconv.Atoi(k); err != nil || n < 1 || n > 5 || len(k) != 1 {
				return fail(cf.name, "%s: the instance after # is 1 to 5", f)
			}
			return nil
		}
		if d, ok := strings.CutSuffix(up, "L"); ok && !strings.ContainsAny(d, ",-/*") {
			if _, err := cf.value(d); err != nil {
				return fail(cf.name, "%s: L follows one day of the week, as in 6L, the last Friday of the month", f)
			}
			return nil
		}
		if strings.Contains(up, "L") {
			return fail(cf.name, "%s: L (last day of the week) and nL stand alone, not in lists or ranges", f)
		}
	}
	for _, item := range strings.Split(up, ",") {
		if err := cf.checkItem(item, fail); err != nil {
			return err
		}
	}
	return nil
}

func (cf *cronField) checkItem(item string, fail failFunc) error {
	if item == "" {
		return fail(cf.name, "an empty item in a comma list")
	}
	if item == "?" {
		return fail(cf.name, "? stands alone, not in a list")
	}
	base, step, hasStep := strings.Cut(item, "/")
	if hasStep {
		if !cf.step {
			return fail(cf.name, "%s: / (increments) is not allowed in %s", item, cf.name)
		}
		n, err := strconv.Atoi(step)
		if err != nil || n < 1 || n > cf.hi-cf.lo+1 {
			return fail(cf.name, "%s: the increment after / is a whole number from 1 to %d", item, cf.hi-cf.lo+1)
		}
	}
	if base == "*" {
		return nil
	}
	from, to, isRange := strings.Cut(base, "-")
	if _, err := cf.value(from); err != nil {
		return fail(cf.name, "%s: %v", item, err)
	}
	if isRange {
		if _, err := cf.value(to); err != nil {
			return fail(cf.name, "%s: %v", item, err)
		}
	}
	return nil
}

// value reads one value of the field: a number within its bounds or, in
// month and day-of-week, a three-letter name.
func (cf *cronField) value(s string) (int, error) {
	for i, n := range cf.names {
		if s == n {
			return cf.lo + i, nil
		}
	}
	v, err := strconv.Atoi(s)
	if err != nil || s == "" || s[0] == '+' || s[0] == '-' {
		if cf.names != nil {
			return 0, fmt.Errorf("%q is not a value from %d to %d or %s to %s", s, cf.lo, cf.hi, cf.names[0], cf.names[len(cf.names)-1])
		}
		return 0, fmt.Errorf("%q is not a value from %d to %d", s, cf.lo, cf.hi)
	}
	if v < cf.lo || v > cf.hi {
		return 0, fmt.Errorf("%d is out of range %d to %d", v, cf.lo, cf.hi)
	}
	return v, nil
}
