package usersync

import (
	"context"
	"fmt"
	"regexp"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

// EnvMemberUnits (SYNC_MEMBER_UNITS) lists, comma-separated,
// PARTITION:UNIT:REGION places: every ACTIVE account under the
// organizational unit (or root), through its child units, is discovered
// in REGION as a SYNC_MEMBER_DISCOVER place is.
const EnvMemberUnits = "SYNC_MEMBER_UNITS"

// UnitPlace is an organizational unit (ou-…) or root (r-…) of the
// organization whose accounts are discovered in Region.
type UnitPlace struct {
	Partition, Unit, Region string
}

var unitPlaceRE = regexp.MustCompile(`^(aws[a-z-]*):((?:ou-[0-9a-z]{4,32}-[0-9a-z]{8,32})|(?:r-[0-9a-z]{4,32})):([a-z]{2}(?:-[a-z]+)+-\d+)$`)

// ParseUnitPlace reads a PARTITION:UNIT:REGION place of SYNC_MEMBER_UNITS.
func ParseUnitPlace(s string) (UnitPlace, error) {
	m := unitPlaceRE.FindStringSubmatch(s)
	if m == nil {
		return UnitPlace{}, fmt.Errorf("%q is not PARTITION:UNIT:REGION (aws:ou-ab12-cdef3456:eu-west-1)", s)
	}
	return UnitPlace{Partition: m[1], Unit: m[2], Region: m[3]}, nil
}

// OrganizationsAPI is the part of AWS Organizations the sync uses.
type OrganizationsAPI interface {
	ListAccountsForParent(context.Context, *organizations.ListAccountsForParentInput, ...func(*organizations.Options)) (*organizations.ListAccountsForParentOutput, error)
	ListOrganizationalUnitsForParent(context.Context, *organizations.ListOrganizationalUnitsForParentInput, ...func(*organizations.Options)) (*organizations.ListOrganizationalUnitsForParentOutput, error)
}

// NewOrganizations builds the Organizations client; endpoint, when not
// nil, overrides the service's.
func NewOrganizations(ac aws.Config, endpoint *string) *organizations.Client {
	return organizations.NewFromConfig(ac, func(o *organizations.Options) {
		if endpoint != nil {
			o.BaseEndpoint = endpoint
		}
	})
}

// UnitAccounts lists the ACTIVE accounts under parent (an organizational
// unit or root) and, recursively, under its child units, each once, in
// the order found; every list is read to its last page.
func UnitAccounts(ctx context.Context, api OrganizationsAPI, parent string) ([]string, error) {
	var out []string
	pending := []string{parent}
	for len(pending) > 0 {
		p := pending[0]
		pending = pending[1:]
		accounts := organizations.NewListAccountsForParentPaginator(api, &organizations.ListAccountsForParentInput{ParentId: aws.String(p)})
		for accounts.HasMorePages() {
			page, err := accounts.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("listing the accounts of %s: %w", p, err)
			}
			for _, a := range page.Accounts {
				if a.Status == orgtypes.AccountStatusActive {
					out = append(out, aws.ToString(a.Id))
				}
			}
		}
		units := organizations.NewListOrganizationalUnitsForParentPaginator(api, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(p)})
		for units.HasMorePages() {
			page, err := units.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("listing the organizational units of %s: %w", p, err)
			}
			for _, u := range page.OrganizationalUnits {
				pending = append(pending, aws.ToString(u.Id))
			}
		}
	}
	return out, nil
}

// unitPlaces are the discovery places of the function's units: each
// ACTIVE account under a unit in the unit's region, each once and not
// already among f.Discover. An account's units are listed once per run.
func (f *Function) unitPlaces(ctx context.Context) ([]MemberPool, error) {
	if len(f.Units) == 0 {
		return nil, nil
	}
	if f.Organizations == nil {
		return nil, fmt.Errorf("discovering the accounts of organizational units: the function has no Organizations client")
	}
	var out []MemberPool
	listed := map[string][]string{}
	for _, u := range f.Units {
		accounts, ok := listed[u.Unit]
		if !ok {
			var err error
			if accounts, err = UnitAccounts(ctx, f.Organizations, u.Unit); err != nil {
				return nil, fmt.Errorf("discovering the accounts of organizational units: %w", err)
			}
			listed[u.Unit] = accounts
		}
		for _, a := range accounts {
			p := MemberPool{Partition: u.Partition, Account: a, Region: u.Region}
			if !containsPlace(f.Discover, p) && !containsPlace(out, p) {
				out = append(out, p)
			}
		}
	}
	return out, nil
}

func containsPlace(places []MemberPool, p MemberPool) bool {
	for _, q := range places {
		if q.Partition == p.Partition && q.Account == p.Account && q.Region == p.Region {
			return true
		}
	}
	return false
}
