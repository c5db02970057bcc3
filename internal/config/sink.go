package config

import (
	"encoding/json"
	"fmt"
	forwarderconfig "github.com/cognito-events/cognito-events/internal/forwarder/config"
	"math"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// SinkKind is where a forwarder delivers (SINK_KIND): the forwarder's own
// type, so the two cannot drift apart.
type SinkKind = forwarderconfig.SinkKind

// The sink kinds.
const (
	SinkHTTP        = forwarderconfig.SinkHTTP
	SinkEventBridge = forwarderconfig.SinkEventBridge
	SinkSQS         = forwarderconfig.SinkSQS
	SinkSNS         = forwarderconfig.SinkSNS
)

// AuthType is how the forwarder authenticates to an HTTP sink (SINK_AUTH),
// the forwarder's own type.
type AuthType = forwarderconfig.AuthKind

// The auth types.
const (
	AuthNone   = forwarderconfig.AuthNone
	AuthBearer = forwarderconfig.AuthBearer
	AuthAPIKey = forwarderconfig.AuthAPIKey
	AuthBasic  = forwarderconfig.AuthBasic
	AuthOAuth2 = forwarderconfig.AuthOAuth2
	AuthSigV4  = forwarderconfig.AuthSigV4
)

// The SigV4 signing names the app can grant invoke permission for.
const (
	SigV4ExecuteAPI = "execute-api"
	SigV4Lambda     = "lambda"
)

// Sink is where a route's forwarder delivers; the fields used depend on
// Kind. Secrets are never part of the configuration: Auth.Secret names
// where the credential lives.
type Sink struct {
	// Kind is http, eventbridge, sqs or sns. Required.
	Kind SinkKind `json:"kind"`
	// URL is the HTTP sink's URL (kind http). HTTPS unless AllowInsecure.
	URL string `json:"url"`
	// Mode is the CloudEvents HTTP mode, binary (default) or structured.
	Mode string `json:"mode"`
	// AllowInsecure allows an http:// URL.
	AllowInsecure bool `json:"allowInsecure"`
	// Timeout is the per-attempt timeout, a Go duration. Default "10s".
	Timeout string `json:"timeout"`
	// Headers are static extra HTTP headers. Never credentials: those go
	// in Auth.
	Headers map[string]string `json:"headers"`
	// Auth is the HTTP sink's authentication.
	Auth Auth `json:"auth"`
	// Bus is the EventBridge bus name or ARN (kind eventbridge).
	Bus string `json:"bus"`
	// Source is the PutEvents Source (kind eventbridge).
	Source string `json:"source"`
	// DetailType is the PutEvents DetailType (kind eventbridge).
	DetailType string `json:"detailType"`
	// QueueURL is the SQS queue URL (kind sqs).
	QueueURL string `json:"queueUrl"`
	// TopicARN is the SNS topic ARN (kind sns).
	TopicARN string `json:"topicArn"`
	// KMSKeyARN is the customer managed key of an encrypted SQS queue or
	// SNS topic sink; the function may then use it to encrypt.
	KMSKeyARN string `json:"kmsKeyArn"`
}

// Auth is an HTTP sink's authentication.
type Auth struct {
	// Type is none (default), bearer, apikey, basic, oauth2 or sigv4.
	Type AuthType `json:"type"`
	// Secret is a Secrets Manager secret ARN, or an SSM SecureString
	// parameter name (/path/name) or ARN, holding the credential as JSON.
	// Required for bearer, apikey, basic and oauth2.
	Secret string `json:"secret"`
	// SecretKMSKeyARN is the customer managed key that encrypts Secret, if
	// it is not encrypted with the AWS managed key.
	SecretKMSKeyARN string `json:"secretKmsKeyArn"`
	// Header is the API key's header name. Default x-api-key.
	Header string `json:"header"`
	// TokenURL is the OAuth 2.0 token endpoint (oauth2).
	TokenURL string `json:"tokenUrl"`
	// Scopes are the OAuth 2.0 scopes (oauth2).
	Scopes []string `json:"scopes"`
	// SigV4Service is the signing name: execute-api (default) or lambda.
	SigV4Service string `json:"sigv4Service"`
	// SigV4Region is the signing region. Default: the stack's region.
	SigV4Region string `json:"sigv4Region"`
	// InvokeARN is what the function may invoke with SigV4: an execute-api
	// ARN (arn:aws:execute-api:region:account:api-id/stage/METHOD/path) or a
	// Lambda function ARN for a function URL. Required for sigv4.
	InvokeARN string `json:"invokeArn"`
}

func (s *Sink) applyDefaults() {
	if s.Kind == SinkHTTP {
		if s.Mode == "" {
			s.Mode = "binary"
		}
		if s.Auth.Type == "" {
			s.Auth.Type = AuthNone
		}
		if s.Auth.Type == AuthSigV4 && s.Auth.SigV4Service == "" {
			s.Auth.SigV4Service = SigV4ExecuteAPI
		}
	}
	if s.Timeout == "" {
		s.Timeout = DefaultSinkTimeout.String()
	}
}

var (
	regionRE      = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)
	partitionRE   = `arn:aws(-[a-z]+)*`
	secretARNRE   = regexp.MustCompile(`^` + partitionRE + `:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$`)
	paramARNRE    = regexp.MustCompile(`^` + partitionRE + `:ssm:[a-z0-9-]+:\d{12}:parameter/[A-Za-z0-9/_.-]+$`)
	paramNameRE   = regexp.MustCompile(`^(/[A-Za-z0-9_.-]+)+$`)
	busNameRE     = regexp.MustCompile(`^[A-Za-z0-9/._-]{1,256}$`)
	busARNRE      = regexp.MustCompile(`^` + partitionRE + `:events:[a-z0-9-]+:\d{12}:event-bus/[A-Za-z0-9/._-]{1,256}$`)
	topicARNRE    = regexp.MustCompile(`^` + partitionRE + `:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$`)
	kmsKeyARNRE   = regexp.MustCompile(`^` + partitionRE + `:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+$`)
	executeAPIRE  = regexp.MustCompile(`^` + partitionRE + `:execute-api:[a-z0-9-]+:\d{12}:[A-Za-z0-9]+/.+$`)
	lambdaARNRE   = regexp.MustCompile(`^` + partitionRE + `:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$`)
	queueURLRE    = regexp.MustCompile(`^https://sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?/(\d{12})/([A-Za-z0-9_-]{1,80}(\.fifo)?)$`)
	headerTokenRE = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
)

// credentialHeaders are header names that carry credentials; they belong in
// a secret (Auth), never in the plaintext Headers.
var credentialHeaders = []string{"authorization", "proxy-authorization", "cookie", "x-api-key"}

// validate checks the sink; errors name the field under "sink.".
func (s *Sink) validate() error {
	if err := s.checkFieldsForKind(); err != nil {
		return err
	}
	if _, err := parseDuration(s.Timeout, time.Second/10, 5*time.Minute); err != nil {
		return fmt.Errorf("sink.timeout: %w", err)
	}
	switch s.Kind {
	case "":
		return fmt.Errorf("sink.kind: required: one of http, eventbridge, sqs, sns")
	case SinkHTTP:
		return s.validateHTTP()
	case SinkEventBridge:
		if s.Bus == "" {
			return fmt.Errorf("sink.bus: required for kind eventbridge: a bus name or ARN")
		}
		if !busNameRE.MatchString(s.Bus) && !busARNRE.MatchString(s.Bus) {
			return fmt.Errorf("sink.bus: %q is neither an event bus name nor an event bus ARN (arn:aws:events:region:account:event-bus/name)", s.Bus)
		}
		if strings.HasPrefix(s.Source, "aws.") {
			return fmt.Errorf("sink.source: %q: sources starting with \"aws.\" are reserved for AWS services", s.Source)
		}
	case SinkSQS:
		if s.QueueURL == "" {
			return fmt.Errorf("sink.queueUrl: required for kind sqs")
		}
		if !queueURLRE.MatchString(s.QueueURL) {
			return fmt.Errorf("sink.queueUrl: %q is not an SQS queue URL (https://sqs.region.amazonaws.com/account/name)", s.QueueURL)
		}
	case SinkSNS:
		if s.TopicARN == "" {
			return fmt.Errorf("sink.topicArn: required for kind sns")
		}
		if !topicARNRE.MatchString(s.TopicARN) {
			return fmt.Errorf("sink.topicArn: %q is not an SNS topic ARN (arn:aws:sns:region:account:name)", s.TopicARN)
		}
	default:
		return fmt.Errorf("sink.kind: unknown kind %q: one of http, eventbridge, sqs, sns", s.Kind)
	}
	if s.KMSKeyARN != "" && !kmsKeyARNRE.MatchString(s.KMSKeyARN) {
		return fmt.Errorf("sink.kmsKeyArn: %q is not a KMS key ARN (arn:aws:kms:region:account:key/id)", s.KMSKeyARN)
	}
	return nil
}

// checkFieldsForKind rejects settings that belong to another kind, which
// are otherwise silently ignored.
func (s *Sink) checkFieldsForKind() error {
	set := []struct {
		field string
		isSet bool
		kind  SinkKind
	}{
		{"url", s.URL != "", SinkHTTP},
		{"mode", s.Mode != "", SinkHTTP},
		{"allowInsecure", s.AllowInsecure, SinkHTTP},
		{"headers", len(s.Headers) > 0, SinkHTTP},
		{"auth", s.Auth.Type != "" || s.Auth.Secret != "", SinkHTTP},
		{"bus", s.Bus != "", SinkEventBridge},
		{"source", s.Source != "", SinkEventBridge},
		{"detailType", s.DetailType != "", SinkEventBridge},
		{"queueUrl", s.QueueURL != "", SinkSQS},
		{"topicArn", s.TopicARN != "", SinkSNS},
	}
	for _, f := range set {
		if f.isSet && s.Kind != f.kind && s.Kind != "" {
			return fmt.Errorf("sink.%s: only for kind %s, not %s", f.field, f.kind, s.Kind)
		}
	}
	if s.KMSKeyARN != "" && s.Kind != SinkSQS && s.Kind != SinkSNS {
		return fmt.Errorf("sink.kmsKeyArn: only for kind sqs or sns, not %s", s.Kind)
	}
	return nil
}

func (s *Sink) validateHTTP() error {
	if s.URL == "" {
		return fmt.Errorf("sink.url: required for kind http")
	}
	u, err := url.Parse(s.URL)
	if err != nil || u.Host == "" {
		// The URL may hold a token: do not echo it.
		return fmt.Errorf("sink.url: not an absolute URL (https://host/path)")
	}
	if u.User != nil {
		return fmt.Errorf("sink.url: must not carry credentials (user:password@host): use sink.auth with a secret")
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !s.AllowInsecure {
			return fmt.Errorf("sink.url: %q is not HTTPS: use https://, or set sink.allowInsecure to true to send events in clear text", s.URL)
		}
	default:
		return fmt.Errorf("sink.url: scheme %q: want https (or http with sink.allowInsecure)", u.Scheme)
	}
	if s.Mode != "binary" && s.Mode != "structured" {
		return fmt.Errorf("sink.mode: %q: want binary or structured", s.Mode)
	}
	names := make([]string, 0, len(s.Headers))
	for name := range s.Headers {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !headerTokenRE.MatchString(name) {
			return fmt.Errorf("sink.headers: %q is not a valid header name", name)
		}
		lower := strings.ToLower(name)
		if slices.Contains(credentialHeaders, lower) || (s.Auth.Header != "" && strings.EqualFold(name, s.Auth.Header)) {
			return fmt.Errorf("sink.headers: %q carries credentials: put them in a secret and use sink.auth, never in plaintext headers", name)
		}
	}
	return s.Auth.validate()
}

func (a *Auth) validate() error {
	needsSecret := false
	switch a.Type {
	case AuthNone, AuthSigV4:
	case AuthBearer, AuthAPIKey, AuthBasic, AuthOAuth2:
		needsSecret = true
	default:
		return fmt.Errorf("sink.auth.type: unknown type %q: one of none, bearer, apikey, basic, oauth2, sigv4", a.Type)
	}
	if needsSecret && a.Secret == "" {
		return fmt.Errorf("sink.auth.secret: required for auth type %s: a Secrets Manager secret ARN or an SSM parameter name (/path/name) or ARN", a.Type)
	}
	if !needsSecret && a.Secret != "" {
		return fmt.Errorf("sink.auth.secret: not used by auth type %s", a.Type)
	}
	if a.Secret != "" && secretKind(a.Secret) == "" {
		// Do not echo the value: a user may have pasted the credential itself.
		return fmt.Errorf("sink.auth.secret: not a Secrets Manager secret ARN (arn:aws:secretsmanager:region:account:secret:name), an SSM parameter name (/path/name) or an SSM parameter ARN (arn:aws:ssm:region:account:parameter/name); the value is not shown in case it is a credential")
	}
	if a.SecretKMSKeyARN != "" && !kmsKeyARNRE.MatchString(a.SecretKMSKeyARN) {
		return fmt.Errorf("sink.auth.secretKmsKeyArn: %q is not a KMS key ARN (arn:aws:kms:region:account:key/id)", a.SecretKMSKeyARN)
	}
	if a.Header != "" {
		if a.Type != AuthAPIKey {
			return fmt.Errorf("sink.auth.header: only for auth type apikey")
		}
		if !headerTokenRE.MatchString(a.Header) {
			return fmt.Errorf("sink.auth.header: %q is not a valid header name", a.Header)
		}
	}
	if a.Type == AuthOAuth2 {
		if a.TokenURL == "" {
			return fmt.Errorf("sink.auth.tokenUrl: required for auth type oauth2")
		}
		u, err := url.Parse(a.TokenURL)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
			return fmt.Errorf("sink.auth.tokenUrl: want an https:// URL without credentials")
		}
	} else if a.TokenURL != "" || len(a.Scopes) > 0 {
		return fmt.Errorf("sink.auth.tokenUrl, sink.auth.scopes: only for auth type oauth2")
	}
	for i, sc := range a.Scopes {
		if sc == "" || strings.ContainsAny(sc, " ,") {
			return fmt.Errorf("sink.auth.scopes[%d]: %q: a scope is non-empty and has no spaces or commas", i, sc)
		}
	}
	if a.Type == AuthSigV4 {
		switch a.SigV4Service {
		case SigV4ExecuteAPI:
			if !executeAPIRE.MatchString(a.InvokeARN) {
				return fmt.Errorf("sink.auth.invokeArn: required for sigv4 with service execute-api: the API's execute-api ARN (arn:aws:execute-api:region:account:api-id/stage/METHOD/path), got %q", a.InvokeARN)
			}
		case SigV4Lambda:
			if !lambdaARNRE.MatchString(a.InvokeARN) {
				return fmt.Errorf("sink.auth.invokeArn: required for sigv4 with service lambda: the function URL's function ARN (arn:aws:lambda:region:account:function:name), got %q", a.InvokeARN)
			}
		default:
			return fmt.Errorf("sink.auth.sigv4Service: %q: the app can grant invoke permission only for execute-api or lambda", a.SigV4Service)
		}
		if a.SigV4Region != "" && !regionRE.MatchString(a.SigV4Region) {
			return fmt.Errorf("sink.auth.sigv4Region: %q is not a region name", a.SigV4Region)
		}
	} else if a.SigV4Service != "" || a.SigV4Region != "" || a.InvokeARN != "" {
		return fmt.Errorf("sink.auth.sigv4Service, sigv4Region, invokeArn: only for auth type sigv4")
	}
	return nil
}

// The kinds of secret reference.
const (
	secretsManager = "secretsmanager"
	ssmParameter   = "ssm"
)

// secretKind says whether ref is a Secrets Manager ARN or an SSM parameter
// name or ARN, or "" when it is neither.
func secretKind(ref string) string {
	switch {
	case secretARNRE.MatchString(ref):
		return secretsManager
	case paramARNRE.MatchString(ref), paramNameRE.MatchString(ref):
		return ssmParameter
	}
	return ""
}

// Environment returns the forwarder's environment for the route: exactly
// the variables of the forwarder's contract, with every value the route
// sets. Keys left to the forwarder's defaults are omitted, except
// SINK_TIMEOUT and the RETRY_* pair, which always appear because the
// function's timeout is sized from them.
func (r *Route) Environment() map[string]string {
	s := r.Sink
	env := map[string]string{
		forwarderconfig.EnvSinkKind:         string(s.Kind),
		forwarderconfig.EnvTimeout:          s.Timeout,
		forwarderconfig.EnvRetryMaxAttempts: strconv.Itoa(r.Retry.MaxAttempts),
		forwarderconfig.EnvRetryBaseDelay:   r.Retry.BaseDelay,
	}
	set := func(k, v string) {
		if v != "" {
			env[k] = v
		}
	}
	switch s.Kind {
	case SinkHTTP:
		set(forwarderconfig.EnvSinkURL, s.URL)
		set(forwarderconfig.EnvHTTPMode, s.Mode)
		if s.AllowInsecure {
			env[forwarderconfig.EnvAllowInsecure] = "true"
		}
		if len(s.Headers) > 0 {
			b, _ := json.Marshal(s.Headers) // map[string]string always encodes
			env[forwarderconfig.EnvHeaders] = string(b)
		}
		set(forwarderconfig.EnvAuth, string(s.Auth.Type))
		set(forwarderconfig.EnvAuthSecret, s.Auth.Secret)
		set(forwarderconfig.EnvAuthHeader, s.Auth.Header)
		set(forwarderconfig.EnvOAuth2TokenURL, s.Auth.TokenURL)
		set(forwarderconfig.EnvOAuth2Scopes, strings.Join(s.Auth.Scopes, " "))
		set(forwarderconfig.EnvSigV4Service, s.Auth.SigV4Service)
		set(forwarderconfig.EnvSigV4Region, s.Auth.SigV4Region)
	case SinkEventBridge:
		set(forwarderconfig.EnvEventBridgeBus, s.Bus)
		set(forwarderconfig.EnvEventBridgeSource, s.Source)
		set(forwarderconfig.EnvEventBridgeDetail, s.DetailType)
	case SinkSQS:
		set(forwarderconfig.EnvSQSQueueURL, s.QueueURL)
	case SinkSNS:
		set(forwarderconfig.EnvSNSTopicARN, s.TopicARN)
	}
	p := r.PoolResolution
	if len(p.ClientMap) > 0 {
		clients := make([]string, 0, len(p.ClientMap))
		for c := range p.ClientMap {
			clients = append(clients, c)
		}
		sort.Strings(clients)
		pairs := make([]string, len(clients))
		for i, c := range clients {
			pairs[i] = c + "=" + p.ClientMap[c]
		}
		env[forwarderconfig.EnvPoolClientMap] = strings.Join(pairs, ",")
	}
	if p.Lookup {
		env[forwarderconfig.EnvPoolLookup] = "true"
		if p.LookupRate > 0 {
			env[forwarderconfig.EnvPoolLookupRate] = strconv.FormatFloat(p.LookupRate, 'f', -1, 64)
		}
	}
	return env
}

// Placeholders in Statement resources, resolved per stack (CloudFormation
// Fn::Sub syntax).
const (
	Partition = "${AWS::Partition}"
	Region    = "${AWS::Region}"
	AccountID = "${AWS::AccountId}"
)

// SidListUserPools names the one statement whose resource is "*":
// cognito-idp:ListUserPools has no resource-level permissions.
const SidListUserPools = "ListUserPools"

// Statement is one IAM allow statement the forwarder needs. Resources may
// hold the Partition, Region and AccountID placeholders.
type Statement struct {
	Sid       string
	Actions   []string
	Resources []string
}

// Statements returns the IAM statements the route's forwarder needs beyond
// writing its own logs: the sink's actions on the sink, reading the named
// secret, and the Cognito list actions when pool lookup is on. No action
// is a wildcard; the only "*" resource is ListUserPools, which has no
// resource-level permissions.
func (r *Route) Statements() []Statement {
	s := r.Sink
	var out []Statement
	switch s.Kind {
	case SinkEventBridge:
		out = append(out, Statement{Sid: "PutEventsToSink", Actions: []string{"events:PutEvents"}, Resources: []string{busARN(s.Bus)}})
	case SinkSQS:
		out = append(out, Statement{Sid: "SendToSinkQueue", Actions: []string{"sqs:SendMessage"}, Resources: []string{queueARN(s.QueueURL)}})
	case SinkSNS:
		out = append(out, Statement{Sid: "PublishToSinkTopic", Actions: []string{"sns:Publish"}, Resources: []string{s.TopicARN}})
	case SinkHTTP:
		if s.Auth.Type == AuthSigV4 {
			action := "execute-api:Invoke"
			if s.Auth.SigV4Service == SigV4Lambda {
				action = "lambda:InvokeFunctionUrl"
			}
			out = append(out, Statement{Sid: "InvokeSink", Actions: []string{action}, Resources: []string{s.Auth.InvokeARN}})
		}
	}
	if s.KMSKeyARN != "" {
		out = append(out, Statement{Sid: "EncryptForSink", Actions: []string{"kms:Decrypt", "kms:GenerateDataKey"}, Resources: []string{s.KMSKeyARN}})
	}
	switch secretKind(s.Auth.Secret) {
	case secretsManager:
		// A full ARN ends in "-" and six random characters; a partial ARN
		// (without them) matches only with the "-??????" pattern.
		out = append(out, Statement{Sid: "ReadSinkSecret", Actions: []string{"secretsmanager:GetSecretValue"}, Resources: []string{s.Auth.Secret, s.Auth.Secret + "-??????"}})
	case ssmParameter:
		arn := s.Auth.Secret
		if !strings.HasPrefix(arn, "arn:") {
			arn = "arn:" + Partition + ":ssm:" + Region + ":" + AccountID + ":parameter" + arn
		}
		out = append(out, Statement{Sid: "ReadSinkSecret", Actions: []string{"ssm:GetParameter"}, Resources: []string{arn}})
	}
	if s.Auth.SecretKMSKeyARN != "" {
		out = append(out, Statement{Sid: "DecryptSinkSecret", Actions: []string{"kms:Decrypt"}, Resources: []string{s.Auth.SecretKMSKeyARN}})
	}
	if r.PoolResolution.Lookup {
		out = append(out,
			Statement{Sid: SidListUserPools, Actions: []string{"cognito-idp:ListUserPools"}, Resources: []string{"*"}},
			Statement{Sid: "ListUserPoolClients", Actions: []string{"cognito-idp:ListUserPoolClients"}, Resources: r.userPoolARNs()},
		)
	}
	return out
}

// userPoolARNs are the selected pools' ARNs, each in its own region (the
// prefix of its id), or every pool of the stack's region.
func (r *Route) userPoolARNs() []string {
	arn := func(region, id string) string {
		return "arn:" + Partition + ":cognito-idp:" + region + ":" + AccountID + ":userpool/" + id
	}
	if len(r.Selection.UserPoolIDs) == 0 {
		return []string{arn(Region, "*")}
	}
	arns := make([]string, len(r.Selection.UserPoolIDs))
	for i, id := range r.Selection.UserPoolIDs {
		region, _, _ := strings.Cut(id, "_")
		arns[i] = arn(region, id)
	}
	return arns
}

func busARN(bus string) string {
	if strings.HasPrefix(bus, "arn:") {
		return bus
	}
	return "arn:" + Partition + ":events:" + Region + ":" + AccountID + ":event-bus/" + bus
}

// queueARN turns a validated queue URL into the queue's ARN.
func queueARN(queueURL string) string {
	m := queueURLRE.FindStringSubmatch(queueURL)
	if m == nil {
		return ""
	}
	partition := "aws"
	if m[2] == ".cn" {
		partition = "aws-cn"
	}
	return "arn:" + partition + ":sqs:" + m[1] + ":" + m[3] + ":" + m[4]
}

// Timeout is the forwarder's timeout: the route's override, or the retry
// budget of one event (every attempt taking the whole per-attempt timeout,
// plus the largest backoff between them) and 5 seconds of headroom.
func (r *Route) Timeout() time.Duration {
	if r.Function.TimeoutSeconds > 0 {
		return time.Duration(r.Function.TimeoutSeconds) * time.Second
	}
	return r.retryBudget()
}

// MaxTimeout is Lambda's largest function timeout.
const MaxTimeout = 15 * time.Minute

func (r *Route) retryBudget() time.Duration {
	perAttempt, err1 := time.ParseDuration(r.Sink.Timeout)
	base, err2 := time.ParseDuration(r.Retry.BaseDelay)
	if err1 != nil || err2 != nil || r.Retry.MaxAttempts < 1 || r.Retry.MaxAttempts > 20 {
		return MaxTimeout + time.Second // invalid: Validate reports it
	}
	n := r.Retry.MaxAttempts
	// Backoff before attempts 2..n: base, 2·base, …, 2^(n-2)·base.
	backoff := time.Duration(float64(base) * (math.Exp2(float64(n-1)) - 1))
	d := time.Duration(n)*perAttempt + backoff + 5*time.Second
	return (d + time.Second - 1).Truncate(time.Second) // whole seconds, rounded up
}

func parseDuration(s string, lo, hi time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a Go duration (for example \"10s\", \"500ms\")", s)
	}
	if d < lo || d > hi {
		return 0, fmt.Errorf("%s is out of range [%s, %s]", d, lo, hi)
	}
	return d, nil
}
