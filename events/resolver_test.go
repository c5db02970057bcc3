package events

import (
	"context"
	"errors"
	"testing"
)

// fakeResolver answers from a map and counts calls; err, when set, is
// returned for every call.
type fakeResolver struct {
	pools map[string]string
	err   error
	calls int
}

func (f *fakeResolver) ResolveUserPool(_ context.Context, region, clientID string) (string, error) {
	f.calls++
	if f.err != nil {
		return "", f.err
	}
	if p, ok := f.pools[region+"/"+clientID]; ok {
		return p, nil
	}
	return "", ErrPoolNotFound
}

var _ PoolResolver = (*fakeResolver)(nil)

// TestPoolResolution covers where the pool comes from: the record itself,
// the resolver for client-only records, and the fallback source.
func TestPoolResolution(t *testing.T) {
	clientOnly := `{"eventSource":"cognito-idp.amazonaws.com","eventName":"InitiateAuth","eventID":"e1","eventTime":"2024-05-01T10:00:00Z","awsRegion":"cn-north-1","recipientAccountId":"111122223333","userIdentity":{"type":"Unknown","principalId":"Anonymous"},"requestParameters":{"clientId":"abc123","authFlow":"USER_SRP_AUTH","authParameters":"HIDDEN_DUE_TO_SECURITY_REASONS"}}`
	withPool := `{"eventSource":"cognito-idp.amazonaws.com","eventName":"UpdateUserPoolClient","eventID":"e2","eventTime":"2024-05-01T10:00:00Z","awsRegion":"us-gov-west-1","recipientAccountId":"111122223333","requestParameters":{"userPoolId":"us-gov-west-1_AAAAAAAAA","clientId":"abc123"}}`
	tagged := `{"eventSource":"cognito-idp.amazonaws.com","eventName":"TagResource","eventID":"e3","eventTime":"2024-05-01T10:00:00Z","awsRegion":"eu-west-1","recipientAccountId":"111122223333","requestParameters":{"resourceArn":"arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_BBBBBBBBB","tags":{"team":"id"}}}`
	badPool := `{"eventSource":"cognito-idp.amazonaws.com","eventName":"DescribeUserPool","eventID":"e4","eventTime":"2024-05-01T10:00:00Z","awsRegion":"eu-west-1","recipientAccountId":"111122223333","requestParameters":{"userPoolId":"eu-west-1_x/../y"}}`
	tests := []struct {
		name       string
		input      string
		resolver   *fakeResolver
		wantSource string
		wantPool   string
		wantCalls  int
		wantErr    bool
	}{
		{"client only, resolved", clientOnly, &fakeResolver{pools: map[string]string{"cn-north-1/abc123": "cn-north-1_CCCCCCCCC"}},
			"arn:aws-cn:cognito-idp:cn-north-1:111122223333:userpool/cn-north-1_CCCCCCCCC", "cn-north-1_CCCCCCCCC", 1, false},
		{"client only, unknown client", clientOnly, &fakeResolver{},
			"arn:aws-cn:cognito-idp:cn-north-1:111122223333:userpool/unresolved", "", 1, false},
		{"client only, no resolver", clientOnly, nil,
			"arn:aws-cn:cognito-idp:cn-north-1:111122223333:userpool/unresolved", "", 0, false},
		{"client only, resolver fails", clientOnly, &fakeResolver{err: errors.New("throttled")}, "", "", 1, true},
		{"pool in record, resolver not asked", withPool, &fakeResolver{},
			"arn:aws-us-gov:cognito-idp:us-gov-west-1:111122223333:userpool/us-gov-west-1_AAAAAAAAA", "us-gov-west-1_AAAAAAAAA", 0, false},
		{"pool from resourceArn", tagged, nil,
			"arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_BBBBBBBBB", "eu-west-1_BBBBBBBBB", 0, false},
		{"malformed pool id ignored", badPool, nil,
			"arn:aws:cognito-idp:eu-west-1:111122223333:userpool/unresolved", "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n Normalizer
			if tt.resolver != nil {
				n.Resolver = tt.resolver
			}
			ev, err := n.Normalize(context.Background(), []byte(tt.input))
			if tt.resolver != nil && tt.resolver.calls != tt.wantCalls {
				t.Errorf("resolver called %d times, want %d", tt.resolver.calls, tt.wantCalls)
			}
			if tt.wantErr {
				if err == nil || sentinelName(err) != "" {
					t.Fatalf("Normalize() error = %v, want the resolver's error unclassified", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Normalize: %v", err)
			}
			if ev.Source != tt.wantSource || ev.UserPoolID != tt.wantPool {
				t.Errorf("source, pool = %q, %q; want %q, %q", ev.Source, ev.UserPoolID, tt.wantSource, tt.wantPool)
			}
		})
	}
}
