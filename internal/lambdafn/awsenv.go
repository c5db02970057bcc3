package lambdafn

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// The variables Lambda sets for the AWS SDK, and the endpoint overrides the
// SDKs share (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>).
const (
	EnvAccessKeyID     = "AWS_ACCESS_KEY_ID"
	EnvSecretAccessKey = "AWS_SECRET_ACCESS_KEY"
	EnvSessionToken    = "AWS_SESSION_TOKEN"
	EnvEndpointURL     = "AWS_ENDPOINT_URL"
)

// Service ids as they appear in AWS_ENDPOINT_URL_<SERVICE>.
const (
	ServiceEventBridge    = "EVENTBRIDGE"
	ServiceSQS            = "SQS"
	ServiceSNS            = "SNS"
	ServiceSecretsManager = "SECRETS_MANAGER"
	ServiceSSM            = "SSM"
	ServiceCognito        = "COGNITO_IDENTITY_PROVIDER"
	ServiceOrganizations  = "ORGANIZATIONS"
)

// ErrNoCredentials is returned when the AWS credentials Lambda sets are
// missing.
var ErrNoCredentials = errors.New("AWS credentials not set")

// AWSConfig builds the AWS SDK configuration from what Lambda puts in
// the environment: AWS_REGION and the execution role's credentials
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN). It
// replaces config.LoadDefaultConfig, whose chain (shared files, SSO, IMDS,
// STS) a Lambda function never uses and which makes the binary larger.
func AWSConfig(getenv func(string) string) (aws.Config, error) {
	region := getenv("AWS_REGION")
	if region == "" {
		region = getenv("AWS_DEFAULT_REGION")
	}
	id, secret := getenv(EnvAccessKeyID), getenv(EnvSecretAccessKey)
	if id == "" || secret == "" {
		return aws.Config{}, fmt.Errorf("%w: %s and %s are required", ErrNoCredentials, EnvAccessKeyID, EnvSecretAccessKey)
	}
	if region == "" {
		return aws.Config{}, errors.New("AWS_REGION is not set")
	}
	return aws.Config{
		Region:      region,
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(id, secret, getenv(EnvSessionToken))),
	}, nil
}

// Endpoint returns the endpoint override for service: AWS_ENDPOINT_URL_<SERVICE>,
// else AWS_ENDPOINT_URL, else nil (the SDK resolves the regional endpoint).
func Endpoint(getenv func(string) string, service string) *string {
	for _, name := range []string{EnvEndpointURL + "_" + service, EnvEndpointURL} {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return aws.String(v)
		}
	}
	return nil
}
