package enrich

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognito-events/cognito-events/events"
)

// startMoto starts moto_server on a free loopback port, or skips.
func startMoto(tb testing.TB) *cip.Client {
	tb.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		tb.Skip("moto_server not on PATH: pip install \"moto[server]\"")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("finding a port: %v", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	if err := cmd.Start(); err != nil {
		tb.Fatalf("starting moto: %v", err)
	}
	tb.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(url + "/moto-api/"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			tb.Fatal("moto did not start")
		}
	}
	return cip.New(cip.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret-test", ""),
	})
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
		out, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: id, Username: aws.String(fmt.Sprintf("user%04d", i)),
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(fmt.Sprintf("u%d@example.com", i))}}})
		if err != nil {
			b.Fatalf("seeding: %v", err)
		}
		for _, a := range out.User.Attributes {
			if aws.ToString(a.Name) == "sub" {
				subs = append(subs, aws.ToString(a.Value))
			}
		}
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
	out, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &id, Username: aws.String("alice"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("alice@example.com")}}})
	if err != nil {
		t.Fatalf("creating user: %v", err)
	}
	var sub string
	for _, a := range out.User.Attributes {
		if aws.ToString(a.Name) == "sub" {
			sub = aws.ToString(a.Value)
		}
	}
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
