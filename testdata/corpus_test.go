package testdata

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
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
