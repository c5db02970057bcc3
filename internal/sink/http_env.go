package sink

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The http sink's variables, as in docs/forwarder.md.
const (
	EnvURL            = "SINK_URL"
	EnvURLSecret      = "SINK_URL_SECRET"
	EnvKSink          = "K_SINK"
	EnvHTTPMode       = "SINK_HTTP_MODE"
	EnvAllowInsecure  = "SINK_ALLOW_INSECURE"
	EnvHeaders        = "SINK_HEADERS"
	EnvAuth           = "SINK_AUTH"
	EnvAuthSecret     = "SINK_AUTH_SECRET"
	EnvAuthHeader     = "SINK_AUTH_HEADER"
	EnvOAuth2TokenURL = "SINK_OAUTH2_TOKEN_URL"
	EnvOAuth2Scopes   = "SINK_OAUTH2_SCOPES"
	EnvSigV4Service   = "SINK_SIGV4_SERVICE"
	EnvSigV4Region    = "SINK_SIGV4_REGION"
)

// The http sink's defaults.
const (
	DefaultAuthHeader   = "x-api-key"
	DefaultSigV4Service = SigV4ExecuteAPI
)

// The SigV4 signing names the CDK app can grant invoke permission for.
const (
	SigV4ExecuteAPI = "execute-api"
	SigV4Lambda     = "lambda"
)

// AuthKind is the authentication scheme of the HTTP sink.
type AuthKind string

// The authentication schemes.
const (
	AuthNone   AuthKind = "none"
	AuthBearer AuthKind = "bearer"
	AuthAPIKey AuthKind = "apikey"
	AuthBasic  AuthKind = "basic"
	AuthOAuth2 AuthKind = "oauth2"
	AuthSigV4  AuthKind = "sigv4"
)

// needsSecret reports the schemes whose credential lives in a secret.
func (a AuthKind) needsSecret() bool {
	switch a {
	case AuthBearer, AuthAPIKey, AuthBasic, AuthOAuth2:
		return true
	}
	return false
}

var httpSpec = Spec{
	Kind: KindHTTP,
	Vars: []string{EnvURL, EnvURLSecret, EnvKSink, EnvHTTPMode, EnvAllowInsecure, EnvHeaders, EnvAuth, EnvAuthSecret,
		EnvAuthHeader, EnvOAuth2TokenURL, EnvOAuth2Scopes, EnvSigV4Service, EnvSigV4Region},
	Read:        readHTTP,
	Check:       checkHTTP,
	NeedsAWS:    func(s *Settings) bool { return s.HTTP.Auth != AuthNone || s.HTTP.URLSecret != "" },
	New:         newHTTP,
	Keys:        httpKeys,
	Default:     defaultHTTP,
	Validate:    validateHTTP,
	Environment: httpEnvironment,
	Statements:  httpStatements,
}

// HTTPSettings are the http sink's settings.
type HTTPSettings struct {
	// URL (SINK_URL, alias K_SINK; required for http unless URLSecret).
	// Refused when its query carries a credential: use URLSecret.
	URL string
	// URLSecret (SINK_URL_SECRET, excludes SINK_URL): a Secrets Manager
	// secret ARN or SSM SecureString parameter holding the URL, read once
	// at cold start.
	URLSecret string
	// Mode (SINK_HTTP_MODE, default binary): binary or structured.
	Mode Mode
	// AllowInsecure (SINK_ALLOW_INSECURE, default false) allows http://.
	AllowInsecure bool
	// Headers (SINK_HEADERS, default none): static extra headers, a JSON
	// object of strings.
	Headers map[string]string
	// Auth (SINK_AUTH, default none): none, bearer, apikey, basic, oauth2 or
	// sigv4.
	Auth AuthKind
	// AuthSecret (SINK_AUTH_SECRET, required for bearer, apikey, basic and
	// oauth2): a Secrets Manager secret ARN, or an SSM SecureString
	// parameter name (/path/name) or ARN.
	AuthSecret string
	// AuthHeader (SINK_AUTH_HEADER, default x-api-key): the apikey header.
	AuthHeader string
	// OAuth2TokenURL (SINK_OAUTH2_TOKEN_URL, required for oauth2).
	OAuth2TokenURL string
	// OAuth2Scopes (SINK_OAUTH2_SCOPES, default none): space- or
	// comma-separated.
	OAuth2Scopes []string
	// SigV4Service (SINK_SIGV4_SERVICE, default execute-api).
	SigV4Service string
	// SigV4Region (SINK_SIGV4_REGION, default AWS_REGION).
	SigV4Region string
}

func readHTTP(e *Env, s *Settings) {
	s.HTTP = HTTPSettings{
		URL:            e.StrDefault(EnvURL, e.Str(EnvKSink)),
		URLSecret:      e.Str(EnvURLSecret),
		Mode:           Mode(e.StrDefault(EnvHTTPMode, string(Binary))),
		AllowInsecure:  e.Bool(EnvAllowInsecure, false),
		Headers:        readHeaders(e, EnvHeaders),
		Auth:           AuthKind(e.StrDefault(EnvAuth, string(AuthNone))),
		AuthSecret:     e.Str(EnvAuthSecret),
		AuthHeader:     e.StrDefault(EnvAuthHeader, DefaultAuthHeader),
		OAuth2TokenURL: e.Str(EnvOAuth2TokenURL),
		OAuth2Scopes:   splitScopes(e.Str(EnvOAuth2Scopes)),
		SigV4Service:   e.StrDefault(EnvSigV4Service, DefaultSigV4Service),
		SigV4Region:    e.StrDefault(EnvSigV4Region, e.Str(EnvAWSRegion)),
	}
}

func checkHTTP(e *Env, s *Settings) {
	h := &s.HTTP
	switch {
	case h.URL != "" && h.URLSecret != "":
		e.Fail(EnvURLSecret, "excludes SINK_URL (and K_SINK): give the URL or the secret that holds it")
	case h.URLSecret != "":
		if !IsSecretRef(h.URLSecret) {
			e.Fail(EnvURLSecret, "is neither a Secrets Manager ARN (arn:aws:secretsmanager:…) nor an SSM parameter name (/path) or ARN (arn:aws:ssm:…)")
		}
	case h.URL == "":
		e.Fail(EnvURL, "is required for SINK_KIND=http (K_SINK is accepted as an alias), or SINK_URL_SECRET")
	default:
		if reason := urlProblem(h.URL, h.AllowInsecure); reason != "" {
			e.Fail(EnvURL, reason)
		} else if u, _ := url.Parse(h.URL); QueryCredential(u) != "" {
			e.Fail(EnvURL, fmt.Sprintf("has a query parameter %q that carries a credential, in plain text: put the URL in a secret and name it in SINK_URL_SECRET", QueryCredential(u)))
		}
	}
	switch h.Mode {
	case Binary, Structured:
	default:
		e.Fail(EnvHTTPMode, fmt.Sprintf("%q is not binary or structured", h.Mode))
	}
	switch {
	case h.Auth == AuthNone, h.Auth == AuthSigV4:
	case h.Auth.needsSecret():
		if h.AuthSecret == "" {
			e.Fail(EnvAuthSecret, fmt.Sprintf("is required for SINK_AUTH=%s", h.Auth))
		} else if !IsSecretRef(h.AuthSecret) {
			e.Fail(EnvAuthSecret, "is neither a Secrets Manager ARN (arn:aws:secretsmanager:…) nor an SSM parameter name (/path) or ARN (arn:aws:ssm:…)")
		}
	default:
		e.Fail(EnvAuth, fmt.Sprintf("%q is not one of none, bearer, apikey, basic, oauth2, sigv4", h.Auth))
	}
	switch h.Auth {
	case AuthAPIKey:
		if !validHeaderName(h.AuthHeader) {
			e.Fail(EnvAuthHeader, fmt.Sprintf("%q is not a valid header name", h.AuthHeader))
		}
		for k := range h.Headers {
			if strings.EqualFold(k, h.AuthHeader) {
				e.Fail(EnvHeaders, fmt.Sprintf("%q is the API key header (SINK_AUTH_HEADER)", k))
			}
		}
	case AuthOAuth2:
		if h.OAuth2TokenURL == "" {
			e.Fail(EnvOAuth2TokenURL, "is required for SINK_AUTH=oauth2")
		} else if u, err := url.Parse(h.OAuth2TokenURL); err != nil || u.Host == "" || u.Scheme != "https" || u.User != nil {
			// Always https: the client secret crosses it.
			// SINK_ALLOW_INSECURE is for the sink URL only.
			e.Fail(EnvOAuth2TokenURL, "is not an absolute https URL without credentials (the client secret is sent there, so http is never allowed)")
		}
	case AuthSigV4:
		if h.SigV4Region == "" {
			e.Fail(EnvSigV4Region, "is required for SINK_AUTH=sigv4 when AWS_REGION is not set")
		}
		if h.SigV4Service == "" {
			e.Fail(EnvSigV4Service, "is empty")
		}
	}
}

// urlProblem says what is wrong with a sink URL, "" when nothing; it never
// quotes the URL.
func urlProblem(raw string, allowInsecure bool) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "":
		return "is not an absolute URL"
	case u.User != nil:
		return "must not carry credentials; use SINK_AUTH=basic with SINK_AUTH_SECRET"
	case u.Scheme == "https":
	case u.Scheme == "http" && allowInsecure:
	case u.Scheme == "http":
		return "uses http://; HTTPS is required unless SINK_ALLOW_INSECURE=true"
	default:
		return fmt.Sprintf("scheme %q is not http or https", u.Scheme)
	}
	return ""
}

// IsSecretRef reports whether ref names a Secrets Manager secret by ARN or
// an SSM parameter by name or ARN.
func IsSecretRef(ref string) bool {
	return IsSecretsManagerARN(ref) || strings.HasPrefix(ref, "/") || isSSMARN(ref)
}

// IsSecretsManagerARN reports whether ref is a Secrets Manager secret ARN
// (any partition).
func IsSecretsManagerARN(ref string) bool {
	parts := strings.SplitN(ref, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[2] == "secretsmanager"
}

func isSSMARN(ref string) bool {
	parts := strings.SplitN(ref, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[2] == "ssm" && strings.HasPrefix(parts[5], "parameter/")
}

func readHeaders(e *Env, name string) map[string]string {
	v := e.Str(name)
	if v == "" {
		return nil
	}
	var h map[string]string
	if err := json.Unmarshal([]byte(v), &h); err != nil {
		e.Fail(name, "is not a JSON object of strings, e.g. {\"X-Team\":\"identity\"}")
		return nil
	}
	for k, val := range h {
		if !validHeaderName(k) {
			e.Fail(name, fmt.Sprintf("%q is not a valid header name", k))
		}
		if strings.ContainsAny(val, "\r\n\x00") {
			e.Fail(name, fmt.Sprintf("the value of %q contains a control character", k))
		}
		if reservedHeader(k) {
			e.Fail(name, fmt.Sprintf("%q is set by the forwarder and cannot be overridden", k))
		}
	}
	return h
}

// reservedHeader reports headers a static header must not set: the
// CloudEvents binding's, the framing ones, the SigV4 ones, and those that
// carry credentials (which belong in SINK_AUTH_SECRET).
func reservedHeader(name string) bool {
	l := strings.ToLower(name)
	switch l {
	case "content-type", "content-length", "host", "authorization", "proxy-authorization", "cookie", "x-api-key":
		return true
	}
	return strings.HasPrefix(l, "ce-") || strings.HasPrefix(l, "x-amz-")
}

func splitScopes(s string) []string {
	if s == "" {
		return nil
	}
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
}

func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		if r >= 0x7f || r <= ' ' || strings.ContainsRune("\"(),/:;<=>?@[\\]{}", r) {
			return false
		}
	}
	return http.CanonicalHeaderKey(name) != ""
}

// newHTTP builds the HTTP sink: its client (no redirects, the attempt
// timeout) and its authoriser, reading the credential secret once.
func newHTTP(ctx context.Context, s *Settings, d Deps) (Sink, error) {
	h := s.HTTP
	client := &http.Client{
		Timeout:   s.Timeout,
		Transport: newTransport(s.Timeout),
		// A redirect is not an acknowledgement; the sink must answer 2xx.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	hs := &HTTP{URL: h.URL, Mode: h.Mode, Headers: h.Headers, Client: client, UserAgent: d.UserAgent}
	if h.URLSecret != "" {
		if _, err := d.AWS(); err != nil {
			return nil, err
		}
		v, err := d.ReadSecret(ctx, h.URLSecret)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvURLSecret, err)
		}
		hs.URL = strings.TrimSpace(string(v))
		if reason := urlProblem(hs.URL, h.AllowInsecure); reason != "" {
			return nil, fmt.Errorf("%s %s: the URL it holds %s", EnvURLSecret, h.URLSecret, reason)
		}
	}
	var secretValue []byte
	if h.Auth.needsSecret() {
		if _, err := d.AWS(); err != nil {
			return nil, err
		}
		v, err := d.ReadSecret(ctx, h.AuthSecret)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvAuthSecret, err)
		}
		secretValue = v
	}
	var err error
	switch h.Auth {
	case AuthBearer:
		hs.Auth, err = NewBearer(secretValue)
	case AuthAPIKey:
		hs.Auth, err = NewAPIKey(secretValue, h.AuthHeader)
	case AuthBasic:
		hs.Auth, err = NewBasic(secretValue)
	case AuthOAuth2:
		hs.Auth, err = NewOAuth2(secretValue, h.OAuth2TokenURL, h.OAuth2Scopes, client)
	case AuthSigV4:
		ac, aerr := d.AWS()
		if aerr != nil {
			return nil, aerr
		}
		hs.Auth = &SigV4{Credentials: ac.Credentials, Service: h.SigV4Service, Region: h.SigV4Region}
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", EnvAuthSecret, h.AuthSecret, err)
	}
	return hs, nil
}

func newTransport(timeout time.Duration) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: min(timeout, 5*time.Second), KeepAlive: 30 * time.Second}).DialContext
	t.MaxIdleConnsPerHost = 4
	t.ResponseHeaderTimeout = timeout
	return t
}
