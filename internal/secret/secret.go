package secret

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/cognito-events/cognito-events/internal/sink"
)

// SecretsManagerAPI is the part of the Secrets Manager client used here.
type SecretsManagerAPI interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// ParameterAPI reads one SSM parameter, decrypted; *SSM is the real one.
type ParameterAPI interface {
	GetParameter(ctx context.Context, name string) (string, error)
}

var _ SecretsManagerAPI = (*secretsmanager.Client)(nil)

// ErrEmpty is wrapped when the secret or parameter has no string value.
var ErrEmpty = errors.New("secret has no string value")

// Reader reads a credential once; the caller keeps the value (the forwarder
// reads it at cold start and holds it for the life of the process).
type Reader struct {
	SecretsManager SecretsManagerAPI
	SSM            ParameterAPI
}

// Read returns the value of ref: a Secrets Manager secret ARN, or an SSM
// parameter name or ARN (decrypted). Errors name ref, never the value.
func (r Reader) Read(ctx context.Context, ref string) ([]byte, error) {
	if sink.IsSecretsManagerARN(ref) {
		out, err := r.SecretsManager.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(ref)})
		if err != nil {
			return nil, fmt.Errorf("reading secret %s: %w", ref, err)
		}
		if out.SecretString != nil && *out.SecretString != "" {
			return []byte(*out.SecretString), nil
		}
		if len(out.SecretBinary) > 0 {
			return out.SecretBinary, nil
		}
		return nil, fmt.Errorf("reading secret %s: %w", ref, ErrEmpty)
	}
	value, err := r.SSM.GetParameter(ctx, ref)
	if err != nil {
		return nil, fmt.Errorf("reading parameter %s: %w", ref, err)
	}
	if value == "" {
		return nil, fmt.Errorf("reading parameter %s: %w", ref, ErrEmpty)
	}
	return []byte(value), nil
}
