package events

import (
	"strings"
	"time"
)

// Partition returns the ARN partition of an AWS region ("aws" unless the
// region names another partition: aws-cn, aws-us-gov, the ISO ones).
func Partition(region string) string {
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
	return "arn:" + Partition(region) + ":cognito-idp:" + region + ":" + account + ":" + resource
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
