package status

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Write prints one block per route and region.
func Write(w io.Writer, routes []Route) {
	for i, r := range routes {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "route %s (%s, stack %s)\n", r.Route, r.Region, r.Stack)
		for _, rule := range r.Rules {
			bus := ""
			if rule.Bus != "" {
				bus = " on bus " + rule.Bus
			}
			fmt.Fprintf(w, "  rule            %s%s: %s\n", rule.Name, bus, rule.State)
		}
		if r.Function != "" {
			fmt.Fprintf(w, "  forwarder       %s", r.Function)
			if d := r.Deliveries; d != nil {
				fmt.Fprintf(w, ": in 24 h delivered %s, failed %s, skipped %s; last delivery %s", num(d.Delivered), num(d.Failed), num(d.Skipped), when(d.LastDelivery))
			}
			fmt.Fprintln(w)
		}
		for _, q := range r.Queues {
			fmt.Fprintf(w, "  %-15s %s: %d messages, %d in flight\n", shortWhat(q.What), q.Name, q.Messages, q.InFlight)
		}
		alarms := "none"
		if len(r.Alarms) > 0 {
			alarms = strings.Join(r.Alarms, ", ")
		}
		fmt.Fprintf(w, "  alarms in ALARM %s\n", alarms)
		if s := r.Sync; s != nil {
			fmt.Fprintf(w, "  sync            table %s; last run %s\n", s.Table, when(s.LastRun))
			if len(s.Pools) == 0 {
				fmt.Fprintln(w, "                  no pool synced yet")
			}
			for _, p := range s.Pools {
				phase := ""
				if p.Phase != "" {
					phase = ", phase " + p.Phase
				}
				lease := "no lease held"
				if l := p.Lease; l != nil {
					state := "until"
					if l.Expired {
						state = "expired at"
					}
					lease = fmt.Sprintf("lease held by %s %s %s", l.Holder, state, l.Expires.Format(time.RFC3339))
				}
				fmt.Fprintf(w, "                  pool %s: pass %d (%d completed%s); %s\n", p.Pool, p.Pass, p.Completed, phase, lease)
			}
		}
		if t := r.Triggers; t != nil {
			attached := "none"
			if len(t.Attached) > 0 {
				attached = strings.Join(t.Attached, ", ")
			}
			fmt.Fprintf(w, "  triggers        pool %s calls the trigger function for: %s\n", t.UserPool, attached)
		}
		for _, e := range r.Errors {
			fmt.Fprintf(w, "  error           %s\n", e)
		}
	}
}

// shortWhat names a queue's role in the text output.
func shortWhat(what string) string {
	switch {
	case strings.HasPrefix(what, "dead-letter queue"):
		return "dead letters"
	case strings.HasPrefix(what, "on-failure destination of the user sync"):
		return "sync failures"
	case strings.HasPrefix(what, "on-failure"):
		return "failures"
	}
	return what
}

func num(f float64) string { return fmt.Sprintf("%g", f) }

func when(t *time.Time) string {
	if t == nil {
		return "none in 24 h"
	}
	return t.UTC().Format(time.RFC3339)
}
