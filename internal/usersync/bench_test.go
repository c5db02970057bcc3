package usersync

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"golang.org/x/time/rate"

	"github.com/cognito-events/cognito-events/internal/retry"
)

// synthCognito answers ListUsers with n synthetic users, generated per
// page (nothing held), and a user pool ARN. It is in-process: the
// benchmarks measure the engine and the state, not HTTP.
type synthCognito struct {
	CognitoAPI
	n int
}

func (s *synthCognito) DescribeUserPool(context.Context, *cip.DescribeUserPoolInput, ...func(*cip.Options)) (*cip.DescribeUserPoolOutput, error) {
	return &cip.DescribeUserPoolOutput{UserPool: &types.UserPoolType{Arn: aws.String("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_bench")}}, nil
}

func (s *synthCognito) ListUsers(_ context.Context, in *cip.ListUsersInput, _ ...func(*cip.Options)) (*cip.ListUsersOutput, error) {
	start := 0
	if in.PaginationToken != nil {
		start, _ = strconv.Atoi(*in.PaginationToken)
	}
	end := min(start+int(aws.ToInt32(in.Limit)), s.n)
	out := &cip.ListUsersOutput{}
	t := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := start; i < end; i++ {
		name := fmt.Sprintf("user%08d", i)
		out.Users = append(out.Users, types.UserType{
			Username: aws.String(name), Enabled: true, UserStatus: types.UserStatusTypeConfirmed,
			UserCreateDate: &t, UserLastModifiedDate: &t,
			Attributes: []types.AttributeType{
				{Name: aws.String("sub"), Value: aws.String(fmt.Sprintf("00000000-0000-4000-8000-%012d", i))},
				{Name: aws.String("email"), Value: aws.String(name + "@example.com")},
				{Name: aws.String("email_verified"), Value: aws.String("true")},
			},
		})
	}
	if end < s.n {
		out.PaginationToken = aws.String(strconv.Itoa(end))
	}
	return out, nil
}

// BenchmarkSyncRate runs one pass of 30 pages under a --rate of 100 and
// reports the achieved request rate as a fraction of it (rate_ratio).
func BenchmarkSyncRate(b *testing.B) {
	const limit = 100.0
	b.ReportAllocs()
	for b.Loop() {
		e := newEngine(b, &synthCognito{n: 30 * PageSize}, filepath.Join(b.TempDir(), "s.db"), &recorder{})
		e.Limiter = rate.NewLimiter(limit, 1)
		e.Baseline = true
		start := time.Now()
		s, err := e.SyncPool(context.Background(), "us-east-1_bench")
		if err != nil {
			b.Fatalf("sync: %v", err)
		}
		// The first request passes at once (burst 1): N requests span N-1 intervals.
		b.ReportMetric(float64(s.Requests-1)/time.Since(start).Seconds()/limit, "rate_ratio")
	}
}

// BenchmarkSyncState runs a baseline pass of N users into a bolt file and
// reports the file's bytes per user; run with -benchtime=1x and
// /usr/bin/time -f %M for the peak RSS of each size.
func BenchmarkSyncState(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				path := filepath.Join(b.TempDir(), "s.db")
				e := newEngine(b, &synthCognito{n: n}, path, &recorder{})
				e.Limiter = rate.NewLimiter(rate.Inf, 1)
				e.Retry = retry.Policy{}
				e.Baseline = true
				if _, err := e.SyncPool(context.Background(), "us-east-1_bench"); err != nil {
					b.Fatalf("sync: %v", err)
				}
				fi, err := os.Stat(path)
				if err != nil {
					b.Fatalf("stat: %v", err)
				}
				b.ReportMetric(float64(fi.Size())/float64(n), "file_bytes/user")
			}
		})
	}
}
