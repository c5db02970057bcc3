package testdata

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

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
