package config

import "strings"

// InRegion reports whether the route has anything in region's stack: a
// route whose selection.userPoolIds all lie in other regions (a pool id's
// prefix is its region) gets no rule, forwarder, archive, queues, alarms or
// sync there, since EventBridge delivers a pool's calls only in its own
// region. A route without pool ids is in every region.
func (r *Route) InRegion(region string) bool {
	if len(r.Selection.UserPoolIDs) == 0 {
		return true
	}
	for _, id := range r.Selection.UserPoolIDs {
		if p, _, _ := strings.Cut(id, "_"); p == region {
			return true
		}
	}
	return false
}
