package usersync

import (
	"context"
	"fmt"
	"regexp"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"golang.org/x/time/rate"

	"github.com/cognito-events/cognito-events/internal/lambdafn"
)

// EnvMemberPools (SYNC_MEMBER_POOLS) lists, comma-separated, the ARNs of
// user pools in other accounts of an organization that the hub's sync
// reads through each account's reader role (docs/organizations.md).
const EnvMemberPools = "SYNC_MEMBER_POOLS"

// EnvMemberDiscover (SYNC_MEMBER_DISCOVER) lists, comma-separated,
// PARTITION:ACCOUNT:REGION places whose every pool the hub's sync reads
// (ListUserPools as the account's reader role), beside SYNC_MEMBER_POOLS.
const EnvMemberDiscover = "SYNC_MEMBER_DISCOVER"

// MemberRolePrefix starts the name of the read-only role the member
// template creates in each member account; the pool's region follows.
const MemberRolePrefix = "cognito-events-sync-reader-"

// MemberPool is a user pool of another account, named by its ARN.
type MemberPool struct {
	ARN, Partition, Region, Account, ID string
}

var poolARNRE = regexp.MustCompile(`^arn:(aws[a-z-]*):cognito-idp:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):userpool/(([a-z]{2}(?:-[a-z]+)+-\d+)_[0-9A-Za-z]+)$`)

// ParsePoolARN reads a user pool ARN; the pool id's region must be the
// ARN's.
func ParsePoolARN(arn string) (MemberPool, error) {
	m := poolARNRE.FindStringSubmatch(arn)
	if m == nil || m[5] != m[2] {
		return MemberPool{}, fmt.Errorf("%q is not a user pool ARN (arn:aws:cognito-idp:REGION:ACCOUNT:userpool/REGION_ID)", arn)
	}
	return MemberPool{ARN: arn, Partition: m[1], Region: m[2], Account: m[3], ID: m[4]}, nil
}

var placeRE = regexp.MustCompile(`^(aws[a-z-]*):(\d{12}):([a-z]{2}(?:-[a-z]+)+-\d+)$`)

// ParsePlace reads a PARTITION:ACCOUNT:REGION place of SYNC_MEMBER_DISCOVER
// as a MemberPool without ARN and ID.
func ParsePlace(s string) (MemberPool, error) {
	m := placeRE.FindStringSubmatch(s)
	if m == nil {
		return MemberPool{}, fmt.Errorf("%q is not PARTITION:ACCOUNT:REGION (aws:222222222222:eu-west-1)", s)
	}
	return MemberPool{Partition: m[1], Account: m[2], Region: m[3]}, nil
}

// RoleARN is the member's reader role for the pool's region.
func (p MemberPool) RoleARN() string {
	return "arn:" + p.Partition + ":iam::" + p.Account + ":role/" + MemberRolePrefix + p.Region
}

// MemberCognito builds the Cognito client of a member pool: ac, in the
// pool's region, acting as the member's reader role (STS AssumeRole);
// endpoints, when not nil, override Cognito's and STS's.
func MemberCognito(ac aws.Config, p MemberPool, cognitoEndpoint, stsEndpoint *string) (CognitoAPI, error) {
	mc := ac.Copy()
	mc.Region = p.Region
	mc, err := lambdafn.AssumeRole(mc, p.RoleARN(), stsEndpoint)
	if err != nil {
		return nil, fmt.Errorf("account %s in %s: %w", p.Account, p.Region, err)
	}
	return NewCognito(mc, cognitoEndpoint), nil
}

// memberEngine returns the engine of a member pool: the function's, with
// the Cognito client (one AssumeRole session) and the limiter of the
// pool's account and region (Cognito's quotas are per account and
// region), which the pools of that account and region share.
func (f *Function) memberEngine(p MemberPool) (*Engine, error) {
	if f.MemberCognito == nil {
		return nil, fmt.Errorf("account %s in %s: the function has no way to reach member accounts", p.Account, p.Region)
	}
	key := p.Account + "/" + p.Region
	api, ok := f.clients[key]
	if !ok {
		var err error
		if api, err = f.MemberCognito(p); err != nil {
			return nil, err
		}
		if f.clients == nil {
			f.clients = map[string]CognitoAPI{}
		}
		f.clients[key] = api
	}
	if f.limiters == nil {
		f.limiters = map[string]Waiter{}
	}
	lim, ok := f.limiters[key]
	if !ok {
		lim = rate.NewLimiter(rate.Limit(f.Rate), 1)
		f.limiters[key] = lim
	}
	e := *f.Engine
	e.Cognito, e.Limiter = api, lim
	return &e, nil
}

// syncMembers runs each member pool's pass, one after the other, with its
// own lease and state (keyed by the pool id, as the hub's own pools): the
// listed pools, then every pool of each discovery place: those of
// SYNC_MEMBER_DISCOVER and the accounts found under SYNC_MEMBER_UNITS.
func (f *Function) syncMembers(ctx context.Context, total *Stats, errs *[]error) {
	members := slices.Clone(f.Members) // discovered pools are added per run
	units, err := f.unitPlaces(ctx)
	if err != nil {
		*errs = append(*errs, err)
	}
	for _, place := range slices.Concat(f.Discover, units) {
		if f.Engine.timeUp(ctx) {
			return
		}
		e, err := f.memberEngine(place)
		if err != nil {
			*errs = append(*errs, err)
			continue
		}
		ids, err := ListPools(ctx, e.Cognito, e.Limiter, CognitoRetry)
		if err != nil {
			*errs = append(*errs, fmt.Errorf("discovering the pools of account %s in %s: %w", place.Account, place.Region, err))
			continue
		}
		for _, id := range ids {
			p := place
			p.ID = id
			p.ARN = "arn:" + p.Partition + ":cognito-idp:" + p.Region + ":" + p.Account + ":userpool/" + id
			if !slices.ContainsFunc(members, func(m MemberPool) bool { return m.ARN == p.ARN }) {
				members = append(members, p)
			}
		}
	}
	for _, p := range members {
		if f.Engine.timeUp(ctx) {
			return
		}
		e, err := f.memberEngine(p)
		if err != nil {
			*errs = append(*errs, err)
			continue
		}
		f.syncOne(ctx, e, p.ID, total, errs)
	}
}
