package secret

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

type fakeSM struct {
	values map[string]*secretsmanager.GetSecretValueOutput
	calls  []string
}

func (f *fakeSM) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	f.calls = append(f.calls, aws.ToString(in.SecretId))
	if v, ok := f.values[aws.ToString(in.SecretId)]; ok {
		return v, nil
	}
	return nil, errors.New("ResourceNotFoundException")
}

type fakeSSM struct {
	values map[string]string
	calls  []string
}

func (f *fakeSSM) GetParameter(_ context.Context, name string) (string, error) {
	f.calls = append(f.calls, name)
	if v, ok := f.values[name]; ok {
		return v, nil
	}
	return "", errors.New("ParameterNotFound")
}

func TestRead(t *testing.T) {
	const arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:sink-AbCdEf"
	const binARN = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:bin-AbCdEf"
	const emptyARN = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:empty-AbCdEf"
	const ssmARN = "arn:aws:ssm:eu-west-1:111122223333:parameter/sink/key"
	sm := &fakeSM{values: map[string]*secretsmanager.GetSecretValueOutput{
		arn:      {SecretString: aws.String(`{"token":"t"}`)},
		binARN:   {SecretBinary: []byte(`{"token":"b"}`)},
		emptyARN: {},
	}}
	ps := &fakeSSM{values: map[string]string{"/sink/key": `{"apiKey":"k"}`, ssmARN: `{"apiKey":"a"}`, "/sink/empty": ""}}
	r := Reader{SecretsManager: sm, SSM: ps}
	for _, tc := range []struct {
		name, ref, want, wantErr string
	}{
		{"Secrets Manager string", arn, `{"token":"t"}`, ""},
		{"Secrets Manager binary", binARN, `{"token":"b"}`, ""},
		{"Secrets Manager empty", emptyARN, "", "no string value"},
		{"Secrets Manager missing", "arn:aws:secretsmanager:eu-west-1:111122223333:secret:nope", "", "ResourceNotFound"},
		{"SSM name", "/sink/key", `{"apiKey":"k"}`, ""},
		{"SSM ARN", ssmARN, `{"apiKey":"a"}`, ""},
		{"SSM empty", "/sink/empty", "", "no string value"},
		{"SSM missing", "/sink/nope", "", "ParameterNotFound"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.Read(context.Background(), tc.ref)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), tc.ref) {
					t.Fatalf("Read = %q, %v; want an error naming %s and %s", got, err, tc.ref, tc.wantErr)
				}
				return
			}
			if err != nil || string(got) != tc.want {
				t.Fatalf("Read = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}
