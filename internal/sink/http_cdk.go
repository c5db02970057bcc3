package sink

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
)

// HTTPKeys are the cdk.json keys of an http sink.
type HTTPKeys struct {
	// URL is the HTTP sink's URL. HTTPS unless AllowInsecure. A URL whose
	// query carries a credential is refused here: use URLSecret.
	URL string `json:"url"`
	// URLSecret is a Secrets Manager secret ARN, or an SSM SecureString
	// parameter name (/path/name) or ARN, whose value is the URL, read
	// once at cold start: for endpoints that take their key in the URL.
	// Excludes URL.
	URLSecret string `json:"urlSecret"`
	// Mode is the CloudEvents HTTP mode, binary (default) or structured.
	Mode Mode `json:"mode"`
	// AllowInsecure allows an http:// URL.
	AllowInsecure bool `json:"allowInsecure"`
	// Headers are static extra HTTP headers. Never credentials: those go
	// in Auth.
	Headers map[string]string `json:"headers"`
	// Auth is the HTTP sink's authentication.
	Auth AuthKeys `json:"auth"`
}

// AuthKeys are the cdk.json keys of an http sink's authentication.
type AuthKeys struct {
	// Type is none (default), bearer, apikey, basic, oauth2 or sigv4.
	Type AuthKind `json:"type"`
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
	// SigV4Region is the signing region. Default: the region of
	// InvokeARN.
	SigV4Region string `json:"sigv4Region"`
	// InvokeARN is what the function may invoke with SigV4: an execute-api
	// ARN (arn:aws:execute-api:region:account:api-id/stage/METHOD/path) or a
	// Lambda function ARN for a function URL. Required for sigv4.
	InvokeARN string `json:"invokeArn"`
}

var (
	secretARNRE   = lazyRE(`^` + partitionRE + `:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$`)
	paramARNRE    = lazyRE(`^` + partitionRE + `:ssm:[a-z0-9-]+:\d{12}:parameter/[A-Za-z0-9/_.-]+$`)
	paramNameRE   = lazyRE(`^(/[A-Za-z0-9_.-]+)+$`)
	executeAPIRE  = lazyRE(`^` + partitionRE + `:execute-api:[a-z0-9-]+:\d{12}:[A-Za-z0-9]+/.+$`)
	lambdaARNRE   = lazyRE(`^` + partitionRE + `:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$`)
	headerTokenRE = lazyRE("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
)

// credentialHeaders are header names that carry credentials; they belong in
// a secret (Auth), never in the plaintext Headers.
var credentialHeaders = []string{"authorization", "proxy-authorization", "cookie", "x-api-key"}

func httpKeys(d *Declaration) []string {
	return setKeys(
		key{"url", d.URL != ""},
		key{"urlSecret", d.URLSecret != ""},
		key{"mode", d.Mode != ""},
		key{"allowInsecure", d.AllowInsecure},
		key{"headers", len(d.Headers) > 0},
		key{"auth", d.Auth.Type != "" || d.Auth.Secret != ""},
	)
}

func defaultHTTP(d *Declaration) {
	if d.Mode == "" {
		d.Mode = Binary
	}
	if d.Auth.Type == "" {
		d.Auth.Type = AuthNone
	}
	if d.Auth.Type == AuthSigV4 && d.Auth.SigV4Service == "" {
		d.Auth.SigV4Service = SigV4ExecuteAPI
	}
}

func validateHTTP(d *Declaration) error {
	switch {
	case d.URL != "" && d.URLSecret != "":
		return fmt.Errorf("sink.url, sink.urlSecret: give one: the URL, or the secret that holds it")
	case d.URLSecret != "":
		if secretKind(d.URLSecret) == "" {
			return fmt.Errorf("sink.urlSecret: want a Secrets Manager secret ARN or an SSM parameter name (/path) or ARN")
		}
	case d.URL == "":
		return fmt.Errorf("sink.url: required for kind http (or sink.urlSecret)")
	default:
		if err := checkPlainURL(d.URL, d.AllowInsecure); err != nil {
			return err
		}
	}
	if d.Mode != Binary && d.Mode != Structured {
		return fmt.Errorf("sink.mode: %q: want binary or structured", d.Mode)
	}
	names := make([]string, 0, len(d.Headers))
	for name := range d.Headers {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !headerTokenRE().MatchString(name) {
			return fmt.Errorf("sink.headers: %q is not a valid header name", name)
		}
		lower := strings.ToLower(name)
		if slices.Contains(credentialHeaders, lower) || (d.Auth.Header != "" && strings.EqualFold(name, d.Auth.Header)) {
			return fmt.Errorf("sink.headers: %q carries credentials: put them in a secret and use sink.auth, never in plaintext headers", name)
		}
	}
	return d.Auth.validate()
}

// checkPlainURL checks a sink URL written in the configuration. Its
// messages show the URL only without query or credentials (RedactURL).
func checkPlainURL(raw string, allowInsecure bool) error {
	u, err := url.Parse(raw)
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
		if !allowInsecure {
			return fmt.Errorf("sink.url: %s is not HTTPS: use https://, or set sink.allowInsecure to true to send events in clear text", RedactURL(raw))
		}
	default:
		return fmt.Errorf("sink.url: scheme %q: want https (or http with sink.allowInsecure)", u.Scheme)
	}
	if k := QueryCredential(u); k != "" {
		return fmt.Errorf("sink.url: query parameter %q of %s carries a credential, which would sit in plain text in the template and the function's SINK_URL: put the whole URL in a secret and name it in sink.urlSecret", k, RedactURL(raw))
	}
	return nil
}

func (a *AuthKeys) validate() error {
	switch {
	case a.Type == AuthNone, a.Type == AuthSigV4, a.Type.needsSecret():
	default:
		return fmt.Errorf("sink.auth.type: unknown type %q: one of none, bearer, apikey, basic, oauth2, sigv4", a.Type)
	}
	if a.Type.needsSecret() && a.Secret == "" {
		return fmt.Errorf("sink.auth.secret: required for auth type %s: a Secrets Manager secret ARN or an SSM parameter name (/path/name) or ARN", a.Type)
	}
	if !a.Type.needsSecret() && a.Secret != "" {
		return fmt.Errorf("sink.auth.secret: not used by auth type %s", a.Type)
	}
	if a.Secret != "" && secretKind(a.Secret) == "" {
		// Do not echo the value: a user may have pasted the credential itself.
		return fmt.Errorf("sink.auth.secret: not a Secrets Manager secret ARN (arn:aws:secretsmanager:region:account:secret:name), an SSM parameter name (/path/name) or an SSM parameter ARN (arn:aws:ssm:region:account:parameter/name); the value is not shown in case it is a credential")
	}
	if a.SecretKMSKeyARN != "" && !kmsKeyARNRE().MatchString(a.SecretKMSKeyARN) {
		return fmt.Errorf("sink.auth.secretKmsKeyArn: %q is not a KMS key ARN (arn:aws:kms:region:account:key/id)", a.SecretKMSKeyARN)
	}
	if a.Header != "" {
		if a.Type != AuthAPIKey {
			return fmt.Errorf("sink.auth.header: only for auth type apikey")
		}
		if !headerTokenRE().MatchString(a.Header) {
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
			if !executeAPIRE().MatchString(a.InvokeARN) {
				return fmt.Errorf("sink.auth.invokeArn: required for sigv4 with service execute-api: the API's execute-api ARN (arn:aws:execute-api:region:account:api-id/stage/METHOD/path), got %q", a.InvokeARN)
			}
		case SigV4Lambda:
			if !lambdaARNRE().MatchString(a.InvokeARN) {
				return fmt.Errorf("sink.auth.invokeArn: required for sigv4 with service lambda: the function URL's function ARN (arn:aws:lambda:region:account:function:name), got %q", a.InvokeARN)
			}
		default:
			return fmt.Errorf("sink.auth.sigv4Service: %q: the app can grant invoke permission only for execute-api or lambda", a.SigV4Service)
		}
		if a.SigV4Region != "" && !ValidRegion(a.SigV4Region) {
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
	case secretARNRE().MatchString(ref):
		return secretsManager
	case paramARNRE().MatchString(ref), paramNameRE().MatchString(ref):
		return ssmParameter
	}
	return ""
}

func httpEnvironment(d *Declaration, set func(name, value string)) {
	set(EnvURL, d.URL)
	set(EnvURLSecret, d.URLSecret)
	set(EnvHTTPMode, string(d.Mode))
	if d.AllowInsecure {
		set(EnvAllowInsecure, "true")
	}
	if len(d.Headers) > 0 {
		b, _ := json.Marshal(d.Headers) // map[string]string always encodes
		set(EnvHeaders, string(b))
	}
	set(EnvAuth, string(d.Auth.Type))
	set(EnvAuthSecret, d.Auth.Secret)
	set(EnvAuthHeader, d.Auth.Header)
	set(EnvOAuth2TokenURL, d.Auth.TokenURL)
	set(EnvOAuth2Scopes, strings.Join(d.Auth.Scopes, " "))
	set(EnvSigV4Service, d.Auth.SigV4Service)
	// A SigV4 target is signed for its own region: that of its invoke
	// ARN unless sigv4Region says otherwise.
	set(EnvSigV4Region, cmp.Or(d.Auth.SigV4Region, ResourceRegion(d.Auth.InvokeARN)))
}

// httpStatements grant invoking a SigV4 target and reading the credential
// secret (and decrypting it with its customer managed key).
func httpStatements(d *Declaration) []Statement {
	var out []Statement
	a := d.Auth
	if a.Type == AuthSigV4 {
		action := "execute-api:Invoke"
		if a.SigV4Service == SigV4Lambda {
			action = "lambda:InvokeFunctionUrl"
		}
		out = append(out, Statement{Sid: "InvokeSink", Actions: []string{action}, Resources: []string{a.InvokeARN}})
	}
	out = append(out, readSecretStatements("ReadSinkSecret", a.Secret)...)
	out = append(out, readSecretStatements("ReadSinkURLSecret", d.URLSecret)...)
	if a.SecretKMSKeyARN != "" {
		service := "secretsmanager"
		if secretKind(a.Secret) == ssmParameter {
			service = "ssm"
		}
		out = append(out, Statement{Sid: "DecryptSinkSecret", Actions: []string{"kms:Decrypt"}, Resources: []string{a.SecretKMSKeyARN},
			Conditions: ViaService(service, a.SecretKMSKeyARN)})
	}
	return out
}

// readSecretStatements grant reading the secret ref (a Secrets Manager ARN
// or an SSM parameter name or ARN); none when ref is empty.
func readSecretStatements(sid, ref string) []Statement {
	switch secretKind(ref) {
	case secretsManager:
		return []Statement{{Sid: sid, Actions: []string{"secretsmanager:GetSecretValue"}, Resources: []string{ref, ref + "-??????"}}}
	case ssmParameter:
		arn := ref
		if !strings.HasPrefix(arn, "arn:") {
			arn = "arn:" + Partition + ":ssm:" + Region + ":" + AccountID + ":parameter" + arn
		}
		return []Statement{{Sid: sid, Actions: []string{"ssm:GetParameter"}, Resources: []string{arn}}}
	}
	return nil
}

// regionRE matches an AWS region name such as us-east-1.
var regionRE = lazyRE(`^[a-z]{2}(-[a-z]+)+-\d+$`)

// ValidRegion reports whether s has the shape of an AWS region name.
func ValidRegion(s string) bool { return regionRE().MatchString(s) }
