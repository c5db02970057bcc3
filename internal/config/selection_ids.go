package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cognito-events/cognito-events/events"
)

// opGroup is a set of a route's operations whose records carry the
// selected ids in the same places: one pattern (or several, when split)
// tests exactly those places.
type opGroup struct {
	ops          []events.Operation
	pool, client []events.Place
	// byID is true when the route selects pools or clients.
	byID bool
}

// idGroups groups the operations by the places of the ids the selection
// filters on, in the order of their first operation. Without
// selection.userPoolIds and selection.clientIds there is one group. An
// operation whose records never carry a selected kind of id (InitiateAuth
// names no pool) cannot be told apart by it and is left out; when that
// leaves none, the error says so.
func (r *Route) idGroups(ops []events.Operation) ([]opGroup, error) {
	sel := r.Selection
	pools, clients := len(sel.UserPoolIDs) > 0, len(sel.ClientIDs) > 0
	if !pools && !clients {
		return []opGroup{{ops: ops}}, nil
	}
	var groups []opGroup
	key := func(g opGroup) string { return fmt.Sprint(g.pool, g.client) }
	var dropped []string
	for _, op := range ops {
		g := opGroup{byID: true}
		if pools {
			g.pool = op.PoolIDPlaces()
		}
		if clients {
			g.client = op.ClientIDPlaces()
		}
		if pools && len(g.pool) == 0 || clients && len(g.client) == 0 {
			dropped = append(dropped, op.Name)
			continue
		}
		i := slices.IndexFunc(groups, func(h opGroup) bool { return key(h) == key(g) })
		if i < 0 {
			groups = append(groups, g)
			i = len(groups) - 1
		}
		groups[i].ops = append(groups[i].ops, op)
	}
	if len(groups) == 0 {
		var what []string
		if pools {
			what = append(what, "a user pool id (selection.userPoolIds)")
		}
		if clients {
			what = append(what, "an app client id (selection.clientIds)")
		}
		return nil, fmt.Errorf("selection: no selected operation's records carry %s, so the rule could match nothing (%s): select operations that do, or drop the id filter", strings.Join(what, " and "), strings.Join(dropped, ", "))
	}
	return groups, nil
}

// tooLong explains a rule for op alone that exceeds MaxPatternSize: by how
// much, and how many ids each id key may keep for it to fit.
func (r *Route) tooLong(g opGroup, op events.Operation, size, alts int) error {
	sel := r.Selection
	var fixes []string
	fit := func(pools, clients []string) bool {
		c := *r
		c.Selection.UserPoolIDs, c.Selection.ClientIDs = pools, clients
		ps, err := c.groupRules(opGroup{ops: []events.Operation{op}, pool: g.pool, client: g.client, byID: true}, "ENABLED", false)
		return err == nil && len(ps) == 1
	}
	keep := func(n int, try func(k int) bool) int {
		for k := n - 1; k >= 1; k-- {
			if try(k) {
				return k
			}
		}
		return 0
	}
	if n := len(sel.UserPoolIDs); n > 1 {
		if k := keep(n, func(k int) bool { return fit(sel.UserPoolIDs[:k], sel.ClientIDs) }); k > 0 {
			fixes = append(fixes, fmt.Sprintf("list at most %d of the %d pools in selection.userPoolIds (%d fewer)", k, n, n-k))
		}
	}
	if n := len(sel.ClientIDs); n > 1 {
		if k := keep(n, func(k int) bool { return fit(sel.UserPoolIDs, sel.ClientIDs[:k]) }); k > 0 {
			fixes = append(fixes, fmt.Sprintf("list at most %d of the %d client ids in selection.clientIds (%d fewer)", k, n, n-k))
		}
	}
	if len(sel.Match) > 0 && string(sel.Match) != "null" {
		fixes = append(fixes, "simplify selection.match")
	}
	if !sel.IncludeFailed {
		fixes = append(fixes, "set selection.includeFailed (which halves the alternatives)")
	}
	if len(fixes) == 0 {
		fixes = append(fixes, "split the selection over several routes")
	}
	return fmt.Errorf("selection: a rule for %s alone would be %d characters, %d more than EventBridge's default limit of %d: its conditions make %d alternatives; %s", op.Name, size, size-MaxPatternSize, MaxPatternSize, alts, strings.Join(fixes, ", or "))
}
