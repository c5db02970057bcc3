package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/sink"
	"github.com/cognito-events/cognito-events/internal/usersync"
)

// DefaultOrganizationBus is the name of the hub's event bus when
// organization.bus is left out.
const DefaultOrganizationBus = "cognito-events-hub"

// MemberStackName is the id (and CloudFormation name) of the member
// template's stack: what the hub's StackSet deploys to every account of
// the organizational units and regions, and the plain stack `make synth`
// writes for listed accounts outside them.
const MemberStackName = "cognito-events-member"

// SyncReaderRolePrefix starts the name of the read-only role the member
// template creates for the hub's user sync; the member region follows
// (IAM names are global to an account, and the template is deployed once
// per region).
const SyncReaderRolePrefix = usersync.MemberRolePrefix

// HubSyncRolePrefix starts the name of a hub sync function's role; the
// route's name follows. The name is fixed so that member templates can
// trust exactly that role.
const HubSyncRolePrefix = "cognito-events-sync-"

// SyncReaderActions are what the member's sync reader role allows: the
// sync's reads (SyncCognitoActions) and the pool discovery.
var SyncReaderActions = append(slices.Clone(SyncCognitoActions), "cognito-idp:ListUserPools")

var (
	accountRE = regexp.MustCompile(`^\d{12}$`)
	orgIDRE   = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
	// ouRE matches an organizational unit id, or a root id (a StackSet
	// deploys to every account of a root as of an OU).
	ouRE  = regexp.MustCompile(`^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$`)
	busRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,256}$`)
)

// Organization deploys the app as one hub for an AWS organization
// (docs/organizations.md): the hub stack, in the hub's account and region,
// owns an event bus that the member accounts' rules forward CloudTrail's
// Cognito events to, and every CloudTrail route's rule listens on it; a
// StackSet deploys the member template to the organizational units.
type Organization struct {
	// Hub is the account and region of the hub stack. Required.
	Hub Hub `json:"hub"`
	// OrgID is the organization's id (o-...), which the hub bus's policy
	// admits (aws:PrincipalOrgID). Required.
	OrgID string `json:"orgId"`
	// Members are where the member template goes.
	Members Members `json:"members"`
	// Bus is the hub event bus's name. Default DefaultOrganizationBus.
	Bus string `json:"bus"`
}

// Hub is the hub stack's account and region.
type Hub struct {
	Account string `json:"account"`
	Region  string `json:"region"`
}

// Members are the accounts and regions that forward to the hub.
type Members struct {
	// OrganizationalUnits (ou-... or a root r-...) get the member
	// template through the hub's service-managed StackSet, including
	// accounts that join them later.
	OrganizationalUnits []string `json:"organizationalUnits"`
	// Accounts outside those units: the hub bus admits them by id, and
	// each deploys the member template `make synth` writes as a plain
	// stack.
	Accounts []string `json:"accounts"`
	// Regions the member template is deployed to. At least one.
	Regions []string `json:"regions"`
}

// BusName is the hub bus's name.
func (o *Organization) BusName() string {
	if o.Bus == "" {
		return DefaultOrganizationBus
	}
	return o.Bus
}

// BusARN is the hub bus's ARN, in the hub's account and region.
func (o *Organization) BusARN() string {
	return "arn:" + Partition + ":events:" + o.Hub.Region + ":" + o.Hub.Account + ":event-bus/" + o.BusName()
}

// SyncRoleName is the name of the hub's sync function role of route.
func SyncRoleName(route string) string { return HubSyncRolePrefix + route }

// SyncReaderRoleName is the member's sync reader role in region.
func SyncReaderRoleName(region string) string { return SyncReaderRolePrefix + region }

// Admits reports whether an event from account in region reaches the hub
// bus: region must be a member region and the account a listed one, or
// any account when organizational units are configured (which accounts
// they hold only AWS Organizations knows; the bus policy admits every
// account of the organization). The reason says why not.
func (o *Organization) Admits(account, region string) (bool, string) {
	if !slices.Contains(o.Members.Regions, region) {
		return false, fmt.Sprintf("region %q is not in organization.members.regions %v: no member rule forwards from there", region, o.Members.Regions)
	}
	if slices.Contains(o.Members.Accounts, account) {
		return true, ""
	}
	if len(o.Members.OrganizationalUnits) > 0 {
		return true, ""
	}
	return false, fmt.Sprintf("account %q is not in organization.members.accounts %v and no organizational unit is configured: it has no member rule and the hub bus refuses it", account, o.Members.Accounts)
}

// validate checks the organization against the rest of the
// configuration; errors name the field under "organization.".
func (o *Organization) validate(regions []string) error {
	if !accountRE.MatchString(o.Hub.Account) {
		return fmt.Errorf("organization.hub.account: %q: want a 12-digit account id", o.Hub.Account)
	}
	if !sink.ValidRegion(o.Hub.Region) {
		return fmt.Errorf("organization.hub.region: %q is not a region name such as us-east-1", o.Hub.Region)
	}
	if len(regions) != 1 || regions[0] != o.Hub.Region {
		return fmt.Errorf("regions: %v: with organization the app deploys one hub stack, so regions must be exactly [%q] (organization.hub.region); the member regions go in organization.members.regions", regions, o.Hub.Region)
	}
	if !orgIDRE.MatchString(o.OrgID) {
		return fmt.Errorf("organization.orgId: %q: want an organization id such as o-a1b2c3d4e5", o.OrgID)
	}
	m := o.Members
	if len(m.OrganizationalUnits)+len(m.Accounts) == 0 {
		return fmt.Errorf("organization.members: list organizationalUnits, accounts or both: without them no account forwards to the hub")
	}
	for i, ou := range m.OrganizationalUnits {
		if !ouRE.MatchString(ou) {
			return fmt.Errorf("organization.members.organizationalUnits[%d]: %q: want an organizational unit id such as ou-ab12-cd34ef56, or a root id such as r-ab12", i, ou)
		}
		if slices.Contains(m.OrganizationalUnits[:i], ou) {
			return fmt.Errorf("organization.members.organizationalUnits[%d]: %q is listed twice", i, ou)
		}
	}
	for i, a := range m.Accounts {
		if !accountRE.MatchString(a) {
			return fmt.Errorf("organization.members.accounts[%d]: %q: want a 12-digit account id", i, a)
		}
		if slices.Contains(m.Accounts[:i], a) {
			return fmt.Errorf("organization.members.accounts[%d]: %q is listed twice", i, a)
		}
		if a == o.Hub.Account {
			return fmt.Errorf("organization.members.accounts[%d]: %q is the hub's account: a member forwards to the hub from another account", i, a)
		}
	}
	if len(m.Regions) == 0 {
		return fmt.Errorf("organization.members.regions: at least one region is required, for example [%q]", o.Hub.Region)
	}
	for i, r := range m.Regions {
		if !sink.ValidRegion(r) {
			return fmt.Errorf("organization.members.regions[%d]: %q is not a region name such as us-east-1", i, r)
		}
		if slices.Contains(m.Regions[:i], r) {
			return fmt.Errorf("organization.members.regions[%d]: %q is listed twice", i, r)
		}
	}
	if !busRE.MatchString(o.BusName()) || o.BusName() == "default" || len(o.BusName()) > 256 {
		return fmt.Errorf("organization.bus: %q: want a custom event bus name (letters, digits, ., _ and -, at most 256; not \"default\")", o.Bus)
	}
	return nil
}

// validateAccounts checks a route's selection.accounts, and the keys a
// hub route cannot honour: the forwarder's Cognito reads (pool lookup,
// enrich.user) run in the hub's account, where the members' pools are
// not.
func (r *Route) validateAccounts(o *Organization) error {
	accounts := r.Selection.Accounts
	if o == nil {
		if len(accounts) > 0 {
			return fmt.Errorf("selection.accounts: applies only with organization (the envelope's account is always this stack's own otherwise)")
		}
		if r.Sync != nil && (len(r.Sync.MemberPools) > 0 || r.Sync.DiscoverMemberPools) {
			return fmt.Errorf("sync.memberPools and sync.discoverMemberPools: apply only with organization (the member accounts' reader roles come with the member template)")
		}
		return nil
	}
	if len(accounts) > 0 && !r.HasRule() {
		return fmt.Errorf("selection.accounts: selects the CloudTrail events of a rule, and this route has none (a sync-only or triggers route)")
	}
	for i, a := range accounts {
		if !accountRE.MatchString(a) {
			return fmt.Errorf("selection.accounts[%d]: %q: want a 12-digit account id", i, a)
		}
		if slices.Contains(accounts[:i], a) {
			return fmt.Errorf("selection.accounts[%d]: %q is listed twice", i, a)
		}
		if len(o.Members.OrganizationalUnits) == 0 && !slices.Contains(o.Members.Accounts, a) {
			return fmt.Errorf("selection.accounts[%d]: %q is not in organization.members.accounts %v (and no organizational unit is configured): its events never reach the hub", i, a, o.Members.Accounts)
		}
	}
	if err := r.validateMemberPools(o); err != nil {
		return err
	}
	if r.HasRule() && r.PoolResolution.Lookup {
		return fmt.Errorf("poolResolution.lookup: with organization the forwarder runs in the hub's account and cannot list the members' pools: use poolResolution.clientMap")
	}
	if r.HasRule() && r.Enrich.User {
		return fmt.Errorf("enrich.user: with organization the forwarder runs in the hub's account and cannot read the members' users: leave it out")
	}
	return nil
}

// poolRegions are the regions a selected user pool may be in: the stacks'
// regions, and with organization the member regions.
func (c *Config) poolRegions() []string {
	if c.Organization == nil {
		return c.Regions
	}
	out := slices.Clone(c.Regions)
	for _, r := range c.Organization.Members.Regions {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// EnvSyncMemberPools is the sync function's list of member pool ARNs
// (usersync.EnvMemberPools).
const EnvSyncMemberPools = usersync.EnvMemberPools

// validateMemberPools checks sync.memberPools: pool ARNs of accounts the
// hub admits, in member regions, each once.
func (r *Route) validateMemberPools(o *Organization) error {
	if r.Sync == nil {
		return nil
	}
	for i, arn := range r.Sync.MemberPools {
		p, err := usersync.ParsePoolARN(arn)
		if err != nil {
			return fmt.Errorf("sync.memberPools[%d]: %w", i, err)
		}
		if slices.Contains(r.Sync.MemberPools[:i], arn) {
			return fmt.Errorf("sync.memberPools[%d]: %q is listed twice", i, arn)
		}
		if p.Account == o.Hub.Account {
			return fmt.Errorf("sync.memberPools[%d]: %q is in the hub's account: list it in selection.userPoolIds", i, arn)
		}
		if ok, why := o.Admits(p.Account, p.Region); !ok {
			return fmt.Errorf("sync.memberPools[%d]: %q: %s", i, arn, why)
		}
	}
	return nil
}

// memberStatements let the hub's sync assume the reader role of each
// member pool's (and discovery place's) account and region, and no other
// role; with organizational units, also the reader role of each member
// region in any account under the units (aws:ResourceOrgPaths), and the
// two Organizations list actions that find those accounts, which have no
// resource-level permissions.
func (r *Route) memberStatements() []Statement {
	var roles []string
	var places []usersync.MemberPool
	for _, arn := range r.Sync.MemberPools {
		if p, err := usersync.ParsePoolARN(arn); err == nil { // else refused by validation
			places = append(places, p)
		}
	}
	for _, s := range r.Sync.memberPlaces {
		if p, err := usersync.ParsePlace(s); err == nil {
			places = append(places, p)
		}
	}
	for _, p := range places {
		role := "arn:" + Partition + ":iam::" + p.Account + ":role/" + SyncReaderRoleName(p.Region)
		if !slices.Contains(roles, role) {
			roles = append(roles, role)
		}
	}
	var out []Statement
	if len(roles) > 0 {
		out = append(out, Statement{Sid: SidAssumeMemberReader, Actions: []string{"sts:AssumeRole"}, Resources: roles})
	}
	if len(r.Sync.memberUnits) == 0 {
		return out
	}
	roles = nil
	for _, s := range r.Sync.memberUnits {
		if u, err := usersync.ParseUnitPlace(s); err == nil {
			role := "arn:" + Partition + ":iam::*:role/" + SyncReaderRoleName(u.Region)
			if !slices.Contains(roles, role) {
				roles = append(roles, role)
			}
		}
	}
	return append(out,
		Statement{Sid: SidAssumeUnitReader, Actions: []string{"sts:AssumeRole"}, Resources: roles, Conditions: []sink.Condition{
			{Test: "ForAnyValue:StringLike", Key: "aws:ResourceOrgPaths", Values: r.Sync.unitPaths},
		}},
		Statement{Sid: SidListUnitAccounts, Actions: UnitListActions, Resources: []string{"*"}},
	)
}

// SidAssumeUnitReader names the hub sync's statement on the reader roles
// of the accounts under organizational units, and SidListUnitAccounts its
// Organizations statement.
const (
	SidAssumeUnitReader = "AssumeUnitSyncReader"
	SidListUnitAccounts = "ListUnitAccounts"
)

// UnitListActions are the Organizations actions the hub's sync uses to
// find the accounts under organizational units.
var UnitListActions = []string{"organizations:ListAccountsForParent", "organizations:ListOrganizationalUnitsForParent"}

// EnvSyncMemberUnits is the sync function's list of units to discover
// (usersync.EnvMemberUnits).
const EnvSyncMemberUnits = usersync.EnvMemberUnits

// SidAssumeMemberReader names the hub sync's statement on the member
// reader roles.
const SidAssumeMemberReader = "AssumeMemberSyncReader"

// EnvSyncMemberDiscover is the sync function's list of discovery places
// (usersync.EnvMemberDiscover).
const EnvSyncMemberDiscover = usersync.EnvMemberDiscover

// applyOrganization sets each discovering sync's places: every listed
// member account, and every organizational unit, in every member region.
func (c *Config) applyOrganization() {
	o := c.Organization
	if o == nil {
		return
	}
	for i := range c.Routes {
		s := c.Routes[i].Sync
		if s == nil || !s.DiscoverMemberPools {
			continue
		}
		s.memberPlaces, s.memberUnits, s.unitPaths = nil, nil, nil
		for _, a := range o.Members.Accounts {
			for _, region := range o.Members.Regions {
				s.memberPlaces = append(s.memberPlaces, events.Partition(region)+":"+a+":"+region)
			}
		}
		for _, u := range o.Members.OrganizationalUnits {
			for _, region := range o.Members.Regions {
				s.memberUnits = append(s.memberUnits, events.Partition(region)+":"+u+":"+region)
			}
			path := o.OrgID + "/*/" + u + "/*" // an OU at any depth
			if strings.HasPrefix(u, "r-") {
				path = o.OrgID + "/" + u + "/*"
			}
			s.unitPaths = append(s.unitPaths, path)
		}
	}
}
