package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cognito-events/cognito-events/internal/lambdafn"
)

// SinkKind names the kind of sink the forwarder delivers to.
type SinkKind string

// The sink kinds.
const (
	SinkHTTP        SinkKind = "http"
	SinkEventBridge SinkKind = "eventbridge"
	SinkSQS         SinkKind = "sqs"
	SinkSNS         SinkKind = "sns"
)

// HTTPMode is the CloudEvents HTTP content mode.
type HTTPMode string

// The HTTP content modes.
const (
	ModeBinary     HTTPMode = "binary"
	ModeStructured HTTPMode = "structured"
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

// Names of the environment variables, as in docs/forwarder.md.
const (
	EnvSinkKind          = "SINK_KIND"
	EnvSinkURL           = "SINK_URL"
	EnvKSink             = "K_SINK"
	EnvHTTPMode          = "SINK_HTTP_MODE"
	EnvAllowInsecure     = "SINK_ALLOW_INSECURE"
	EnvTimeout           = "SINK_TIMEOUT"
	EnvHeaders           = "SINK_HEADERS"
	EnvAuth              = "SINK_AUTH"
	EnvAuthSecret        = "SINK_AUTH_SECRET"
	EnvAuthHeader        = "SINK_AUTH_HEADER"
	EnvOAuth2TokenURL    = "SINK_OAUTH2_TOKEN_URL"
	EnvOAuth2Scopes      = "SINK_OAUTH2_SCOPES"
	EnvSigV4Service      = "SINK_SIGV4_SERVICE"
	EnvSigV4Region       = "SINK_SIGV4_REGION"
	EnvEventBridgeBus    = "SINK_EVENTBRIDGE_BUS"
	EnvEventBridgeSource = "SINK_EVENTBRIDGE_SOURCE"
	EnvEventBridgeDetail = "SINK_EVENTBRIDGE_DETAIL_TYPE"
	EnvSQSQueueURL       = "SINK_SQS_QUEUE_URL"
	EnvSNSTopicARN       = "SINK_SNS_TOPIC_ARN"
	EnvPoolClientMap     = "POOL_CLIENT_MAP"
	EnvPoolLookup        = "POOL_LOOKUP"
	EnvPoolLookupRate    = "POOL_LOOKUP_RATE"
	EnvRetryBaseDelay    = "RETRY_BASE_DELAY"
	EnvRetryMaxAttempts  = "RETRY_MAX_ATTEMPTS"
	EnvInput             = "FORWARDER_INPUT"
	EnvLogFormat         = lambdafn.EnvLogFormat
	EnvLogLevel          = lambdafn.EnvLogLevel
	EnvAWSRegion         = "AWS_REGION"
)

// Defaults.
const (
	DefaultTimeout           = 10 * time.Second
	DefaultAuthHeader        = "x-api-key"
	DefaultSigV4Service      = "execute-api"
	DefaultEventBridgeSource = "cognito-events"
	DefaultEventBridgeDetail = "com.amazon.cognito-idp.sync_trigger"
	DefaultPoolLookupRate    = 2.0
	DefaultRetryBaseDelay    = 200 * time.Millisecond
	DefaultRetryMaxAttempts  = 5
)

// ErrInvalid is wrapped by every configuration error.
var ErrInvalid = errors.New("invalid configuration")

// Config is everything the forwarder reads from its environment, read once
// per cold start. Each field names its variable; docs/forwarder.md
// documents them with examples.
type Config struct {
	// SinkKind (SINK_KIND, required): http, eventbridge, sqs or sns.
	SinkKind SinkKind

	// HTTP holds the http sink's settings (SINK_URL … SINK_SIGV4_REGION).
	HTTP HTTPConfig

	// EventBridgeBus (SINK_EVENTBRIDGE_BUS, required for eventbridge): bus
	// name or ARN.
	EventBridgeBus string
	// EventBridgeSource (SINK_EVENTBRIDGE_SOURCE, default cognito-events):
	// the PutEvents Source. EventBridge rejects sources starting "aws.".
	EventBridgeSource string
	// EventBridgeDetailType (SINK_EVENTBRIDGE_DETAIL_TYPE, default the
	// CloudEvent type): the PutEvents DetailType.
	EventBridgeDetailType string

	// SQSQueueURL (SINK_SQS_QUEUE_URL, required for sqs); a URL ending in
	// .fifo is a FIFO queue.
	SQSQueueURL string
	// SNSTopicARN (SINK_SNS_TOPIC_ARN, required for sns); an ARN ending in
	// .fifo is a FIFO topic.
	SNSTopicARN string

	// PoolClientMap (POOL_CLIENT_MAP, default none): static app client id to
	// user pool id map, "clientA=us-east-1_AAAAAAAAA,clientB=…".
	PoolClientMap map[string]string
	// PoolLookup (POOL_LOOKUP, default false) enables the cached
	// ListUserPools/ListUserPoolClients lookup.
	PoolLookup bool
	// PoolLookupRate (POOL_LOOKUP_RATE, default 2): Cognito requests per
	// second the lookup may make.
	PoolLookupRate float64

	// RetryBaseDelay (RETRY_BASE_DELAY, default 200ms): first in-process
	// retry delay; it doubles per attempt, with jitter.
	RetryBaseDelay time.Duration
	// RetryMaxAttempts (RETRY_MAX_ATTEMPTS, default 5): attempts per event,
	// also bounded by the invocation's remaining time.
	RetryMaxAttempts int

	// LogFormat (AWS_LAMBDA_LOG_FORMAT, default JSON) and LogLevel
	// (AWS_LAMBDA_LOG_LEVEL, default INFO) are set by Lambda.
	LogFormat lambdafn.LogFormat
	LogLevel  slog.Level

	// Region (AWS_REGION) is the function's region, set by Lambda.
	Region string

	// Input (FORWARDER_INPUT, default eventbridge): what one invocation
	// carries, so main starts the matching handler: eventbridge (one
	// EventBridge event) or sqs (an SQS batch of them, a buffered route).
	// The stack sets it.
	Input Input
}

// HTTPConfig is the http sink's part of Config.
type HTTPConfig struct {
	// URL (SINK_URL, alias K_SINK; required for http).
	URL string
	// Mode (SINK_HTTP_MODE, default binary): binary or structured.
	Mode HTTPMode
	// AllowInsecure (SINK_ALLOW_INSECURE, default false) allows http://.
	AllowInsecure bool
	// Timeout (SINK_TIMEOUT, default 10s) bounds one attempt.
	Timeout time.Duration
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

// Load reads the configuration through getenv (os.Getenv in main). The
// error names every bad variable and wraps ErrInvalid; it never quotes a
// value that might be secret (no secret is read from the environment).
func Load(getenv func(string) string) (Config, error) {
	p := parser{getenv: getenv}
	c := Config{
		SinkKind:              SinkKind(p.str(EnvSinkKind)),
		EventBridgeBus:        p.str(EnvEventBridgeBus),
		EventBridgeSource:     p.strDefault(EnvEventBridgeSource, DefaultEventBridgeSource),
		EventBridgeDetailType: p.strDefault(EnvEventBridgeDetail, DefaultEventBridgeDetail),
		SQSQueueURL:           p.str(EnvSQSQueueURL),
		SNSTopicARN:           p.str(EnvSNSTopicARN),
		PoolClientMap:         p.clientMap(EnvPoolClientMap),
		PoolLookup:            p.boolean(EnvPoolLookup, false),
		PoolLookupRate:        p.positiveFloat(EnvPoolLookupRate, DefaultPoolLookupRate),
		RetryBaseDelay:        p.duration(EnvRetryBaseDelay, DefaultRetryBaseDelay),
		RetryMaxAttempts:      p.positiveInt(EnvRetryMaxAttempts, DefaultRetryMaxAttempts),
		LogFormat:             p.logFormat(EnvLogFormat),
		LogLevel:              p.logLevel(EnvLogLevel),
		Region:                p.str(EnvAWSRegion),
		Input:                 p.input(EnvInput),
	}
	c.HTTP = HTTPConfig{
		URL:            p.strDefault(EnvSinkURL, p.str(EnvKSink)),
		Mode:           HTTPMode(p.strDefault(EnvHTTPMode, string(ModeBinary))),
		AllowInsecure:  p.boolean(EnvAllowInsecure, false),
		Timeout:        p.duration(EnvTimeout, DefaultTimeout),
		Headers:        p.headers(EnvHeaders),
		Auth:           AuthKind(p.strDefault(EnvAuth, string(AuthNone))),
		AuthSecret:     p.str(EnvAuthSecret),
		AuthHeader:     p.strDefault(EnvAuthHeader, DefaultAuthHeader),
		OAuth2TokenURL: p.str(EnvOAuth2TokenURL),
		OAuth2Scopes:   splitScopes(p.str(EnvOAuth2Scopes)),
		SigV4Service:   p.strDefault(EnvSigV4Service, DefaultSigV4Service),
		SigV4Region:    p.strDefault(EnvSigV4Region, c.Region),
	}
	switch c.SinkKind {
	case SinkHTTP:
		p.checkHTTP(&c.HTTP)
	case SinkEventBridge:
		p.require(EnvEventBridgeBus, c.EventBridgeBus)
		if strings.HasPrefix(c.EventBridgeSource, "aws.") {
			p.fail(EnvEventBridgeSource, "must not start with \"aws.\" (EventBridge reserves it)")
		}
	case SinkSQS:
		p.require(EnvSQSQueueURL, c.SQSQueueURL)
		if c.SQSQueueURL != "" {
			if u, err := url.Parse(c.SQSQueueURL); err != nil || u.Host == "" {
				p.fail(EnvSQSQueueURL, "is not an absolute URL")
			}
		}
	case SinkSNS:
		p.require(EnvSNSTopicARN, c.SNSTopicARN)
		if c.SNSTopicARN != "" && !strings.HasPrefix(c.SNSTopicARN, "arn:") {
			p.fail(EnvSNSTopicARN, "is not an ARN")
		}
	case "":
		p.fail(EnvSinkKind, "is required (http, eventbridge, sqs or sns)")
	default:
		p.fail(EnvSinkKind, fmt.Sprintf("%q is not one of http, eventbridge, sqs, sns", c.SinkKind))
	}
	if err := errors.Join(p.errs...); err != nil {
		return Config{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return c, nil
}

// IsFIFO reports whether the configured SQS queue or SNS topic is FIFO.
func (c *Config) IsFIFO() bool {
	switch c.SinkKind {
	case SinkSQS:
		return strings.HasSuffix(c.SQSQueueURL, ".fifo")
	case SinkSNS:
		return strings.HasSuffix(c.SNSTopicARN, ".fifo")
	}
	return false
}

func (p *parser) checkHTTP(h *HTTPConfig) {
	if h.URL == "" {
		p.fail(EnvSinkURL, "is required for SINK_KIND=http (K_SINK is accepted as an alias)")
	} else if u, err := url.Parse(h.URL); err != nil || u.Host == "" {
		p.fail(EnvSinkURL, "is not an absolute URL")
	} else {
		switch {
		case u.Scheme == "https":
		case u.Scheme == "http" && h.AllowInsecure:
		case u.Scheme == "http":
			p.fail(EnvSinkURL, "uses http://; HTTPS is required unless SINK_ALLOW_INSECURE=true")
		default:
			p.fail(EnvSinkURL, fmt.Sprintf("scheme %q is not http or https", u.Scheme))
		}
		if u.User != nil {
			p.fail(EnvSinkURL, "must not carry credentials; use SINK_AUTH=basic with SINK_AUTH_SECRET")
		}
	}
	switch h.Mode {
	case ModeBinary, ModeStructured:
	default:
		p.fail(EnvHTTPMode, fmt.Sprintf("%q is not binary or structured", h.Mode))
	}
	switch h.Auth {
	case AuthNone, AuthSigV4:
	case AuthBearer, AuthAPIKey, AuthBasic, AuthOAuth2:
		if h.AuthSecret == "" {
			p.fail(EnvAuthSecret, fmt.Sprintf("is required for SINK_AUTH=%s", h.Auth))
		} else if !IsSecretRef(h.AuthSecret) {
			p.fail(EnvAuthSecret, "is neither a Secrets Manager ARN (arn:aws:secretsmanager:…) nor an SSM parameter name (/path) or ARN (arn:aws:ssm:…)")
		}
	default:
		p.fail(EnvAuth, fmt.Sprintf("%q is not one of none, bearer, apikey, basic, oauth2, sigv4", h.Auth))
	}
	switch h.Auth {
	case AuthAPIKey:
		if !validHeaderName(h.AuthHeader) {
			p.fail(EnvAuthHeader, fmt.Sprintf("%q is not a valid header name", h.AuthHeader))
		}
		for k := range h.Headers {
			if strings.EqualFold(k, h.AuthHeader) {
				p.fail(EnvHeaders, fmt.Sprintf("%q is the API key header (SINK_AUTH_HEADER)", k))
			}
		}
	case AuthOAuth2:
		if h.OAuth2TokenURL == "" {
			p.fail(EnvOAuth2TokenURL, "is required for SINK_AUTH=oauth2")
		} else if u, err := url.Parse(h.OAuth2TokenURL); err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && h.AllowInsecure)) {
			p.fail(EnvOAuth2TokenURL, "is not an absolute https URL (http needs SINK_ALLOW_INSECURE=true)")
		}
	case AuthSigV4:
		if h.SigV4Region == "" {
			p.fail(EnvSigV4Region, "is required for SINK_AUTH=sigv4 when AWS_REGION is not set")
		}
		if h.SigV4Service == "" {
			p.fail(EnvSigV4Service, "is empty")
		}
	}
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

type parser struct {
	getenv func(string) string
	errs   []error
}

func (p *parser) fail(name, reason string) {
	p.errs = append(p.errs, fmt.Errorf("%s %s", name, reason))
}

func (p *parser) require(name, value string) {
	if value == "" {
		p.fail(name, "is required for this SINK_KIND")
	}
}

func (p *parser) str(name string) string { return strings.TrimSpace(p.getenv(name)) }

func (p *parser) strDefault(name, def string) string {
	if v := p.str(name); v != "" {
		return v
	}
	return def
}

func (p *parser) boolean(name string, def bool) bool {
	v := p.str(name)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		p.fail(name, fmt.Sprintf("%q is not true or false", v))
		return def
	}
	return b
}

func (p *parser) duration(name string, def time.Duration) time.Duration {
	v := p.str(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		p.fail(name, fmt.Sprintf("%q is not a positive Go duration such as 10s or 200ms", v))
		return def
	}
	return d
}

func (p *parser) positiveInt(name string, def int) int {
	v := p.str(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		p.fail(name, fmt.Sprintf("%q is not a positive integer", v))
		return def
	}
	return n
}

func (p *parser) positiveFloat(name string, def float64) float64 {
	v := p.str(name)
	if v == "" {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || !(f > 0) || f > 1e6 {
		p.fail(name, fmt.Sprintf("%q is not a positive number", v))
		return def
	}
	return f
}

func (p *parser) headers(name string) map[string]string {
	v := p.str(name)
	if v == "" {
		return nil
	}
	var h map[string]string
	if err := json.Unmarshal([]byte(v), &h); err != nil {
		p.fail(name, "is not a JSON object of strings, e.g. {\"X-Team\":\"identity\"}")
		return nil
	}
	for k, val := range h {
		if !validHeaderName(k) {
			p.fail(name, fmt.Sprintf("%q is not a valid header name", k))
		}
		if strings.ContainsAny(val, "\r\n\x00") {
			p.fail(name, fmt.Sprintf("the value of %q contains a control character", k))
		}
		if reservedHeader(k) {
			p.fail(name, fmt.Sprintf("%q is set by the forwarder and cannot be overridden", k))
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

func (p *parser) clientMap(name string) map[string]string {
	v := p.str(name)
	if v == "" {
		return nil
	}
	m := make(map[string]string)
	for i, pair := range strings.Split(v, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		client, pool, ok := strings.Cut(pair, "=")
		client, pool = strings.TrimSpace(client), strings.TrimSpace(pool)
		if !ok || client == "" || pool == "" {
			p.fail(name, fmt.Sprintf("entry %d is not clientId=userPoolId", i+1))
			continue
		}
		if !strings.Contains(pool, "_") {
			p.fail(name, fmt.Sprintf("entry %d: %q is not a user pool id such as us-east-1_AAAAAAAAA", i+1, pool))
			continue
		}
		m[client] = pool
	}
	return m
}

func (p *parser) logFormat(name string) lambdafn.LogFormat {
	f, err := lambdafn.ParseLogFormat(p.str(name))
	if err != nil {
		p.fail(name, err.Error())
	}
	return f
}

func (p *parser) logLevel(name string) slog.Level {
	l, err := lambdafn.ParseLogLevel(p.str(name))
	if err != nil {
		p.fail(name, err.Error())
	}
	return l
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
