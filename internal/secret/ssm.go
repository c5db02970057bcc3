package secret

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cognito-events/cognito-events/internal/sink"
)

// SSM reads one parameter with GetParameter (decrypted), over the AWS JSON
// 1.1 protocol, signed with SigV4. It stands in for the SDK's SSM client,
// whose 150 operations cost the function about 1 MB of binary and 3 ms of
// package initialisation on every cold start, for a call made once.
type SSM struct {
	// Endpoint is the base URL; empty means https://ssm.<Region>.amazonaws.com
	// (amazonaws.com.cn in China regions).
	Endpoint    string
	Region      string
	Credentials aws.CredentialsProvider
	// Client sends the request; nil means a client with a 10s timeout.
	Client *http.Client
}

var _ ParameterAPI = (*SSM)(nil)

// ErrSSM is wrapped by errors SSM answered with.
var ErrSSM = errors.New("SSM refused the request")

const ssmTarget = "AmazonSSM.GetParameter"

// GetParameter returns the decrypted value of the parameter name (a name or
// an ARN).
func (s *SSM) GetParameter(ctx context.Context, name string) (string, error) {
	body, err := json.Marshal(struct {
		Name           string
		WithDecryption bool
	}{name, true})
	if err != nil {
		return "", fmt.Errorf("encoding GetParameter: %w", err)
	}
	endpoint := s.Endpoint
	if endpoint == "" {
		suffix := "amazonaws.com"
		if strings.HasPrefix(s.Region, "cn-") {
			suffix = "amazonaws.com.cn"
		}
		endpoint = "https://ssm." + s.Region + "." + suffix
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(endpoint, "/")+"/", bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("building GetParameter: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", ssmTarget)
	signer := sink.SigV4{Credentials: s.Credentials, Service: "ssm", Region: s.Region}
	if err := signer.Authorize(ctx, req, body); err != nil {
		return "", fmt.Errorf("signing GetParameter: %w", err)
	}
	client := s.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("calling GetParameter: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("reading GetParameter answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(raw, &e)
		code := e.Type[strings.LastIndex(e.Type, "#")+1:]
		return "", fmt.Errorf("%w: %s (HTTP %d): %s", ErrSSM, code, resp.StatusCode, e.Message)
	}
	var out struct {
		Parameter *struct{ Value *string }
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return "", fmt.Errorf("decoding GetParameter answer: not the expected JSON")
	}
	if out.Parameter == nil || out.Parameter.Value == nil {
		return "", nil
	}
	return *out.Parameter.Value, nil
}
