package config

import (
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// UserPool says which pool a triggers route wires.
type UserPool struct {
	// Mode is "create" (default) or "existing".
	Mode PoolMode `json:"mode"`
	// ID is the existing pool's id; only with mode existing, then required.
	ID string `json:"id"`
	// Name is the created pool's logical id in the template (letters and
	// digits, starting with a letter, up to 64); its app client's is Name
	// followed by "Client". Default DefaultPoolName when the app creates
	// one pool; required on each when it creates several. It does not
	// depend on the route's name, so renaming the route keeps the pool; a
	// new Name is a new, empty pool.
	Name string `json:"name"`
	// Region is the region the pool is created in (create only); required
	// when regions lists more than one, and then only that region's stack
	// has the route.
	Region string `json:"region"`
	// SelfSignUp lets users sign themselves up (create only).
	SelfSignUp bool `json:"selfSignUp"`
	// AutoVerifyEmail has Cognito send a code to verify e-mail addresses
	// (create only).
	AutoVerifyEmail bool `json:"autoVerifyEmail"`
	// OAuth, when set, lets the app client use the OAuth authorization
	// code flow with these URLs (create only). Without it the client has
	// no OAuth flow at all; the implicit flow is never allowed.
	OAuth *PoolOAuth `json:"oauth,omitempty"`
	// Email, when set, has Cognito send its messages through Amazon SES
	// (create only). Without it Cognito's default sender is used, which
	// sends a few messages a day (docs/triggers.md).
	Email *PoolEmail `json:"email,omitempty"`
}

// PoolOAuth is the created app client's OAuth configuration.
type PoolOAuth struct {
	// CallbackURLs are where the authorization code is sent; required.
	CallbackURLs []string `json:"callbackUrls"`
	// LogoutURLs are where sign-out may return.
	LogoutURLs []string `json:"logoutUrls"`
}

// PoolEmail is the created pool's SES configuration.
type PoolEmail struct {
	// From is the sender address (a verified SES identity); required.
	From string `json:"from"`
	// ReplyTo is the reply-to address; optional.
	ReplyTo string `json:"replyTo"`
	// IdentityARN is the verified SES identity From belongs to, for
	// example arn:aws:ses:us-east-1:123456789012:identity/example.com;
	// required.
	IdentityARN string `json:"identityArn"`
}

var (
	poolNameRE       = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]{0,63}$`)
	sesIdentityARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:ses:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:identity/[^\s]+$`)
)

// InRegion reports whether the route's stack in region has this pool's
// route: an existing pool's region (validation makes it the only one); a
// created pool's Region, or every region when Region is empty (then there
// is only one).
func (p *UserPool) InRegion(region string) bool {
	if p.Mode == PoolCreate && p.Region != "" {
		return p.Region == region
	}
	return true
}

// validate checks the pool keys; errors name the field.
func (p *UserPool) validate(regions []string) error {
	switch p.Mode {
	case PoolCreate:
		if p.ID != "" {
			return fmt.Errorf("triggers.userPool.id: %q: only with mode existing", p.ID)
		}
		if p.Name != "" && !poolNameRE.MatchString(p.Name) {
			return fmt.Errorf("triggers.userPool.name: %q: want 1 to 64 letters and digits, starting with a letter", p.Name)
		}
		if p.Region != "" && !slices.Contains(regions, p.Region) {
			return fmt.Errorf("triggers.userPool.region: %q is not in regions %v", p.Region, regions)
		}
		if p.Region == "" && len(regions) > 1 {
			return fmt.Errorf("triggers.userPool.region: required when regions lists several (%s): the pool is created once, in that region's stack; without it each region would create its own, unrelated pool", strings.Join(regions, ", "))
		}
		if err := p.OAuth.validate(); err != nil {
			return err
		}
		return p.Email.validate()
	case PoolExisting:
		m := userPoolIDRE.FindStringSubmatch(p.ID)
		if m == nil {
			return fmt.Errorf("triggers.userPool.id: %q is not a user pool id (region_id, for example us-east-1_AbCdEfGhI)", p.ID)
		}
		if len(regions) != 1 || regions[0] != m[1] {
			return fmt.Errorf("triggers.userPool.id: %q is in %s: a route attached to an existing pool needs regions to be exactly [%q]", p.ID, m[1], m[1])
		}
		if p.SelfSignUp || p.AutoVerifyEmail || p.Name != "" || p.Region != "" || p.OAuth != nil || p.Email != nil {
			return fmt.Errorf("triggers.userPool: name, region, selfSignUp, autoVerifyEmail, oauth and email apply only with mode create; an existing pool keeps its settings")
		}
		return nil
	default:
		return fmt.Errorf("triggers.userPool.mode: %q: want create or existing", p.Mode)
	}
}

func (o *PoolOAuth) validate() error {
	if o == nil {
		return nil
	}
	if len(o.CallbackURLs) == 0 {
		return fmt.Errorf("triggers.userPool.oauth.callbackUrls: required with oauth: where Cognito sends the authorization code")
	}
	for key, urls := range map[string][]string{"callbackUrls": o.CallbackURLs, "logoutUrls": o.LogoutURLs} {
		for i, u := range urls {
			if err := checkRedirect(u); err != nil {
				return fmt.Errorf("triggers.userPool.oauth.%s[%d]: %q: %w", key, i, u, err)
			}
		}
	}
	return nil
}

// checkRedirect accepts what Cognito accepts as a redirect URL: https, or
// http on localhost only, without a fragment.
func checkRedirect(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("not an absolute URL")
	}
	if u.Fragment != "" {
		return fmt.Errorf("a redirect URL has no fragment")
	}
	if u.Scheme == "https" || (u.Scheme == "http" && u.Hostname() == "localhost") {
		return nil
	}
	return fmt.Errorf("want https (http only for localhost)")
}

func (e *PoolEmail) validate() error {
	if e == nil {
		return nil
	}
	if a, err := mail.ParseAddress(e.From); err != nil || a.Address != e.From {
		return fmt.Errorf("triggers.userPool.email.from: %q is not an e-mail address", e.From)
	}
	if e.ReplyTo != "" {
		if a, err := mail.ParseAddress(e.ReplyTo); err != nil || a.Address != e.ReplyTo {
			return fmt.Errorf("triggers.userPool.email.replyTo: %q is not an e-mail address", e.ReplyTo)
		}
	}
	if !sesIdentityARNRE.MatchString(e.IdentityARN) {
		return fmt.Errorf("triggers.userPool.email.identityArn: %q: want a verified SES identity's ARN, for example arn:aws:ses:us-east-1:123456789012:identity/example.com", e.IdentityARN)
	}
	return nil
}

// DefaultPoolName is the name of the only pool an app creates.
const DefaultPoolName = "UserPool"

// validatePoolNames names the only created pool DefaultPoolName when it has
// no name, and refuses several created pools without names or with one
// name: they would share a logical id.
func (c *Config) validatePoolNames() error {
	var created []*UserPool
	var routes []string
	for i := range c.Routes {
		if t := c.Routes[i].Triggers; t != nil && t.UserPool.Mode == PoolCreate {
			created = append(created, &t.UserPool)
			routes = append(routes, c.Routes[i].Name)
		}
	}
	if len(created) == 1 && created[0].Name == "" {
		created[0].Name = DefaultPoolName
	}
	seen := map[string]string{}
	for i, p := range created {
		n := p.Name
		if n == "" {
			return fmt.Errorf("route %q: triggers.userPool.name: required when several routes create a pool: the pool's logical id in the template, letters and digits (for example \"Customers\"); it stays when the route is renamed", routes[i])
		}
		r := struct{ Name string }{routes[i]}
		if prev, ok := seen[n]; ok {
			return fmt.Errorf("route %q: triggers.userPool.name: %q is the pool of route %q too", r.Name, n, prev)
		}
		seen[n] = r.Name
	}
	return nil
}
