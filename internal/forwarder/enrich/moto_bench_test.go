package enrich

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/emulator/moto"
)

// TestMain stops the shared moto server when the tests end.
func TestMain(m *testing.M) { moto.Main(m) }

// startMoto returns a client of the test binary's moto server
// (internal/emulator/moto), reset to no state: it skips without
// moto_server, and fails instead under CI=true.
func startMoto(tb testing.TB) *cip.Client {
	tb.Helper()
	srv := moto.Shared(tb)
	srv.Reset(tb)
	return cip.NewFromConfig(srv.Config())
}

// seedUser creates a user with an email and returns its sub. moto now and
// then fails a call client-side after doing it, and the SDK's retry then
// answers "already exists": the user is then read back.
func seedUser(tb testing.TB, c *cip.Client, pool, name string) string {
	tb.Helper()
	ctx := context.Background()
	out, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &pool, Username: &name,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(name + "@example.com")}}})
	attrs := []types.AttributeType(nil)
	switch {
	case err == nil:
		attrs = out.User.Attributes
	case moto.IsExists(err):
		got, err := c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &pool, Username: &name})
		if err != nil {
			tb.Fatalf("reading back user %s: %v", name, err)
		}
		attrs = got.UserAttributes
	default:
		tb.Fatalf("creating user %s: %v", name, err)
	}
	for _, a := range attrs {
		if aws.ToString(a.Name) == events.AttrSub {
			return aws.ToString(a.Value)
		}
	}
	tb.Fatalf("user %s has no sub", name)
	return ""
}

// BenchmarkLookupMoto compares the two ways to read one user by sub
// against moto with a pool of 1,000 users: ListUsers with a sub filter
// (what Users does) and AdminGetUser with the sub as username.
func BenchmarkLookupMoto(b *testing.B) {
	c := startMoto(b)
	ctx := context.Background()
	pool, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("bench")})
	if err != nil {
		b.Fatalf("creating pool: %v", err)
	}
	id := pool.UserPool.Id
	var subs []string
	for i := range 1000 {
		subs = append(subs, seedUser(b, c, aws.ToString(id), fmt.Sprintf("user%04d", i)))
	}
	b.Run("ListUsers-filter", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			out, err := c.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: id, Filter: aws.String(`sub = "` + subs[i%len(subs)] + `"`), Limit: aws.Int32(1)})
			if err != nil || len(out.Users) != 1 {
				b.Fatalf("ListUsers: %v, %d users", err, len(out.Users))
			}
		}
	})
	b.Run("AdminGetUser-username", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: id, Username: aws.String(fmt.Sprintf("user%04d", i%len(subs)))}); err != nil {
				b.Fatalf("AdminGetUser: %v", err)
			}
		}
	})
}

// TestEnrichMoto looks a user up in moto by the sub of a normalised event,
// then again after deleting the user: found, then notFound.
func TestEnrichMoto(t *testing.T) {
	c := startMoto(t)
	ctx := context.Background()
	pool, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("enrich")})
	if err != nil {
		t.Fatalf("creating pool: %v", err)
	}
	id := aws.ToString(pool.UserPool.Id)
	sub := seedUser(t, c, id, "alice")
	ev := normalize(t, "AdminUpdateUserAttributes.json")
	ev.UserPoolID = id
	ev.Data = []byte(`{"resource":{"type":"user","id":"` + sub + `"},"additionalEventData":{"sub":"` + sub + `","details":{}}}`)
	u := New(c, 100, events.AttributePolicy{})
	u.TTL = 0
	first := *ev
	if got := u.Enrich(ctx, &first); got.Status != StatusFound || !strings.Contains(string(first.Data), `"Username":"alice"`) {
		t.Fatalf("Enrich = %+v, data %s", got, first.Data)
	}
	if _, err := c.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: &id, Username: aws.String("alice")}); err != nil {
		t.Fatalf("deleting user: %v", err)
	}
	second := *ev
	if got := u.Enrich(ctx, &second); got.Status != StatusNotFound || strings.Contains(string(second.Data), `"user":`) {
		t.Fatalf("after delete: Enrich = %+v, data %s", got, second.Data)
	}
}
