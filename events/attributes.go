package events

import (
	"errors"
	"fmt"
	"slices"
)

// AttrSub is the user attribute that identifies a user for good: the
// subject of every user event is "user/<sub>", so no policy removes it.
const AttrSub = "sub"

// ErrBadPolicy is wrapped by the errors of AttributePolicy.Validate.
var ErrBadPolicy = errors.New("invalid attribute policy")

// AttributePolicy limits the user attributes an event carries, applied
// before anything leaves the function that reads them (the user sync, the
// trigger function). With Allow set, only the attributes it names are kept;
// otherwise every attribute but those Deny names. Names compare exactly, as
// Cognito spells them ("email", "custom:tier"). The zero policy keeps every
// attribute; "sub" is always kept.
type AttributePolicy struct {
	// Allow lists the only attributes kept.
	Allow []string `json:"allow,omitempty"`
	// Deny lists attributes dropped (personal data a consumer must not
	// see). Only without Allow.
	Deny []string `json:"deny,omitempty"`
}

// Keep reports whether the policy lets the attribute name through.
func (p AttributePolicy) Keep(name string) bool {
	switch {
	case name == AttrSub:
		return true
	case len(p.Allow) > 0:
		return slices.Contains(p.Allow, name)
	default:
		return !slices.Contains(p.Deny, name)
	}
}

// Validate reports a policy that sets both lists, or names an empty
// attribute; errors wrap ErrBadPolicy and name the list and index.
func (p AttributePolicy) Validate() error {
	if len(p.Allow) > 0 && len(p.Deny) > 0 {
		return fmt.Errorf("%w: set allow or deny, not both", ErrBadPolicy)
	}
	for _, l := range []struct {
		name  string
		names []string
	}{{"allow", p.Allow}, {"deny", p.Deny}} {
		for i, n := range l.names {
			if n == "" {
				return fmt.Errorf("%w: %s[%d]: empty attribute name", ErrBadPolicy, l.name, i)
			}
			if l.name == "deny" && n == AttrSub {
				return fmt.Errorf("%w: deny[%d]: %q identifies the user and is always kept", ErrBadPolicy, i, AttrSub)
			}
		}
	}
	return nil
}
