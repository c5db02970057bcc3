package usersync

import (
	"context"
	"fmt"
	"regexp"

	"github.com/aws/aws-sdk-go-v2/aws"
	"golang.org/x/time/rate"

	"github.com/cognito-events/cognito-events/internal/lambdafn"
)

// EnvMemberPools (SYNC_MEMBER_POOLS) lists, comma-separated, the ARNs of
// user pools in other accounts of an organization that the hub's sync
// reads through each account's reader role (docs/organizations.md).
const EnvMemberPools = "SYNC_MEMBER_POOLS"

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
		return nil, fmt.Errorf("pool %s: %w", p.ARN, err)
	}
	return NewCognito(mc, cognitoEndpoint), nil
}

// memberEngine returns the engine of a member pool: the function's, with
// the member's Cognito client and the limiter of the pool's account and
// region (Cognito's quotas are per account and region), which the pools
// of that account and region share.
func (f *Function) memberEngine(p MemberPool) (*Engine, error) {
	if f.MemberCognito == nil {
		return nil, fmt.Errorf("pool %s: the function has no way to reach member accounts", p.ARN)
	}
	api, err := f.MemberCognito(p)
	if err != nil {
		return nil, err
	}
	key := p.Account + "/" + p.Region
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
// own lease and state (keyed by the pool id, as the hub's own pools).
func (f *Function) syncMembers(ctx context.Context, total *Stats, errs *[]error) {
	for _, p := range f.Members {
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
