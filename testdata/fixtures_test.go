package testdata

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// The corpus's folders, relative to this package.
const (
	dirEnvelopes = "envelopes"
	dirRecords   = "records"
	dirAWSDocs   = "aws-docs"
	dirMalformed = "malformed"
)

// Thresholds the specification sets.
const (
	minEventNames    = 40 // distinct cognito-idp eventNames among the envelopes
	minCanaryFiles   = 15 // fixtures with at least one canary
	minFailed        = 6  // envelopes of failed calls
	minNegatives     = 6  // envelopes that must be skipped
	minBareRecords   = 3  // single-record files in records/
	lookupPageLen    = 3  // records in records/lookup-events-page.json
	canaryWord       = "canary"
	userPoolSource   = "cognito-idp.amazonaws.com"
	userPoolEBSource = "aws.cognito-idp"
	negativePrefix   = "negative-"
	lookupPageFile   = "lookup-events-page.json"
)

// envelopeKeys are the keys of an EventBridge event, exactly.
var envelopeKeys = []string{"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"}

// detailTypeOf maps a CloudTrail eventType to the EventBridge detail-type
// that carries it.
var detailTypeOf = map[string]string{
	"AwsApiCall":       "AWS API Call via CloudTrail",
	"AwsServiceEvent":  "AWS Service Event via CloudTrail",
	"AwsConsoleSignIn": "AWS Console Sign In via CloudTrail",
}

// requiredRecordKeys must be non-empty strings in every record.
var requiredRecordKeys = []string{"eventID", "eventName", "eventTime", "eventSource", "awsRegion"}

// fixture is one JSON file of the corpus, decoded.
type fixture struct {
	path     string           // relative to this package, slash-separated
	raw      []byte           // the file's bytes
	envelope map[string]any   // the EventBridge envelope; nil for bare records
	records  []map[string]any // the CloudTrail records the file holds
}

func (f fixture) negative() bool {
	return strings.HasPrefix(filepath.Base(f.path), negativePrefix)
}

// jsonFiles lists the .json files of dir, sorted.
func jsonFiles(tb testing.TB, dir string) []string {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		tb.Fatalf("listing %s: %v", dir, err)
	}
	if len(paths) == 0 {
		tb.Fatalf("listing %s: no .json files", dir)
	}
	sort.Strings(paths)
	return paths
}

// decode parses b into a generic value, keeping numbers as written.
func decode(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data after the first JSON value")
	}
	return v, nil
}

// loadCorpus reads every JSON fixture under envelopes/, records/ and
// aws-docs/. A file that cannot be read or decoded stops the test: the
// other checks depend on all of them.
func loadCorpus(tb testing.TB) []fixture {
	tb.Helper()
	var out []fixture
	for _, dir := range []string{dirEnvelopes, dirRecords, dirAWSDocs} {
		for _, path := range jsonFiles(tb, dir) {
			raw, err := os.ReadFile(path)
			if err != nil {
				tb.Fatalf("reading %s: %v", path, err)
			}
			v, err := decode(raw)
			if err != nil {
				tb.Fatalf("decoding %s: %v", path, err)
			}
			f := fixture{path: filepath.ToSlash(path), raw: raw}
			switch top := v.(type) {
			case map[string]any:
				if dir == dirEnvelopes {
					f.envelope = top
					detail, ok := top["detail"].(map[string]any)
					if !ok {
						tb.Fatalf("%s: detail is %T, not an object", path, top["detail"])
					}
					f.records = []map[string]any{detail}
				} else {
					f.records = []map[string]any{top}
				}
			case []any:
				if dir != dirRecords {
					tb.Fatalf("%s: a JSON array is allowed only in %s/", path, dirRecords)
				}
				for i, e := range top {
					rec, ok := e.(map[string]any)
					if !ok {
						tb.Fatalf("%s: element %d is %T, not an object", path, i, e)
					}
					f.records = append(f.records, rec)
				}
			default:
				tb.Fatalf("%s: top level is %T, not an object or array", path, v)
			}
			out = append(out, f)
		}
	}
	return out
}

// str returns m[key] if it is a string.
func str(m map[string]any, key string) (string, bool) {
	s, ok := m[key].(string)
	return s, ok
}

// walk calls fn for every object key and for every string value in v. For a
// string inside an array, key is the key of the nearest enclosing object
// member.
func walk(v any, key string, onKey func(k string), onString func(key, s string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			onKey(k)
			walk(e, k, onKey, onString)
		}
	case []any:
		for _, e := range x {
			walk(e, key, onKey, onString)
		}
	case string:
		onString(key, x)
	}
}

func TestFixturesAreJSON(t *testing.T) {
	for _, dir := range []string{dirEnvelopes, dirRecords, dirAWSDocs} {
		for _, path := range jsonFiles(t, dir) {
			t.Run(filepath.ToSlash(path), func(t *testing.T) {
				raw, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("reading: %v", err)
				}
				if !json.Valid(raw) {
					t.Fatalf("not valid JSON")
				}
				if _, err := decode(raw); err != nil {
					t.Fatalf("decoding: %v", err)
				}
			})
		}
	}
}

func TestRecordsHaveRequiredFields(t *testing.T) {
	for _, f := range loadCorpus(t) {
		t.Run(f.path, func(t *testing.T) {
			for i, rec := range f.records {
				for _, k := range requiredRecordKeys {
					if s, ok := str(rec, k); !ok || s == "" {
						t.Errorf("record %d: %s is %v, want a non-empty string", i, k, rec[k])
					}
				}
				if s, _ := str(rec, "eventTime"); s != "" {
					if _, err := time.Parse(time.RFC3339, s); err != nil {
						t.Errorf("record %d: eventTime %q is not RFC 3339: %v", i, s, err)
					}
				}
				if _, ok := str(rec, "eventType"); !ok {
					t.Errorf("record %d: eventType is %v, want a string", i, rec["eventType"])
				}
			}
		})
	}
}

func TestEnvelopes(t *testing.T) {
	ids := make(map[string]string)
	for _, f := range loadCorpus(t) {
		if f.envelope == nil {
			continue
		}
		t.Run(f.path, func(t *testing.T) {
			env, rec := f.envelope, f.records[0]
			for _, k := range envelopeKeys {
				if _, ok := env[k]; !ok {
					t.Errorf("envelope lacks %q", k)
				}
			}
			if len(env) != len(envelopeKeys) {
				t.Errorf("envelope has %d keys, want exactly %v", len(env), envelopeKeys)
			}
			if v, _ := str(env, "version"); v != "0" {
				t.Errorf("version = %q, want \"0\"", v)
			}
			if _, ok := env["resources"].([]any); !ok {
				t.Errorf("resources is %T, want an array", env["resources"])
			}
			id, _ := str(env, "id")
			if id == "" {
				t.Errorf("envelope id is empty")
			} else if other, dup := ids[id]; dup {
				t.Errorf("envelope id %s also in %s", id, other)
			}
			ids[id] = f.path

			eventType, _ := str(rec, "eventType")
			want, known := detailTypeOf[eventType]
			if !known {
				t.Errorf("eventType %q has no known detail-type", eventType)
			}
			if got, _ := str(env, "detail-type"); got != want {
				t.Errorf("detail-type = %q, want %q for eventType %q", got, want, eventType)
			}
			pairs := []struct{ envKey, recKey string }{
				{"time", "eventTime"},
				{"region", "awsRegion"},
				{"account", "recipientAccountId"},
			}
			for _, p := range pairs {
				e, _ := str(env, p.envKey)
				r, _ := str(rec, p.recKey)
				if e == "" || e != r {
					t.Errorf("envelope %s = %q, detail %s = %q: want equal and non-empty", p.envKey, e, p.recKey, r)
				}
			}

			source, _ := str(env, "source")
			eventSource, _ := str(rec, "eventSource")
			userPool := source == userPoolEBSource && eventSource == userPoolSource
			if f.negative() && userPool {
				t.Errorf("negative fixture is a user-pool record (source %q, eventSource %q)", source, eventSource)
			}
			if !f.negative() && !userPool {
				t.Errorf("source %q, eventSource %q: want %q and %q (or name the file %s*)",
					source, eventSource, userPoolEBSource, userPoolSource, negativePrefix)
			}
			if !f.negative() {
				name, _ := str(rec, "eventName")
				base := strings.TrimSuffix(filepath.Base(f.path), ".json")
				if base != name && !strings.HasPrefix(base, name+"-") {
					t.Errorf("file name %q does not match eventName %q (want <EventName>[-<variant>].json)", base, name)
				}
			}
		})
	}
}

func TestDistinctEventNames(t *testing.T) {
	names := make(map[string]bool)
	for _, f := range loadCorpus(t) {
		if f.envelope == nil {
			continue
		}
		for _, rec := range f.records {
			if src, _ := str(rec, "eventSource"); src == userPoolSource {
				name, _ := str(rec, "eventName")
				names[name] = true
			}
		}
	}
	if len(names) < minEventNames {
		t.Errorf("envelopes hold %d distinct cognito-idp eventNames, want at least %d", len(names), minEventNames)
	}
	t.Logf("%d distinct cognito-idp eventNames in envelopes/", len(names))
}

func TestIDsUnique(t *testing.T) {
	for _, key := range []string{"eventID", "requestID"} {
		t.Run(key, func(t *testing.T) {
			seen := make(map[string]string)
			n := 0
			for _, f := range loadCorpus(t) {
				for i, rec := range f.records {
					id, ok := str(rec, key)
					if !ok || id == "" {
						continue // requestID is absent from some hosted-UI records
					}
					n++
					where := fmt.Sprintf("%s[%d]", f.path, i)
					if other, dup := seen[id]; dup {
						t.Errorf("%s %s in %s and %s", key, id, other, where)
					}
					seen[id] = where
				}
			}
			if n == 0 {
				t.Fatalf("no record has a %s", key)
			}
		})
	}
}

func TestCanariesOnlyInStringValues(t *testing.T) {
	withCanary := 0
	for _, f := range loadCorpus(t) {
		t.Run(f.path, func(t *testing.T) {
			inRaw := bytes.Count(bytes.ToLower(f.raw), []byte(canaryWord))
			inValues := 0
			v, err := decode(f.raw)
			if err != nil {
				t.Fatalf("decoding: %v", err)
			}
			walk(v, "",
				func(k string) {
					if strings.Contains(strings.ToLower(k), canaryWord) {
						t.Errorf("key %q contains %q: canaries belong in string values only", k, canaryWord)
					}
				},
				func(_, s string) {
					inValues += strings.Count(strings.ToLower(s), canaryWord)
				})
			if inRaw != inValues {
				t.Errorf("%q occurs %d times in the file but %d times in string values", canaryWord, inRaw, inValues)
			}
			if inValues > 0 {
				withCanary++
			}
		})
	}
	if withCanary < minCanaryFiles {
		t.Errorf("%d fixtures hold canaries, want at least %d", withCanary, minCanaryFiles)
	}
	t.Logf("%d fixtures hold canaries", withCanary)
}

func TestNoCanaryInMalformed(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(dirMalformed, "*"))
	if err != nil {
		t.Fatalf("listing %s: %v", dirMalformed, err)
	}
	for _, path := range paths {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("reading %s: %v", path, err)
		}
		if bytes.Contains(bytes.ToLower(raw), []byte(canaryWord)) {
			t.Errorf("%s contains %q: canaries belong only where a secret would be", path, canaryWord)
		}
	}
}

// poolARN finds user pool ARNs in string values: partition, region, pool id.
var poolARN = regexp.MustCompile(`arn:(aws[a-z-]*):cognito-idp:([a-z0-9-]+):[0-9]{12}:userpool/([^/\s"]+)`)

// partitionOf returns the AWS partition of region.
func partitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	default:
		return "aws"
	}
}

// TestUserPoolIDsMatchRegion checks every userPoolId value, and the pool id,
// region and partition of every user pool ARN, against the record's
// awsRegion.
func TestUserPoolIDsMatchRegion(t *testing.T) {
	checked := 0
	for _, f := range loadCorpus(t) {
		t.Run(f.path, func(t *testing.T) {
			for i, rec := range f.records {
				region, _ := str(rec, "awsRegion")
				re := regexp.MustCompile(`^` + regexp.QuoteMeta(region) + `_[0-9A-Za-z]{9}$`)
				walk(rec, "", func(string) {}, func(key, s string) {
					if strings.EqualFold(key, "userPoolId") {
						checked++
						if !re.MatchString(s) {
							t.Errorf("record %d: userPoolId %q does not match %s", i, s, re)
						}
					}
					for _, m := range poolARN.FindAllStringSubmatch(s, -1) {
						checked++
						if m[1] != partitionOf(region) || m[2] != region || !re.MatchString(m[3]) {
							t.Errorf("record %d: pool ARN %q in %s: want partition %q, region %q, pool id matching %s",
								i, m[0], key, partitionOf(region), region, re)
						}
					}
				})
			}
		})
	}
	if checked == 0 {
		t.Fatalf("no userPoolId found in the corpus")
	}
}

func TestBareRecords(t *testing.T) {
	single, page := 0, -1
	for _, f := range loadCorpus(t) {
		if !strings.HasPrefix(f.path, dirRecords+"/") {
			continue
		}
		if filepath.Base(f.path) == lookupPageFile {
			page = len(f.records)
			continue
		}
		if bytes.HasPrefix(bytes.TrimSpace(f.raw), []byte("[")) {
			t.Errorf("%s: only %s may hold an array", f.path, lookupPageFile)
		}
		single++
	}
	if single < minBareRecords {
		t.Errorf("%s/ holds %d single-record files, want at least %d", dirRecords, single, minBareRecords)
	}
	if page != lookupPageLen {
		t.Errorf("%s/%s holds %d records, want %d", dirRecords, lookupPageFile, page, lookupPageLen)
	}
}

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
var sentinels = []string{"ErrNotJSON", "ErrNotCloudTrail", "ErrSkip", "ErrMissingField"}

func TestMalformedREADME(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(dirMalformed, "README.md"))
	if err != nil {
		t.Fatalf("reading %s/README.md: %v", dirMalformed, err)
	}
	lines := strings.Split(string(readme), "\n")
	paths, err := filepath.Glob(filepath.Join(dirMalformed, "*"))
	if err != nil {
		t.Fatalf("listing %s: %v", dirMalformed, err)
	}
	for _, path := range paths {
		name := filepath.Base(path)
		if name == "README.md" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			var line string
			for _, l := range lines {
				if strings.Contains(l, "`"+name+"`") {
					line = l
					break
				}
			}
			if line == "" {
				t.Fatalf("README.md has no line naming `%s`", name)
			}
			n := 0
			for _, s := range sentinels {
				if strings.Contains(line, s) {
					n++
				}
			}
			if n != 1 {
				t.Errorf("README.md line %q names %d sentinels, want exactly one of %v", line, n, sentinels)
			}
		})
	}
}

func TestREADMEListsEveryFixture(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatalf("reading README.md: %v", err)
	}
	for _, dir := range []string{dirEnvelopes, dirRecords} {
		for _, path := range jsonFiles(t, dir) {
			name := filepath.Base(path)
			if !bytes.Contains(readme, []byte("`"+name+"`")) {
				t.Errorf("README.md does not list `%s` (%s)", name, dir)
			}
		}
	}
}
