package lambdafn

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// ServiceSTS is STS's name in AWS_ENDPOINT_URL_<SERVICE>.
const ServiceSTS = "STS"

// RoleSessionName names the sessions AssumeRole opens, so that CloudTrail
// in the role's account shows who read its pools.
const RoleSessionName = "cognito-events-sync"

// ErrRoleARN says a role ARN is not one.
var ErrRoleARN = errors.New("not an IAM role ARN")

var roleARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:iam::(\d{12}):role/[\w+=,.@/-]{1,512}$`)

// RoleAccount returns the account of an IAM role ARN, or an error wrapping
// ErrRoleARN.
func RoleAccount(arn string) (string, error) {
	m := roleARNRE.FindStringSubmatch(arn)
	if m == nil {
		return "", fmt.Errorf("%w: %q (want arn:aws:iam::ACCOUNT:role/NAME)", ErrRoleARN, arn)
	}
	return m[1], nil
}

// AssumeRole returns a copy of cfg whose calls act as the role: STS
// AssumeRole (with cfg's credentials and endpoint) gives temporary
// credentials, cached and renewed before they expire. stsEndpoint, when
// not nil, overrides STS's endpoint (Endpoint(getenv, ServiceSTS)).
func AssumeRole(cfg aws.Config, arn string, stsEndpoint *string) (aws.Config, error) {
	if _, err := RoleAccount(arn); err != nil {
		return aws.Config{}, err
	}
	out := cfg.Copy()
	client := sts.NewFromConfig(cfg, func(o *sts.Options) {
		if stsEndpoint != nil {
			o.BaseEndpoint = stsEndpoint
		}
	})
	provider := stscreds.NewAssumeRoleProvider(client, arn, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = RoleSessionName
	})
	out.Credentials = aws.NewCredentialsCache(provider)
	return out, nil
}
