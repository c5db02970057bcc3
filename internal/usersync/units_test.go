package usersync

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/cognito-events/cognito-events/internal/emulator/moto"
)

func TestParseUnitPlace(t *testing.T) {
	u, err := ParseUnitPlace("aws:ou-ab12-cdef3456:eu-west-1")
	if err != nil || u != (UnitPlace{Partition: "aws", Unit: "ou-ab12-cdef3456", Region: "eu-west-1"}) {
		t.Errorf("ParseUnitPlace: %+v, %v", u, err)
	}
	if u, err := ParseUnitPlace("aws:r-ab12:us-east-1"); err != nil || u.Unit != "r-ab12" {
		t.Errorf("root: %+v, %v", u, err)
	}
	for _, bad := range []string{"", "aws:222222222222:eu-west-1", "aws:ou-ab12:eu-west-1", "ou-ab12-cdef3456:eu-west-1", "aws:ou-ab12-cdef3456:"} {
		if _, err := ParseUnitPlace(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// orgAccount creates an account of the moto organization, moved under
// parent when parent is not root.
func orgAccount(t *testing.T, org *organizations.Client, name, root, parent string) string {
	t.Helper()
	var id string
	moto.Retry(t, "creating account "+name, func(ctx context.Context) error {
		out, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(name), Email: aws.String(name + "@example.com")})
		if err == nil {
			id = aws.ToString(out.CreateAccountStatus.AccountId)
		}
		return err
	}, nil)
	if parent != root {
		moto.Retry(t, "moving account "+name, func(ctx context.Context) error {
			_, err := org.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: aws.String(id), SourceParentId: aws.String(root), DestinationParentId: aws.String(parent)})
			return err
		}, nil)
	}
	return id
}

// TestHubSyncDiscoversUnitAccounts: on moto's Organizations, the hub's sync
// with SYNC_MEMBER_UNITS finds the account under a child unit of the
// configured unit (ListAccountsForParent and ListOrganizationalUnitsForParent,
// one page at a time), discovers and syncs its pool through the account's
// reader role (events carry that pool's ARN), and leaves alone an account
// of the organization outside the unit.
func TestHubSyncDiscoversUnitAccounts(t *testing.T) {
	srv := moto.Shared(t)
	ctx := context.Background()
	org := NewOrganizations(srv.Config(), nil)
	moto.Retry(t, "creating the organization", func(ctx context.Context) error {
		_, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll})
		return err
	}, func(err error) bool {
		var already *orgtypes.AlreadyInOrganizationException
		return errors.As(err, &already)
	})
	roots, err := org.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil || len(roots.Roots) != 1 {
		t.Fatalf("ListRoots: %+v, %v", roots, err)
	}
	root := aws.ToString(roots.Roots[0].Id)
	newUnit := func(parent, name string) string {
		out, err := org.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String(parent), Name: aws.String(name)})
		if err != nil {
			t.Fatalf("CreateOrganizationalUnit %s: %v", name, err)
		}
		return aws.ToString(out.OrganizationalUnit.Id)
	}
	products := newUnit(root, "products-"+t.Name())
	stage := newUnit(products, "stage-"+t.Name())
	inside := orgAccount(t, org, "inside", root, stage)
	outside := orgAccount(t, org, "outside", root, root)

	accounts, err := UnitAccounts(ctx, org, products)
	if err != nil || len(accounts) != 1 || accounts[0] != inside {
		t.Fatalf("UnitAccounts(%s) = %v, %v; want [%s] (the child unit's account only)", products, accounts, err, inside)
	}
	_, in := memberPool(t, inside, 2)
	_, out := memberPool(t, outside, 1)

	rec := &recorder{}
	e := newEngine(t, NewCognito(srv.Config(), nil), t.TempDir()+"/unused.db", rec)
	e.Store = motoTable(t)
	var assumed []string
	f := &Function{
		Engine: e, Rate: 1000, Organizations: org,
		Units: []UnitPlace{{Partition: "aws", Unit: products, Region: moto.Region}},
		MemberCognito: func(p MemberPool) (CognitoAPI, error) {
			assumed = append(assumed, p.Account)
			return MemberCognito(srv.Config(), p, nil, nil)
		},
	}
	if stats, err := f.Handle(ctx, nil); err != nil || !stats.Complete {
		t.Fatalf("Handle: %+v, %v", stats, err)
	}
	sources := map[string]int{}
	for _, ev := range rec.take() {
		sources[ev.Source]++
	}
	if sources[in.ARN] != 2 || len(sources) != 1 {
		t.Errorf("events by source %v: want 2 from %s and none from %s (outside the unit)", sources, in.ARN, out.ARN)
	}
	if len(assumed) != 1 || assumed[0] != inside {
		t.Errorf("AssumeRole into %v, want [%s] only", assumed, inside)
	}
}
