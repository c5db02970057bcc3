package routes

import (
	"encoding/json"
	"fmt"

	"github.com/cognito-events/cognito-events/internal/config"
	"github.com/cognito-events/cognito-events/internal/pattern"
)

// Member is what an event crosses before a hub's rules when the
// configuration has an organization (docs/organizations.md): the hub bus
// must admit its account, and the member rule in its account and region
// must forward it.
type Member struct {
	// Org is the configuration's organization.
	Org *config.Organization
	// Pattern and State are the member template's rule.
	Pattern *pattern.Pattern
	State   string
}

// memberOf returns the member rule of an organization's configuration,
// nil without one.
func memberOf(cfg *config.Config) (*Member, error) {
	if cfg.Organization == nil {
		return nil, nil
	}
	mr, err := cfg.MemberRule()
	if err != nil {
		return nil, err
	}
	p, err := pattern.Compile(mr.Pattern)
	if err != nil {
		return nil, fmt.Errorf("member rule: generated pattern: %w", err)
	}
	return &Member{Org: cfg.Organization, Pattern: p, State: mr.State}, nil
}

// envelopeOrigin is the part of an envelope the hub's admission reads.
type envelopeOrigin struct {
	Account string `json:"account"`
	Region  string `json:"region"`
}

// Forwards reports whether the event reaches the hub bus: its region is a
// member region, its account one the hub admits, and the member rule
// matches it (a rule in state ENABLED never receiving read-only
// management events). The reason says why not.
func (m *Member) Forwards(event []byte) (bool, string, error) {
	ev, err := pattern.DecodeEvent(event)
	if err != nil {
		return false, "", err
	}
	return m.forwards(event, ev)
}

func (m *Member) forwards(event []byte, ev pattern.Event) (bool, string, error) {
	var o envelopeOrigin
	if err := json.Unmarshal(event, &o); err != nil {
		return false, "", fmt.Errorf("reading the envelope's account and region: %w", err)
	}
	if ok, why := m.Org.Admits(o.Account, o.Region); !ok {
		return false, "not forwarded to the hub: " + why, nil
	}
	if m.State == StateEnabled && readOnlyCloudTrail.MatchEvent(ev).Matched {
		return false, "member rule: " + reasonReadOnly, nil
	}
	if res := m.Pattern.MatchEvent(ev); !res.Matched {
		return false, "member rule: " + res.Reason, nil
	}
	return true, "", nil
}
