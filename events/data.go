package events

import (
	"errors"
	"strings"
	"time"
)

// partition returns the ARN partition of an AWS region.
func partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "eu-isoe-"):
		return "aws-iso-e"
	case strings.HasPrefix(region, "us-isof-"):
		return "aws-iso-f"
	}
	return "aws"
}

// UnresolvedPool is the resource part of the source of an event whose user
// pool could not be determined.
const UnresolvedPool = "userpool/unresolved"

// sourceARN is the user pool ARN, or the documented fallback that still
// names region and account.
func sourceARN(region, account, pool string) string {
	resource := UnresolvedPool
	if pool != "" {
		resource = "userpool/" + pool
	}
	return "arn:" + partition(region) + ":cognito-idp:" + region + ":" + account + ":" + resource
}

// validPoolID reports whether id has the shape of a user pool id,
// <region>_<alphanumerics>, so that it can go into an ARN.
func validPoolID(id string) bool {
	i := strings.IndexByte(id, '_')
	if i <= 0 || i == len(id)-1 || len(id) > 64 {
		return false
	}
	for j := 0; j < len(id); j++ {
		c := id[j]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-' && j < i:
		case j == i:
		default:
			return false
		}
	}
	return true
}

// poolFromRecord finds the user pool id among the identifiers of the
// record: the request's, then the response's, then additionalEventData's
// userPoolId; then a user pool ARN in resourceArn (TagResource and friends);
// then one in the record's resources list.
func poolFromRecord(h *hints, resources []TrailResource) string {
	if id := h[hintUserPoolID]; validPoolID(id) {
		return id
	}
	if id := poolFromARN(h[hintResourceARN]); id != "" {
		return id
	}
	for _, r := range resources {
		if id := poolFromARN(r.ARN); id != "" {
			return id
		}
	}
	return ""
}

// poolFromARN returns the pool id of a user pool ARN, or "".
func poolFromARN(arn string) string {
	const marker = ":userpool/"
	i := strings.LastIndex(arn, marker)
	if i < 0 || !strings.HasPrefix(arn, "arn:") || !strings.Contains(arn[:i], ":cognito-idp:") {
		return ""
	}
	if id := arn[i+len(marker):]; validPoolID(id) {
		return id
	}
	return ""
}

func isNotFound(err error) bool { return errors.Is(err, ErrPoolNotFound) }

// subjectID returns the id of the resource of kind that the record names,
// or "" when it names none (pool-level calls, or the id was hidden).
func subjectID(kind ResourceKind, h *hints) string {
	switch kind {
	case KindClient:
		return h[hintClientID]
	case KindUser:
		return firstNonEmpty(h[hintSub], h[hintUsername])
	case KindGroup:
		return h[hintGroupName]
	case KindIdentityProvider:
		return h[hintProviderName]
	case KindResourceServer:
		return h[hintIdentifier]
	case KindDomain:
		return firstNonEmpty(h[hintDomain], h[hintUserPoolDomain])
	case KindImportJob:
		return h[hintJobID]
	case KindDevice:
		return h[hintDeviceKey]
	case KindManagedLoginBranding:
		return h[hintBrandingID]
	case KindTerms:
		return h[hintTermsID]
	case KindWebAuthnCredential:
		return h[hintCredentialID]
	}
	return ""
}

// guessKind is the resource kind of an operation the catalogue does not know
// yet (a newer API): the most specific identifier the record names.
func guessKind(h *hints) ResourceKind {
	order := []struct {
		h    hint
		kind ResourceKind
	}{
		{hintDeviceKey, KindDevice},
		{hintCredentialID, KindWebAuthnCredential},
		{hintGroupName, KindGroup},
		{hintProviderName, KindIdentityProvider},
		{hintIdentifier, KindResourceServer},
		{hintJobID, KindImportJob},
		{hintBrandingID, KindManagedLoginBranding},
		{hintTermsID, KindTerms},
		{hintDomain, KindDomain},
		{hintSub, KindUser},
		{hintUsername, KindUser},
		{hintClientID, KindClient},
	}
	for _, o := range order {
		if h[o.h] != "" {
			return o.kind
		}
	}
	return KindUserPool
}

// validRegion reports whether r has the shape of an AWS region, such as
// us-east-1, us-gov-west-1 or eu-isoe-west-1, so that it can go into an ARN.
func validRegion(r string) bool {
	// Words of lower-case letters joined by '-', at least two of them,
	// then '-' and a number.
	if len(r) > 32 {
		return false
	}
	words, digits := 0, 0
	wordLen := 0
	for i := 0; i < len(r); i++ {
		c := r[i]
		switch {
		case 'a' <= c && c <= 'z' && digits == 0:
			wordLen++
		case c == '-' && wordLen > 0 && digits == 0:
			words++
			wordLen = 0
		case '0' <= c && c <= '9' && wordLen == 0 && words > 0:
			digits++
		default:
			return false
		}
	}
	return words >= 2 && digits > 0
}

// firstAccount returns the first of ids that is an AWS account id (12
// digits), or "" when none is.
func firstAccount(ids ...string) string {
	for _, id := range ids {
		if len(id) == 12 && strings.Trim(id, "0123456789") == "" {
			return id
		}
	}
	return ""
}

// validTime reports whether t is an RFC 3339 date-time, strictly:
// YYYY-MM-DDTHH:MM:SS, optional fraction, then Z or ±HH:MM, upper-case T and
// Z as CloudTrail writes them (Go's parser, and so the CloudEvents SDK,
// refuses lower case; Go's parser alone also takes one-digit hours).
func validTime(t string) bool {
	const layout = "dddd-dd-ddTdd:dd:dd"
	if len(t) < len(layout)+1 {
		return false
	}
	for i := 0; i < len(layout); i++ {
		c := t[i]
		if layout[i] == 'd' && !('0' <= c && c <= '9') || layout[i] != 'd' && c != layout[i] {
			return false
		}
	}
	rest := t[len(layout):]
	if rest[0] == '.' {
		n := 1
		for n < len(rest) && '0' <= rest[n] && rest[n] <= '9' {
			n++
		}
		if n == 1 {
			return false
		}
		rest = rest[n:]
	}
	switch {
	case rest == "Z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' &&
		strings.Trim(rest[1:3]+rest[4:], "0123456789") == "":
	default:
		return false
	}
	_, err := time.Parse(time.RFC3339Nano, t)
	return err == nil
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// unauthenticated reports whether the caller presented no AWS credentials:
// public user-pool APIs (type Unknown, principal Anonymous) and hosted-UI
// requests (no type at all).
func unauthenticated(u *UserIdentity) bool {
	return u.Type == "Unknown" || u.Type == "Anonymous" || u.PrincipalID == "Anonymous" ||
		u.Type == "" && u.ARN == "" && u.PrincipalID == ""
}

// jsonWriter appends the members of one JSON object.
type jsonWriter struct {
	b     []byte
	comma bool
}

func (w *jsonWriter) key(k string) {
	if w.comma {
		w.b = append(w.b, ',')
	}
	w.comma = true
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':')
}

func (w *jsonWriter) str(k, v string) {
	w.key(k)
	w.b = appendString(w.b, v)
}

// optStr writes k only when v is not empty.
func (w *jsonWriter) optStr(k, v string) {
	if v != "" {
		w.str(k, v)
	}
}

func (w *jsonWriter) boolean(k string, v bool) {
	w.key(k)
	if v {
		w.b = append(w.b, "true"...)
	} else {
		w.b = append(w.b, "false"...)
	}
}

// raw writes k with raw JSON, or null when raw is empty.
func (w *jsonWriter) raw(k string, raw []byte) {
	w.key(k)
	if len(raw) == 0 {
		w.b = append(w.b, "null"...)
		return
	}
	w.b = append(w.b, raw...)
}

// open starts a nested object under k and returns the writer to resume
// with after close.
func (w *jsonWriter) open(k string) {
	w.key(k)
	w.b = append(w.b, '{')
	w.comma = false
}

func (w *jsonWriter) close() {
	w.b = append(w.b, '}')
	w.comma = true
}

// writeData appends the data document (docs/events.md, schema/data.v1.json).
// request, response and additional are the redacted parts, empty when the
// record had none; add holds the identifiers found in additionalEventData.
func writeData(dst []byte, rec *Record, region, account string, kind ResourceKind, resourceID, pool string, add *hints, request, response, additional []byte) []byte {
	w := jsonWriter{b: append(dst, '{')}

	w.open("call")
	w.str("eventName", rec.EventName)
	w.str("eventSource", rec.EventSource)
	w.optStr("eventType", rec.EventType)
	w.optStr("eventCategory", rec.EventCategory)
	w.optStr("eventVersion", rec.EventVersion)
	w.str("eventTime", rec.EventTime)
	w.str("eventID", rec.EventID)
	w.optStr("requestID", rec.RequestID)
	w.boolean("readOnly", bool(rec.ReadOnly))
	w.boolean("managementEvent", bool(rec.ManagementEvent))
	w.str("awsRegion", region)
	w.optStr("recipientAccountId", account)
	w.close()

	u := &rec.UserIdentity
	w.open("actor")
	w.optStr("type", u.Type)
	w.optStr("principalId", u.PrincipalID)
	w.optStr("arn", u.ARN)
	w.optStr("accountId", u.AccountID)
	w.optStr("userName", u.UserName)
	w.optStr("invokedBy", u.InvokedBy)
	if sc := u.SessionContext; sc != nil {
		if si := sc.SessionIssuer; si != (SessionIssuer{}) {
			w.open("sessionIssuer")
			w.optStr("type", si.Type)
			w.optStr("principalId", si.PrincipalID)
			w.optStr("arn", si.ARN)
			w.optStr("accountId", si.AccountID)
			w.optStr("userName", si.UserName)
			w.close()
		}
		w.boolean("mfaAuthenticated", bool(sc.Attributes.MFAAuthenticated))
	}
	if rec.SessionCredentialFromConsole {
		w.boolean("sessionCredentialFromConsole", true)
	}
	w.boolean("unauthenticated", unauthenticated(u))
	w.close()

	w.optStr("sourceIPAddress", rec.SourceIPAddress)
	w.optStr("userAgent", rec.UserAgent)

	w.open("resource")
	w.str("type", string(kind))
	w.optStr("id", resourceID)
	w.optStr("userPoolId", pool)
	w.close()

	w.raw("requestParameters", request)
	w.raw("responseElements", response)

	if len(additional) > 0 {
		w.open("additionalEventData")
		w.optStr("userPoolDomain", add[hintUserPoolDomain])
		w.optStr("clientId", add[hintClientID])
		w.optStr("sub", add[hintSub])
		if st := add[hintStatus]; st != "" {
			w.key("responseStatus")
			w.b = append(w.b, st...)
		}
		w.key("details")
		w.b = append(w.b, additional...)
		w.close()
	}

	if rec.ErrorCode != "" || rec.ErrorMessage != "" {
		w.open("error")
		w.optStr("code", rec.ErrorCode)
		w.optStr("message", rec.ErrorMessage)
		w.close()
	}
	return append(w.b, '}')
}
