package demo

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/cognito-events/cognito-events/internal/emulator/motoserver"
)

// The emulated pool of the demo's sync step.
const demoPoolName = "cognito-events-demo"

// demoUsers are the pool's users, created with an email address and a
// given name (test data only).
var demoUsers = []string{"alice", "bob", "carol", "dave", "erin"}

// What the step changes between the first and the second pass.
const (
	demoDisabledUser = "bob"
	demoUpdatedUser  = "carol"
	demoDeletedUser  = "erin"
	demoUpdatedName  = "Caroline"
)

func demoUserNames() string { return strings.Join(demoUsers, ", ") }

// demoPool is the seeded pool.
type demoPool struct{ ID string }

// demoSeedPool creates the pool and its users, idempotently: moto now and
// then fails a call client-side after doing it, and the SDK's retry then
// answers "already exists", which counts as done; an existing pool of the
// name is reused.
func demoSeedPool(ctx context.Context, moto *motoserver.Server) (demoPool, error) {
	c := cip.NewFromConfig(moto.Config())
	id, err := demoFindPool(ctx, c)
	if err != nil {
		return demoPool{}, err
	}
	if id == "" {
		out, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String(demoPoolName)})
		if err != nil {
			return demoPool{}, fmt.Errorf("creating the demo pool: %w", err)
		}
		id = aws.ToString(out.UserPool.Id)
	}
	for _, name := range demoUsers {
		_, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
			UserPoolId:    &id,
			Username:      aws.String(name),
			MessageAction: types.MessageActionTypeSuppress,
			UserAttributes: []types.AttributeType{
				{Name: aws.String("email"), Value: aws.String(name + "@example.com")},
				{Name: aws.String("given_name"), Value: aws.String(strings.ToUpper(name[:1]) + name[1:])},
			},
		})
		if err != nil && !demoErrorIs(err, "UsernameExistsException") {
			return demoPool{}, fmt.Errorf("creating demo user %s: %w", name, err)
		}
	}
	return demoPool{ID: id}, nil
}

// demoFindPool returns the id of the pool named demoPoolName, or "".
func demoFindPool(ctx context.Context, c *cip.Client) (string, error) {
	in := &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)}
	for {
		out, err := c.ListUserPools(ctx, in)
		if err != nil {
			return "", fmt.Errorf("listing the emulated pools: %w", err)
		}
		for _, p := range out.UserPools {
			if aws.ToString(p.Name) == demoPoolName {
				return aws.ToString(p.Id), nil
			}
		}
		if aws.ToString(out.NextToken) == "" {
			return "", nil
		}
		in.NextToken = out.NextToken
	}
}

// demoChangePool disables one user, changes another's attribute and
// deletes a third; it returns what it did, for the output.
func demoChangePool(ctx context.Context, moto *motoserver.Server, pool string) (string, error) {
	c := cip.NewFromConfig(moto.Config())
	if _, err := c.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: &pool, Username: aws.String(demoDisabledUser)}); err != nil {
		return "", fmt.Errorf("disabling demo user %s: %w", demoDisabledUser, err)
	}
	if _, err := c.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{
		UserPoolId: &pool, Username: aws.String(demoUpdatedUser),
		UserAttributes: []types.AttributeType{{Name: aws.String("given_name"), Value: aws.String(demoUpdatedName)}},
	}); err != nil {
		return "", fmt.Errorf("updating demo user %s: %w", demoUpdatedUser, err)
	}
	_, err := c.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: &pool, Username: aws.String(demoDeletedUser)})
	if err != nil && !demoErrorIs(err, "UserNotFoundException") {
		return "", fmt.Errorf("deleting demo user %s: %w", demoDeletedUser, err)
	}
	return fmt.Sprintf("AdminDisableUser %s, AdminUpdateUserAttributes %s (given_name %s), AdminDeleteUser %s",
		demoDisabledUser, demoUpdatedUser, demoUpdatedName, demoDeletedUser), nil
}

// demoErrorIs reports an AWS error with the given code.
func demoErrorIs(err error, code string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == code
}
