package events

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// RedactedValue replaces the value of every denied key (RedactedKeys) in
// requestParameters, responseElements and additionalEventData.
const RedactedValue = "REDACTED"

// RedactedKeys is the deny-list: keys whose values are secrets. A key matches
// at any depth when, folded as encoding/json folds keys onto struct fields
// (simple Unicode case folding, so "ſession" with U+017F and "toKen" with
// the Kelvin sign U+212A match too) and with '_' and '-' removed, it equals
// an entry (so "clientSecret", "client_secret" and "CLIENT_SECRET" all
// match). The whole value is replaced, whatever its kind. docs/events.md
// lists them and says why each is there.
var RedactedKeys = []string{
	// passwords
	"password", "previouspassword", "proposedpassword", "temporarypassword", "newpassword",
	// client and hash secrets
	"clientsecret", "clientsecretvalue", "secrethash", "secretaccesskey", "privatekey", "apikey",
	// tokens and sessions
	"session", "accesstoken", "idtoken", "refreshtoken", "token", "sessiontoken",
	"authenticationresult", "authorization", "codeverifier",
	// one-time codes
	"code", "confirmationcode", "usercode", "secretcode", "smsmfacode",
	"softwaretokenmfacode", "emailotpcode", "answer", "mfacode", "otpcode", "authorizationcode",
	// whole credential bags of the auth APIs
	"authparameters", "challengeresponses", "passwordclaimsignature", "passwordclaimsecretblock",
	// SRP values of InitiateAuth's challengeParameters (SALT, SECRET_BLOCK,
	// SRP_A, SRP_B) and of device SRP: ConfirmDevice's
	// deviceSecretVerifierConfig (passwordVerifier, salt) and
	// newDeviceMetadata.deviceGroupKey
	"salt", "secretblock", "srpa", "srpb", "devicesecretverifierconfig", "passwordverifier",
	"devicegroupkey", "devicepassword",
	// WebAuthn: the registration challenge (credentialCreationOptions.challenge
	// of StartWebAuthnRegistration), the sign-in options of
	// challengeParameters (CREDENTIAL_REQUEST_OPTIONS, a JSON string holding
	// a challenge); the authenticator's answer is "credential" below
	"challenge", "credentialrequestoptions",
	// the shared secret of an SMS role's trust policy
	// (smsConfiguration.externalId of CreateUserPool, SetUserPoolMfaConfig)
	"externalid",
	// federation and browser state: SAML and OIDC parameters that carry a
	// token, an assertion, a nonce or anti-forgery state
	"samlresponse", "relaystate", "csrf", "credential", "cognitoasfdata", "encodeddata",
	"state", "nonce", "idtokenhint", "clientassertion", "assertion", "codechallenge", "cookie", "setcookie",
	// bearer URLs and caller context: a pre-signed URL grants access by itself;
	// forwarded HTTP headers carry cookies
	"presignedurl", "httpheaders",
	// free-form data passed to Lambda triggers, often captcha or other tokens
	"validationdata", "clientmetadata",
}

// notSecretParents are objects whose members share a deny-listed name but
// hold no secret: tokenValidityUnits says in which unit each token's validity
// is given ("hours", "days").
var notSecretParents = map[string]bool{"tokenValidityUnits": true}

var redactedKeySet = func() map[string]bool {
	m := make(map[string]bool, len(RedactedKeys))
	for _, k := range RedactedKeys {
		m[k] = true
	}
	return m
}()

// denied reports whether key is on the deny-list. It folds key as
// encoding/json matches keys to struct fields (bytes.EqualFold: simple
// Unicode folding), so no spelling a decoder reads as a deny-listed name
// escapes: every entry is ASCII, so a rune folds onto it only when its
// folding orbit holds an ASCII letter (U+017F onto s, U+212A onto k). It
// does not allocate.
func denied(key []byte) bool {
	var buf [40]byte
	n := 0
	for i := 0; i < len(key); {
		c := key[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRune(key[i:])
			i += size
			if c = asciiFold(r); c == 0 {
				return false // no entry holds this rune
			}
		} else {
			i++
		}
		switch {
		case c == '_' || c == '-':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		if n == len(buf) {
			return false // longer than any entry
		}
		buf[n] = c
		n++
	}
	return redactedKeySet[string(buf[:n])]
}

// asciiFold returns the ASCII letter in r's simple folding orbit, or 0 when
// there is none.
func asciiFold(r rune) byte {
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < utf8.RuneSelf {
			return byte(f)
		}
	}
	return 0
}

// secretKey reports whether the value of key, a member of the object held
// under parent, is to be redacted.
func secretKey(parent, key []byte) bool {
	return denied(key) && !notSecretParents[string(parent)]
}

// redactor copies JSON compactly, replacing denied values and collecting
// hints. Each of the three parts of a record is copied into out, at
// spans[section], with its hints in hints[section].
type redactor struct {
	s     *scanner
	out   []byte
	h     *hints
	sec   section
	spans [numSections]span
	hints [numSections]hints
	// keys holds the keys of the objects being copied, innermost last;
	// hinted the subset whose values carry a hint (checkKey). They start
	// in keyBuf and hintBuf, so a record of usual size allocates nothing
	// for them.
	keys, hinted []keyEntry
	keyBuf       [16]keyEntry
	hintBuf      [4]keyEntry
}

// keyEntry is a key of an object being copied and the hint its value
// carries.
type keyEntry struct {
	key []byte
	h   hint
}

// linearKeys is how many keys an object holds before checkKey looks exact
// repeats up in a map rather than comparing with each earlier key.
const linearKeys = 64

// errRepeatedKey says an object repeats a key; it wraps ErrNotJSON.
func errRepeatedKey(first, again []byte, offset int) error {
	if string(first) == string(again) {
		return fmt.Errorf("%w: key %q appears twice in one object (before offset %d): decoders keep the last value, so a record whose keys repeat is malformed", ErrNotJSON, again, offset)
	}
	return fmt.Errorf("%w: keys %q and %q name the same identifier (decoders match keys ignoring case, as encoding/json does) in one object (before offset %d): a record whose keys repeat is malformed", ErrNotJSON, first, again, offset)
}

// checkKey records key, the next key of the object whose keys start at
// r.keys[base] and r.hinted[hbase], and fails when the object already has
// it, or, when either carries a hint, a key that folds onto it as
// encoding/json folds keys. The normaliser takes identifiers from the first
// value and decoders the last, so such a record would show a consumer of
// data another user or client than the event's subject: it is refused.
// seen serves objects with more than linearKeys keys.
func (r *redactor) checkKey(base, hbase int, key []byte, h hint, seen *map[string]struct{}) error {
	n := len(r.keys) - base
	switch {
	case n < linearKeys:
		for _, e := range r.keys[base:] {
			if string(e.key) == string(key) {
				return errRepeatedKey(e.key, key, r.s.pos)
			}
		}
	default:
		if *seen == nil {
			*seen = make(map[string]struct{}, 2*linearKeys)
			for _, e := range r.keys[base:] {
				(*seen)[string(e.key)] = struct{}{}
			}
		}
		if _, dup := (*seen)[string(key)]; dup {
			return errRepeatedKey(key, key, r.s.pos)
		}
		(*seen)[string(key)] = struct{}{}
	}
	if h != hintNone {
		// A hinted key is compared with every earlier key; there are
		// few of them, since each hinted name may appear once.
		for _, e := range r.keys[base:] {
			if bytes.EqualFold(e.key, key) {
				return errRepeatedKey(e.key, key, r.s.pos)
			}
		}
		r.hinted = append(r.hinted, keyEntry{key, h})
	} else {
		for _, e := range r.hinted[hbase:] {
			if bytes.EqualFold(e.key, key) {
				return errRepeatedKey(e.key, key, r.s.pos)
			}
		}
	}
	r.keys = append(r.keys, keyEntry{key, h})
	return nil
}

// span is a part of the redactor's output; start == end when absent.
type span struct{ start, end int }

var sectionNames = [numSections]string{"requestParameters", "responseElements", "additionalEventData"}

// part reads the value at the scanner's position, one of the record's
// open-ended parts, and returns its raw bytes. When r is not nil it also
// copies the value, redacted, to r.out. null and absent parts copy nothing.
func (r *redactor) part(s *scanner, sec section) ([]byte, error) {
	if r == nil {
		return s.rawValue()
	}
	s.skipSpace()
	start := s.pos
	r.s, r.sec, r.h = s, sec, &r.hints[sec]
	*r.h = hints{}
	outStart := len(r.out)
	var err error
	if s.peek() == 'n' {
		err = s.literal("null")
	} else {
		err = r.redactValue(0, nil, hintNone)
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", sectionNames[sec], err)
	}
	r.spans[sec] = span{outStart, len(r.out)}
	return s.data[start:s.pos], nil
}

// spanOf returns the redacted copy of a part, empty when absent.
func (r *redactor) spanOf(sec section) []byte {
	sp := r.spans[sec]
	return r.out[sp.start:sp.end]
}

// redactValue copies the value at the scanner's position. depth is the
// depth of the value (0 for the section itself); parent is the key of the
// object holding it; h is the hint its value carries.
func (r *redactor) redactValue(depth int, parent []byte, h hint) error {
	if depth > maxDepth {
		return fmt.Errorf("%w: nested deeper than %d levels at offset %d", ErrNotJSON, maxDepth, r.s.pos)
	}
	s := r.s
	switch c := s.peek(); c {
	case '{':
		s.pos++
		r.out = append(r.out, '{')
		base, hbase := len(r.keys), len(r.hinted)
		defer func() { r.keys, r.hinted = r.keys[:base], r.hinted[:hbase] }()
		var seen map[string]struct{}
		for first := true; ; first = false {
			key, ok, err := s.nextKey(first)
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			kh := hintFor(r.sec, depth+1, parent, key)
			if err := r.checkKey(base, hbase, key, kh, &seen); err != nil {
				return err
			}
			if !first {
				r.out = append(r.out, ',')
			}
			r.out = appendKey(r.out, key)
			if secretKey(parent, key) {
				r.out = append(r.out, `"`+RedactedValue+`"`...)
				if err := s.skipValue(depth + 1); err != nil {
					return err
				}
				continue
			}
			if err := r.redactValue(depth+1, key, kh); err != nil {
				return err
			}
		}
		r.out = append(r.out, '}')
	case '[':
		s.pos++
		r.out = append(r.out, '[')
		for first := true; ; first = false {
			ok, err := s.nextElement(first)
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			if !first {
				r.out = append(r.out, ',')
			}
			// Only the first element of an array carries a hint
			// (hosted-UI parameters are arrays of one string).
			eh := hintNone
			if first && h != hintStatus {
				eh = h
			}
			if err := r.redactValue(depth+1, parent, eh); err != nil {
				return err
			}
		}
		r.out = append(r.out, ']')
	case '"':
		if h == hintStatus {
			h = hintNone // a status is a number; a string there is data, never copied raw
		}
		start := s.pos
		escaped, nonASCII, err := s.scanString()
		if err != nil {
			return err
		}
		// Every string is written again by appendString, the one string
		// writer, from its decoded value: nothing is copied unencoded.
		v := s.str[start+1 : s.pos-1]
		if escaped || nonASCII && !utf8.ValidString(v) {
			var d string
			if err := json.Unmarshal(s.data[start:s.pos], &d); err != nil {
				return fmt.Errorf("%w: decoding string at offset %d: %v", ErrNotJSON, start, err)
			}
			v = d
		}
		r.h.set(h, v)
		r.out = appendString(r.out, v)
	default:
		start := s.pos
		if err := s.skipValue(depth); err != nil {
			return err
		}
		if h == hintStatus && (c == '-' || '0' <= c && c <= '9') {
			r.h.set(h, s.str[start:s.pos])
		}
		r.out = append(r.out, s.data[start:s.pos]...)
	}
	return nil
}

// appendKey appends key as a JSON string followed by ':'.
func appendKey(dst, key []byte) []byte {
	plain := true
	for _, c := range key {
		if c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain {
		dst = append(dst, '"')
		dst = append(dst, key...)
		dst = append(dst, '"', ':')
		return dst
	}
	return append(appendString(dst, string(key)), ':')
}
