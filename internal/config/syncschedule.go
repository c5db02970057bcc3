package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CheckSyncScheduleCoversTimeout refuses a schedule that can fire again
// before a run of the given timeout ends: two runs of one pool would then
// overlap (the second finds the pool's lease held and sends nothing, every
// time the first is still running). It reads only the period of the
// expression: rate(N unit) exactly; for cron(…), the shortest gap between
// two firings that its minute and hour fields allow (numbers, lists,
// ranges, steps and "*"; a day-of-month or day-of-week restriction only
// widens the gaps). The grammar itself is checked elsewhere; an
// expression this function cannot read is not refused here.
func CheckSyncScheduleCoversTimeout(schedule string, timeout time.Duration) error {
	period, ok := shortestPeriod(schedule)
	if !ok || period >= timeout {
		return nil
	}
	return fmt.Errorf("sync.schedule: %q fires every %s, less than the sync's timeout of %s (sync.timeoutSeconds): runs would overlap; choose a schedule of at least %s or a shorter timeout",
		schedule, period, timeout, timeout)
}

// shortestPeriod is the shortest time between two firings of schedule.
func shortestPeriod(schedule string) (time.Duration, bool) {
	if inner, ok := strings.CutPrefix(schedule, "rate("); ok {
		n, unit, ok := strings.Cut(strings.TrimSuffix(inner, ")"), " ")
		v, err := strconv.Atoi(n)
		if !ok || err != nil || v <= 0 {
			return 0, false
		}
		switch strings.TrimSuffix(unit, "s") {
		case "minute":
			return time.Duration(v) * time.Minute, true
		case "hour":
			return time.Duration(v) * time.Hour, true
		case "day":
			return time.Duration(v) * 24 * time.Hour, true
		}
		return 0, false
	}
	inner, ok := strings.CutPrefix(schedule, "cron(")
	if !ok {
		return 0, false
	}
	fields := strings.Fields(strings.TrimSuffix(inner, ")"))
	if len(fields) != 6 {
		return 0, false
	}
	minutes, ok1 := cronValues(fields[0], 0, 59)
	hours, ok2 := cronValues(fields[1], 0, 23)
	if !ok1 || !ok2 {
		return 0, false
	}
	var at []int
	for _, h := range hours {
		for _, m := range minutes {
			at = append(at, h*60+m)
		}
	}
	slices.Sort(at)
	gap := at[0] + 24*60 - at[len(at)-1] // to the first firing of the next day
	for i := 1; i < len(at); i++ {
		gap = min(gap, at[i]-at[i-1])
	}
	return time.Duration(gap) * time.Minute, true
}

// cronValues expands one numeric cron field: "*", "n", "a-b", "a/s",
// "*/s", "a-b/s" and comma lists of them.
func cronValues(field string, lo, hi int) ([]int, bool) {
	seen := map[int]bool{}
	for _, part := range strings.Split(field, ",") {
		rng, stepText, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			s, err := strconv.Atoi(stepText)
			if err != nil || s <= 0 {
				return nil, false
			}
			step = s
		}
		from, to := lo, hi
		switch {
		case rng == "*":
		case strings.Contains(rng, "-"):
			a, b, _ := strings.Cut(rng, "-")
			x, err1 := strconv.Atoi(a)
			y, err2 := strconv.Atoi(b)
			if err1 != nil || err2 != nil || x < lo || y > hi || x > y {
				return nil, false
			}
			from, to = x, y
		default:
			x, err := strconv.Atoi(rng)
			if err != nil || x < lo || x > hi {
				return nil, false
			}
			from = x
			if !hasStep {
				to = x
			}
		}
		for v := from; v <= to; v += step {
			seen[v] = true
		}
	}
	out := make([]int, 0, len(seen))
	for v := range seen {
		out = append(out, v)
	}
	slices.Sort(out)
	return out, len(out) > 0
}
