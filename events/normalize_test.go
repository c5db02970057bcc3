package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// sentinels are the errors Normalize may wrap, by name, for golden files.
var sentinels = []struct {
	name string
	err  error
}{
	{"ErrNotJSON", ErrNotJSON},
	{"ErrNotCloudTrail", ErrNotCloudTrail},
	{"ErrSkip", ErrSkip},
	{"ErrMissingField", ErrMissingField},
}

func sentinelName(err error) string {
	for _, s := range sentinels {
		if errors.Is(err, s.err) {
			return s.name
		}
	}
	return ""
}

// goldenPath is where the golden output of a fixture lives.
func goldenPath(name, ext string) string {
	return filepath.Join("..", "testdata", "golden", filepath.FromSlash(name)+ext)
}

// checkGolden compares got with the golden file, or rewrites it with -update.
func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatalf("creating golden folder: %v", err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("writing golden file: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run go test ./events -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test ./events -update and review the diff)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// TestNormalizeGolden normalises every fixture and compares the structured
// CloudEvent, indented for review, with its golden file. Skipped records
// have a golden file naming the sentinel and the reason.
func TestNormalizeGolden(t *testing.T) {
	for _, f := range loadFixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			ev, err := Normalize(f.data)
			if err != nil {
				if !IsSkip(err) {
					t.Fatalf("normalising %s: %v", f.path, err)
				}
				checkGolden(t, goldenPath(f.name, ".skip.txt"), []byte(sentinelName(err)+": "+err.Error()+"\n"))
				return
			}
			if err := ev.Validate(); err != nil {
				t.Fatalf("event of %s does not validate: %v", f.path, err)
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, ev.AppendJSON(nil), "", "  "); err != nil {
				t.Fatalf("event of %s is not JSON: %v", f.path, err)
			}
			pretty.WriteByte('\n')
			checkGolden(t, goldenPath(f.name, ".json"), pretty.Bytes())
		})
	}
}

// TestMalformedGolden checks that each malformed input gives a sentinel
// error, and that the message (in a golden file) names what is wrong.
func TestMalformedGolden(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "malformed", "*"))
	if err != nil {
		t.Fatalf("listing malformed inputs: %v", err)
	}
	n := 0
	for _, p := range paths {
		if strings.HasSuffix(p, ".md") {
			continue
		}
		n++
		name := "malformed/" + filepath.Base(p)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatalf("reading input: %v", err)
			}
			ev, err := Normalize(data)
			if err == nil {
				t.Fatalf("Normalize(%s) = event %q, want an error", p, ev.ID)
			}
			if IsSkip(err) {
				t.Fatalf("Normalize(%s) skipped (%v); malformed input must be an error, not a skip", p, err)
			}
			sentinel := sentinelName(err)
			if sentinel == "" {
				t.Fatalf("Normalize(%s) error %q wraps no sentinel", p, err)
			}
			checkGolden(t, goldenPath(name, ".err.txt"), []byte(sentinel+": "+err.Error()+"\n"))
		})
	}
	if n == 0 {
		t.Skip("no malformed inputs under ../testdata/malformed yet")
	}
}

// TestErrors covers each sentinel with inputs written here.
func TestErrors(t *testing.T) {
	const rec = `"eventSource":"cognito-idp.amazonaws.com","awsRegion":"us-east-1"`
	tests := []struct {
		name  string
		input string
		want  error
		text  string // a substring the message must hold
	}{
		{"empty", ``, ErrNotJSON, "empty"},
		{"not JSON", `hello`, ErrNotJSON, "offset 0"},
		{"truncated", `{"eventID":"a"`, ErrNotJSON, "end of input"},
		{"array", `[{"eventID":"a"}]`, ErrNotJSON, "an array"},
		{"string", `"x"`, ErrNotJSON, "a string"},
		{"null", `null`, ErrNotJSON, "null"},
		{"trailing garbage", `{"eventID":"a"} x`, ErrNotJSON, "after the top-level value"},
		{"bad escape", `{"eventID":"\q"}`, ErrNotJSON, "escape"},
		{"deep nesting", `{"requestParameters":` + strings.Repeat("[", 2000) + strings.Repeat("]", 2000) + `}`, ErrNotJSON, "nested deeper"},
		{"not CloudTrail", `{"hello":"world"}`, ErrNotCloudTrail, "no CloudTrail fields"},
		{"scheduled event", `{"detail-type":"Scheduled Event","source":"aws.events","detail":{}}`, ErrNotCloudTrail, "Scheduled Event"},
		{"detail a string", `{"detail-type":"AWS API Call via CloudTrail","detail":"x"}`, ErrNotCloudTrail, "detail is a string"},
		{"eventName an object", `{` + rec + `,"eventID":"a","eventTime":"2024-01-01T00:00:00Z","eventName":{}}`, ErrMissingField, "field eventName is an object"},
		{"userAgent an array", `{` + rec + `,"eventID":"a","eventName":"X","eventTime":"2024-01-01T00:00:00Z","userAgent":["x"]}`, ErrNotCloudTrail, "field userAgent is an array"},
		{"identity pool", `{"eventSource":"cognito-identity.amazonaws.com","eventName":"GetId","eventID":"a","eventTime":"2024-01-01T00:00:00Z"}`, ErrSkip, "cognito-identity"},
		{"iam in envelope", `{"detail-type":"AWS API Call via CloudTrail","detail":{"eventSource":"iam.amazonaws.com","eventName":"CreateRole"}}`, ErrSkip, "iam.amazonaws.com"},
		{"no eventSource", `{"eventName":"AdminCreateUser","eventID":"a","eventTime":"2024-01-01T00:00:00Z"}`, ErrMissingField, "eventSource"},
		{"no eventID", `{` + rec + `,"eventName":"AdminCreateUser","eventTime":"2024-01-01T00:00:00Z"}`, ErrMissingField, "eventID"},
		{"no eventName", `{` + rec + `,"eventID":"a","eventTime":"2024-01-01T00:00:00Z"}`, ErrMissingField, "eventName"},
		{"no eventTime", `{` + rec + `,"eventID":"a","eventName":"AdminCreateUser"}`, ErrMissingField, "eventTime"},
		{"eventTime not RFC 3339", `{` + rec + `,"eventID":"a","eventName":"AdminCreateUser","eventTime":"Jan 19, 2023 5:55:08 PM"}`, ErrMissingField, "not RFC 3339"},
		{"eventTime with a one-digit hour", `{` + rec + `,"eventID":"a","eventName":"AdminCreateUser","eventTime":"2024-01-10T0:00:00Z"}`, ErrMissingField, "not RFC 3339"},
		{"awsRegion not a region", `{"eventSource":"cognito-idp.amazonaws.com","awsRegion":"# ","eventID":"a","eventName":"AdminCreateUser","eventTime":"2024-01-01T00:00:00Z"}`, ErrMissingField, "not an AWS region"},
		{"no region", `{"eventSource":"cognito-idp.amazonaws.com","eventID":"a","eventName":"AdminCreateUser","eventTime":"2024-01-01T00:00:00Z"}`, ErrMissingField, "awsRegion"},
		{"bad requestParameters", `{` + rec + `,"eventID":"a","eventName":"X","eventTime":"2024-01-01T00:00:00Z","requestParameters":{"a":tru}}`, ErrNotJSON, "expected true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := Normalize([]byte(tt.input))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Normalize() = (%v, %v), want an error wrapping %v", ev, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.text) {
				t.Errorf("error %q does not mention %q", err, tt.text)
			}
			if ev != nil {
				t.Errorf("Normalize() returned an event with an error")
			}
		})
	}
}

// TestNormalizeIsPure normalises each fixture twice, the second time from a
// copy that is then overwritten: the events are identical and do not alias
// the input.
func TestNormalizeIsPure(t *testing.T) {
	for _, f := range loadFixtures(t) {
		first, err := Normalize(f.data)
		if err != nil {
			continue
		}
		input := bytes.Clone(f.data)
		second, err := Normalize(input)
		if err != nil {
			t.Fatalf("%s: second run failed: %v", f.name, err)
		}
		for i := range input {
			input[i] = 'x'
		}
		if !reflect.DeepEqual(first, second) {
			t.Errorf("%s: two runs differ or the event aliases its input:\n%+v\n%+v", f.name, first, second)
		}
	}
}
