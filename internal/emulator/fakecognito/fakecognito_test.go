package fakecognito

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// client is the real SDK client pointed at s, its retries off, its
// requests' bodies in memory (HTTPClient says why).
func client(tb testing.TB, s *Server) *cip.Client {
	tb.Helper()
	return cip.New(cip.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(s.URL),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   HTTPClient(),
	})
}

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func status(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func TestListUsersPages(t *testing.T) {
	s := Start(t, Options{Users: 130})
	c := client(t, s)
	ctx := context.Background()
	in := &cip.ListUsersInput{UserPoolId: aws.String(s.PoolID()), Limit: aws.Int32(60)}
	var names []string
	for pages := 0; ; pages++ {
		if pages > 3 {
			t.Fatalf("more than 3 pages")
		}
		out, err := c.ListUsers(ctx, in)
		if err != nil {
			t.Fatalf("ListUsers: %v", err)
		}
		for _, u := range out.Users {
			names = append(names, aws.ToString(u.Username))
			if !u.Enabled || u.UserStatus != "CONFIRMED" || u.UserCreateDate == nil || len(u.Attributes) != 3 {
				t.Fatalf("user %+v", u)
			}
		}
		if out.PaginationToken == nil {
			break
		}
		in.PaginationToken = out.PaginationToken
	}
	if len(names) != 130 || names[0] != Username(0) || names[129] != Username(129) {
		t.Fatalf("got %d users from %v to %v", len(names), names[0], names[len(names)-1])
	}
	if c := s.Counts(); c.Admitted != 3 || c.Throttled != 0 {
		t.Fatalf("counts %+v, want 3 admitted", c)
	}
}

func TestErrors(t *testing.T) {
	s := Start(t, Options{Users: 10})
	c := client(t, s)
	ctx := context.Background()
	pool := aws.String(s.PoolID())
	tests := []struct {
		name string
		call func() error
		code string
	}{
		{"limit over 60", func() error {
			_, err := c.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: pool, Limit: aws.Int32(61)})
			return err
		}, codeInvalidParam},
		{"bad token", func() error {
			_, err := c.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: pool, PaginationToken: aws.String("garbage")})
			return err
		}, codeInvalidParam},
		{"unknown pool", func() error {
			_, err := c.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: aws.String("us-east-1_other")})
			return err
		}, codeNotFound},
		{"user past the pool", func() error {
			_, err := c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: pool, Username: aws.String(Username(10))})
			return err
		}, codeUserNotFound},
		{"odd username", func() error {
			_, err := c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: pool, Username: aws.String("user-1")})
			return err
		}, codeUserNotFound},
		{"user found", func() error {
			out, err := c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: pool, Username: aws.String(Username(9))})
			if err == nil && (len(out.UserAttributes) != 3 || aws.ToString(out.UserAttributes[0].Value) != Sub(9)) {
				t.Errorf("AdminGetUser: %+v", out)
			}
			return err
		}, ""},
		{"describe", func() error {
			out, err := c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: pool})
			if err == nil && aws.ToString(out.UserPool.Arn) != s.ARN() {
				t.Errorf("Arn %q", aws.ToString(out.UserPool.Arn))
			}
			return err
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if code(err) != tt.code || (tt.code == "" && err != nil) {
				t.Fatalf("error %v (code %q), want code %q", err, code(err), tt.code)
			}
		})
	}
	s.SetUsers(5)
	if _, err := c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: pool, Username: aws.String(Username(7))}); code(err) != codeUserNotFound {
		t.Fatalf("after SetUsers(5), user 7: %v", err)
	}
}

func TestCeilingAndFaults(t *testing.T) {
	t.Run("ceiling", func(t *testing.T) {
		s := Start(t, Options{Users: 1, Ceiling: 5})
		c := client(t, s)
		var throttled int
		for range 20 {
			_, err := c.DescribeUserPool(context.Background(), &cip.DescribeUserPoolInput{UserPoolId: aws.String(s.PoolID())})
			if code(err) == CodeTooManyRequests && status(err) == http.StatusBadRequest {
				throttled++
			} else if err != nil {
				t.Fatalf("DescribeUserPool: %v", err)
			}
		}
		// A burst of 5 then about 5 a second: 20 quick calls are mostly throttled.
		if got := s.Counts(); throttled < 10 || got.Throttled != int64(throttled) || got.Admitted != int64(20-throttled) {
			t.Fatalf("%d throttled, counts %+v", throttled, got)
		}
	})
	t.Run("fault", func(t *testing.T) {
		s := Start(t, Options{Users: 1, Fault: func(n int64, op string) (int, string) {
			switch n {
			case 1:
				return http.StatusTooManyRequests, ""
			case 2:
				return http.StatusServiceUnavailable, CodeInternal
			}
			return 0, ""
		}})
		c := client(t, s)
		want := []int{http.StatusTooManyRequests, http.StatusServiceUnavailable, 0}
		for i, w := range want {
			_, err := c.DescribeUserPool(context.Background(), &cip.DescribeUserPoolInput{UserPoolId: aws.String(s.PoolID())})
			if status(err) != w && !(w == 0 && err == nil) {
				t.Fatalf("call %d: %v, want status %d", i, err, w)
			}
		}
		if got := s.Counts(); got.Faulted != 2 || got.Admitted != 1 || len(got.PerSecond) != 1 {
			t.Fatalf("counts %+v", got)
		}
	})
}

// BenchmarkListUsers measures one page of 60 users through the SDK.
func BenchmarkListUsers(b *testing.B) {
	s := Start(b, Options{Users: 1_000_000})
	c := client(b, s)
	in := &cip.ListUsersInput{UserPoolId: aws.String(s.PoolID()), Limit: aws.Int32(60), PaginationToken: aws.String("next:500000")}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.ListUsers(context.Background(), in); err != nil {
			b.Fatalf("ListUsers: %v", err)
		}
	}
}
