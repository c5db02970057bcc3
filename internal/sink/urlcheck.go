package sink

import (
	"net/url"
	"strings"
)

// RedactURL returns raw without user information, query or fragment: all an
// error message or log line may show of a sink URL, since some endpoints
// take their key in the query.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(an unparsable URL)"
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return u.String()
}

// credentialParams are what a query parameter's name holds, lower-cased
// without '_' and '-', when its value is a credential: api keys
// (key, apikey, subscription-key), tokens, secrets, signatures (sig,
// X-Amz-Signature), passwords, auth and session values. "code" (Azure
// Functions' function key) counts only as the whole name.
var credentialParams = []string{"key", "token", "secret", "sig", "passw", "auth", "credential", "session"}

// QueryCredential returns the name of the first query parameter of u whose
// name says its value is a credential, or "" when there is none. Such a URL
// would sit in plain text in the template and in SINK_URL: it belongs in a
// secret (sink.urlSecret).
func QueryCredential(u *url.URL) string {
	for name := range u.Query() {
		n := strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(name))
		if n == "code" {
			return name
		}
		for _, c := range credentialParams {
			if strings.Contains(n, c) {
				return name
			}
		}
	}
	return ""
}
