package sink

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// ErrBadSecret is wrapped when a credential secret does not have the shape
// its scheme needs. The error names the missing field, never a value.
var ErrBadSecret = errors.New("credential secret has the wrong shape")

// The secret value of each scheme, a JSON object.
type (
	bearerSecret struct {
		Token string `json:"token"`
	}
	apiKeySecret struct {
		APIKey string `json:"apiKey"`
	}
	basicSecret struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	// OAuth2Secret is the client credentials of the oauth2 scheme.
	OAuth2Secret struct {
		ClientID     string `json:"clientId"`
		ClientSecret string `json:"clientSecret"`
	}
)

// decodeSecret decodes a secret value into v. The JSON decoder's own
// message is not kept: it can quote part of the value.
func decodeSecret(value []byte, v any) error {
	if err := json.Unmarshal(value, v); err != nil {
		return fmt.Errorf("%w: not a JSON object with string fields", ErrBadSecret)
	}
	return nil
}

func missing(field string) error {
	return fmt.Errorf("%w: field %q is missing or empty", ErrBadSecret, field)
}

// staticHeader sets one header to a fixed credential.
type staticHeader struct {
	name, value string
}

var _ Authorizer = staticHeader{}

func (s staticHeader) Authorize(_ context.Context, req *http.Request, _ []byte) error {
	req.Header.Set(s.name, s.value)
	return nil
}

// Invalidate reports false: a fixed credential does not change on retry.
func (staticHeader) Invalidate() bool { return false }

// NewBearer reads {"token":"…"} and sends Authorization: Bearer <token>.
func NewBearer(secret []byte) (Authorizer, error) {
	var s bearerSecret
	if err := decodeSecret(secret, &s); err != nil {
		return nil, err
	}
	if s.Token == "" {
		return nil, missing("token")
	}
	return staticHeader{"Authorization", "Bearer " + s.Token}, nil
}

// NewAPIKey reads {"apiKey":"…"} and sends it in header.
func NewAPIKey(secret []byte, header string) (Authorizer, error) {
	var s apiKeySecret
	if err := decodeSecret(secret, &s); err != nil {
		return nil, err
	}
	if s.APIKey == "" {
		return nil, missing("apiKey")
	}
	return staticHeader{header, s.APIKey}, nil
}

// NewBasic reads {"username":"…","password":"…"} and sends HTTP basic
// authentication.
func NewBasic(secret []byte) (Authorizer, error) {
	var s basicSecret
	if err := decodeSecret(secret, &s); err != nil {
		return nil, err
	}
	if s.Username == "" {
		return nil, missing("username")
	}
	if s.Password == "" {
		return nil, missing("password")
	}
	req := http.Request{Header: http.Header{}}
	req.SetBasicAuth(s.Username, s.Password)
	return staticHeader{"Authorization", req.Header.Get("Authorization")}, nil
}

// OAuth2 gets an access token with the client credentials grant and sends
// it as a bearer token. The token is cached until ExpiryMargin before it
// expires, and dropped after a 401.
type OAuth2 struct {
	config clientcredentials.Config
	client *http.Client
	// ExpiryMargin: a token is renewed this long before its expiry.
	ExpiryMargin time.Duration
	now          func() time.Time

	mu  sync.Mutex
	tok *oauth2.Token
}

var _ Authorizer = (*OAuth2)(nil)

// DefaultExpiryMargin is how long before expiry a cached token is renewed.
const DefaultExpiryMargin = 30 * time.Second

// ErrTokenRequest is wrapped when the token endpoint refuses or fails.
var ErrTokenRequest = errors.New("getting an OAuth2 access token")

// NewOAuth2 reads {"clientId":"…","clientSecret":"…"}; client sends the
// token requests.
func NewOAuth2(secret []byte, tokenURL string, scopes []string, client *http.Client) (*OAuth2, error) {
	var s OAuth2Secret
	if err := decodeSecret(secret, &s); err != nil {
		return nil, err
	}
	if s.ClientID == "" {
		return nil, missing("clientId")
	}
	if s.ClientSecret == "" {
		return nil, missing("clientSecret")
	}
	return &OAuth2{
		config: clientcredentials.Config{
			ClientID:     s.ClientID,
			ClientSecret: s.ClientSecret,
			TokenURL:     tokenURL,
			Scopes:       scopes,
		},
		client:       client,
		ExpiryMargin: DefaultExpiryMargin,
		now:          time.Now,
	}, nil
}

// Authorize sets Authorization: Bearer with a cached or fresh token.
func (o *OAuth2) Authorize(ctx context.Context, req *http.Request, _ []byte) error {
	tok, err := o.token(ctx)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	return nil
}

// Invalidate drops the cached token; the next request fetches a new one.
func (o *OAuth2) Invalidate() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.tok = nil
	return true
}

func (o *OAuth2) token(ctx context.Context) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.tok != nil && (o.tok.Expiry.IsZero() || o.now().Add(o.ExpiryMargin).Before(o.tok.Expiry)) {
		return o.tok.AccessToken, nil
	}
	if o.client != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, o.client)
	}
	tok, err := o.config.Token(ctx)
	if err != nil {
		return "", classifyTokenError(err)
	}
	if tok.AccessToken == "" {
		return "", fmt.Errorf("%w: the answer has no access_token", ErrTokenRequest)
	}
	o.tok = tok
	return tok.AccessToken, nil
}

// classifyTokenError keeps the status of a refused token request but not
// the answer's body.
func classifyTokenError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		code := 0
		if re.Response != nil {
			code = re.Response.StatusCode
		}
		e := fmt.Errorf("%w: token endpoint answered %d %s", ErrTokenRequest, code, re.ErrorCode)
		if code >= 400 && code < 500 && code != http.StatusRequestTimeout && code != http.StatusTooManyRequests {
			return permanent(e)
		}
		return e
	}
	return fmt.Errorf("%w: %w", ErrTokenRequest, redactURLError(err))
}

// SigV4 signs requests with AWS Signature Version 4 for IAM-protected
// endpoints: API Gateway with IAM auth (service execute-api) and Lambda
// function URLs with AWS_IAM (service lambda).
type SigV4 struct {
	Credentials aws.CredentialsProvider
	Service     string
	Region      string
	Signer      *v4.Signer
	// Now is the signing clock; nil means time.Now.
	Now func() time.Time
}

var _ Authorizer = (*SigV4)(nil)

// Authorize signs req, with the payload hash in X-Amz-Content-Sha256.
func (s *SigV4) Authorize(ctx context.Context, req *http.Request, body []byte) error {
	creds, err := s.Credentials.Retrieve(ctx)
	if err != nil {
		return fmt.Errorf("retrieving AWS credentials: %w", err)
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	req.Header.Set("X-Amz-Content-Sha256", hash)
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	signer := s.Signer
	if signer == nil {
		signer = v4.NewSigner()
	}
	if err := signer.SignHTTP(ctx, creds, req, hash, s.Service, s.Region, now().UTC()); err != nil {
		return permanent(fmt.Errorf("signing request: %w", err))
	}
	return nil
}

// Invalidate reports false: a fresh signature would be the same.
func (*SigV4) Invalidate() bool { return false }
