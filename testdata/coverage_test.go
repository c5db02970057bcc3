package testdata

import (
	"bytes"
	"regexp"
	"testing"
)

// TestCorpusCoverage checks that the corpus shows every case the
// specification asks for at least once (or n times).
func TestCorpusCoverage(t *testing.T) {
	corpus := loadCorpus(t)
	type pred func(f fixture, rec map[string]any) bool
	identity := func(rec map[string]any) map[string]any {
		ui, _ := rec["userIdentity"].(map[string]any)
		return ui
	}
	hasString := func(want string) pred {
		return func(_ fixture, rec map[string]any) bool {
			found := false
			walk(rec, "", func(string) {}, func(_, s string) { found = found || s == want })
			return found
		}
	}
	region := func(r string) pred {
		return func(_ fixture, rec map[string]any) bool { s, _ := str(rec, "awsRegion"); return s == r }
	}
	version := func(v string) pred {
		return func(_ fixture, rec map[string]any) bool { s, _ := str(rec, "eventVersion"); return s == v }
	}
	errorCode := func(code string) pred {
		return func(_ fixture, rec map[string]any) bool { s, _ := str(rec, "errorCode"); return s == code }
	}
	callerType := func(typ string) pred {
		return func(_ fixture, rec map[string]any) bool { s, _ := str(identity(rec), "type"); return s == typ }
	}
	floatNumber := regexp.MustCompile(`":\s*-?[0-9]+\.0\b`)
	nonASCII := regexp.MustCompile(`[^\x00-\x7f]`)

	cases := []struct {
		name string
		min  int
		ok   pred
	}{
		{"failed call", minFailed, func(f fixture, rec map[string]any) bool {
			s, _ := str(rec, "errorCode")
			return f.envelope != nil && s != ""
		}},
		{"negative", minNegatives, func(f fixture, _ map[string]any) bool { return f.envelope != nil && f.negative() }},
		{"AccessDenied", 1, errorCode("AccessDenied")},
		{"NotAuthorizedException", 1, errorCode("NotAuthorizedException")},
		{"ResourceNotFoundException", 1, errorCode("ResourceNotFoundException")},
		{"UsernameExistsException", 1, errorCode("UsernameExistsException")},
		{"InvalidParameterException", 1, errorCode("InvalidParameterException")},
		{"LimitExceededException", 1, errorCode("LimitExceededException")},
		{"empty errorCode and errorMessage", 1, func(_ fixture, rec map[string]any) bool {
			c, okc := str(rec, "errorCode")
			m, okm := str(rec, "errorMessage")
			return okc && okm && c == "" && m == ""
		}},
		{"caller IAMUser", 1, callerType("IAMUser")},
		{"caller console session", 1, func(_ fixture, rec map[string]any) bool {
			s, _ := str(rec, "sessionCredentialFromConsole")
			ctx, _ := identity(rec)["sessionContext"].(map[string]any)
			attrs, _ := ctx["attributes"].(map[string]any)
			mfa, _ := str(attrs, "mfaAuthenticated")
			return s == "true" && mfa == "true"
		}},
		{"caller AWSService", 1, callerType("AWSService")},
		{"caller AssumedRole invokedBy", 1, func(_ fixture, rec map[string]any) bool {
			ui := identity(rec)
			typ, _ := str(ui, "type")
			by, _ := str(ui, "invokedBy")
			return typ == "AssumedRole" && by != ""
		}},
		{"caller anonymous", 1, func(_ fixture, rec map[string]any) bool {
			ui := identity(rec)
			typ, _ := str(ui, "type")
			pid, _ := str(ui, "principalId")
			return typ == "Unknown" && pid == "Anonymous"
		}},
		{"caller hosted UI (accountId only)", 1, func(_ fixture, rec map[string]any) bool {
			ui := identity(rec)
			_, ok := str(ui, "accountId")
			return len(ui) == 1 && ok
		}},
		{"AwsServiceEvent envelope", 1, func(f fixture, rec map[string]any) bool {
			s, _ := str(rec, "eventType")
			return f.envelope != nil && s == "AwsServiceEvent"
		}},
		{"requestParameters null", 1, func(_ fixture, rec map[string]any) bool {
			v, ok := rec["requestParameters"]
			return ok && v == nil
		}},
		{"responseElements null", 1, func(_ fixture, rec map[string]any) bool {
			v, ok := rec["responseElements"]
			return ok && v == nil
		}},
		{"requestParameters absent", 1, func(_ fixture, rec map[string]any) bool {
			_, ok := rec["requestParameters"]
			return !ok
		}},
		{"responseElements absent", 1, func(_ fixture, rec map[string]any) bool {
			_, ok := rec["responseElements"]
			return !ok
		}},
		{"HIDDEN_DUE_TO_SECURITY_REASONS string", 1, hasString("HIDDEN_DUE_TO_SECURITY_REASONS")},
		{"HIDDEN_DUE_TO_SECURITY_REASONS array", 1, func(_ fixture, rec map[string]any) bool {
			found := false
			var look func(v any)
			look = func(v any) {
				switch x := v.(type) {
				case map[string]any:
					for _, e := range x {
						look(e)
					}
				case []any:
					if len(x) == 1 && x[0] == "HIDDEN_DUE_TO_SECURITY_REASONS" {
						found = true
					}
					for _, e := range x {
						look(e)
					}
				}
			}
			look(rec)
			return found
		}},
		{"HIDDEN_FOR_SECURITY_REASONS", 1, hasString("HIDDEN_FOR_SECURITY_REASONS")},
		{"InitiateAuth authParameters string, clientId only", 1, func(_ fixture, rec map[string]any) bool {
			name, _ := str(rec, "eventName")
			req, _ := rec["requestParameters"].(map[string]any)
			_, isString := req["authParameters"].(string)
			_, hasClient := str(req, "clientId")
			_, hasPool := req["userPoolId"]
			return name == "InitiateAuth" && isString && hasClient && !hasPool
		}},
		{"float-looking number", 1, func(f fixture, _ map[string]any) bool { return floatNumber.Match(f.raw) }},
		{"eventVersion 1.03", 1, version("1.03")},
		{"eventVersion 1.05", 1, version("1.05")},
		{"eventVersion 1.08", 1, version("1.08")},
		{"eventVersion 1.09", 1, version("1.09")},
		{"eventVersion 1.10", 1, version("1.10")},
		{"eventVersion 1.11", 1, version("1.11")},
		{"tlsDetails", 1, func(_ fixture, rec map[string]any) bool { _, ok := rec["tlsDetails"].(map[string]any); return ok }},
		{"resources in record", 1, func(_ fixture, rec map[string]any) bool { r, _ := rec["resources"].([]any); return len(r) > 0 }},
		{"userAgent over 500 bytes", 1, func(_ fixture, rec map[string]any) bool { s, _ := str(rec, "userAgent"); return len(s) > 500 }},
		{"non-ASCII text", 2, func(f fixture, _ map[string]any) bool { return nonASCII.Match(f.raw) }},
		{"escaped quote and newline", 1, func(f fixture, _ map[string]any) bool {
			return bytes.Contains(f.raw, []byte(`\"`)) && bytes.Contains(f.raw, []byte(`\n`))
		}},
		{"region eu-west-1", 1, region("eu-west-1")},
		{"region ap-northeast-1", 1, region("ap-northeast-1")},
		{"region cn-north-1", 1, region("cn-north-1")},
		{"region us-gov-west-1", 1, region("us-gov-west-1")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := 0
			for _, f := range corpus {
				for _, rec := range f.records {
					if c.ok(f, rec) {
						n++
					}
				}
			}
			if n < c.min {
				t.Errorf("%d records show it, want at least %d", n, c.min)
			}
		})
	}
}

// sentinels are the errors a malformed input may produce.
