package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMatchTemplate(t *testing.T) {
	env := func(name string) string { return repoFile("testdata", "envelopes", name) }
	code, out, errOut := runCLI(t, "", "match", "--template", templateFixture,
		env("UpdateUserPoolClient.json"), env("AdminGetUser.json"), env("Token_POST.json"),
		env("Confirm_POST.json"), env("CreateUserPoolClient-failed.json"), env("negative-s3-PutBucketPolicy.json"))
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	hostedNames := `[AdminCreateUser, Beta_Authorize_GET, Beta_SAML2Response_POST, Beta_Token_POST, CognitoAuthentication, ConfirmForgotPassword_GET, ConfirmForgotPassword_POST, Confirm_GET, Confirm_POST, Confirm_With_Link_GET, ... 43 more]`
	want := []string{
		env("UpdateUserPoolClient.json") + `: record 1 (line 1): UpdateUserPoolClient dc7975be-8013-40eb-8685-37135f56af47`,
		`  app-clients (us-east-1): MATCH`,
		`  hosted-ui (us-east-1): no match: detail.eventName: "UpdateUserPoolClient" is not one of ` + hostedNames,
		env("AdminGetUser.json") + `: record 1 (line 1): AdminGetUser f63dc661-1062-451d-8700-219206d04ea7`,
		`  app-clients (us-east-1): no match: detail.readOnly: true, and a rule in state ENABLED receives no read-only CloudTrail management events (state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS does)`,
		`  hosted-ui (us-east-1): no match: detail.eventName: "AdminGetUser" is not one of ` + hostedNames,
		env("Token_POST.json") + `: record 1 (line 1): Token_POST 2b2b67b4-386d-496e-9afd-0beff1be7563`,
		`  app-clients (us-east-1): no match: detail-type: want "AWS API Call via CloudTrail", found "AWS Service Event via CloudTrail"`,
		`  hosted-ui (us-east-1): MATCH`,
		env("Confirm_POST.json") + `: record 1 (line 1): Confirm_POST 9ecde66e-9faf-4c68-8d06-4e7a1a2e3cef`,
		// The event is from another region than the template's stack.
		`  app-clients (us-east-1): no match: region: the event is from ap-northeast-1, and this rule is in the us-east-1 stack: EventBridge delivers a call only in the region it was made in`,
		`  hosted-ui (us-east-1): no match: region: the event is from ap-northeast-1, and this rule is in the us-east-1 stack: EventBridge delivers a call only in the region it was made in`,
		env("CreateUserPoolClient-failed.json") + `: record 1 (line 1): CreateUserPoolClient 0be84bdb-e219-4620-ac75-7977f650d888`,
		`  app-clients (us-east-1): no match: detail.errorCode: want absent or "", found "LimitExceededException"`,
		`  hosted-ui (us-east-1): no match: detail.eventName: "CreateUserPoolClient" is not one of ` + hostedNames,
		env("negative-s3-PutBucketPolicy.json") + `: record 1 (line 1): PutBucketPolicy ` + eventID(t, env("negative-s3-PutBucketPolicy.json")),
		`  app-clients (us-east-1): no match: source: want "aws.cognito-idp", found "aws.s3"`,
		`  hosted-ui (us-east-1): no match: source: want "aws.cognito-idp", found "aws.s3"`,
		`6 records: 2 matched a route, 4 matched none, 0 unreadable`,
	}
	if got := strings.Split(strings.TrimSuffix(out, "\n"), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("output:\n%s\nwant:\n%s", out, strings.Join(want, "\n"))
	}
}

func eventID(tb testing.TB, path string) string {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var env struct {
		Detail struct {
			EventID string `json:"eventID"`
		} `json:"detail"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		tb.Fatal(err)
	}
	return env.Detail.EventID
}

// TestMatchCorpus runs every envelope of the corpus against the repository's
// cdk.json: every record is reported with one line per route, and some
// match while others do not.
func TestMatchCorpus(t *testing.T) {
	paths, err := filepath.Glob(repoFile("testdata", "envelopes", "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("listing fixtures: %v", err)
	}
	code, out, errOut := runCLI(t, "", append([]string{"match", "--config", repoFile("cdk.json")}, paths...)...)
	if code != exitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	routes := strings.Count(out, "  app-clients (us-east-1): ")
	if routes != len(paths) {
		t.Errorf("%d app-clients lines for %d records", routes, len(paths))
	}
	var records, matched, none, unreadable int
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if _, err := fmt.Sscanf(lines[len(lines)-1], "%d records: %d matched a route, %d matched none, %d unreadable", &records, &matched, &none, &unreadable); err != nil {
		t.Fatalf("summary %q: %v", lines[len(lines)-1], err)
	}
	if records != len(paths) || matched == 0 || none == 0 || unreadable != 0 || matched != strings.Count(out, ": MATCH\n")-countBoth(out) {
		t.Errorf("summary %q", lines[len(lines)-1])
	}
}

// countBoth counts the extra MATCH lines of records matched by more than
// one route (such a record counts once in the summary).
func countBoth(out string) int {
	n := 0
	blocks := strings.Split(out, ": record ")
	for _, b := range blocks {
		if strings.Count(b, ": MATCH\n") > 1 {
			n += strings.Count(b, ": MATCH\n") - 1
		}
	}
	return n
}

// TestMatchBareRecords: bare records (a LookupEvents page, JSON lines on
// standard input) are wrapped as EventBridge wraps them.
func TestMatchBareRecords(t *testing.T) {
	code, out, errOut := runCLI(t, "", "match", "--template", templateFixture, repoFile("testdata", "records", "lookup-events-page.json"))
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	for _, want := range []string{
		"lookup-events-page.json: record 1 (line 2): AdminEnableUser 28555a18-1d48-4b0b-95a0-5773408a48c2\n",
		"lookup-events-page.json: record 3 (line 74): Token_POST 3e2bce34-9ec9-4c27-bfb5-dab24b68043f\n",
		`  hosted-ui (us-east-1): no match: region: the event is from us-west-2, and this rule is in the us-east-1 stack: EventBridge delivers a call only in the region it was made in`,
		"3 records: 0 matched a route, 3 matched none, 0 unreadable\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// One record is "1 record", not "1 records". The record, made in
	// us-west-2, is moved to the template stack's region, us-east-1.
	rec, err := os.ReadFile(repoFile("testdata", "records", "CreateUserPoolClient.json"))
	if err != nil {
		t.Fatal(err)
	}
	rec = bytes.Replace(rec, []byte(`"awsRegion": "us-west-2"`), []byte(`"awsRegion": "us-east-1"`), 1)
	moved := filepath.Join(t.TempDir(), "CreateUserPoolClient.json")
	if err := os.WriteFile(moved, rec, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, out, _ := runCLI(t, "", "match", "--template", templateFixture, moved); !strings.Contains(out, "\n1 record: 1 matched a route, 0 matched none, 0 unreadable\n") {
		t.Errorf("one record's summary is not \"1 record: ...\":\n%s", out)
	}
	var line bytes.Buffer
	if err := json.Compact(&line, rec); err != nil {
		t.Fatal(err)
	}
	stdin := line.String() + "\n" + line.String() + "\n"
	code, out, errOut = runCLI(t, stdin, "match", "--template", templateFixture)
	if code != exitOK || !strings.Contains(out, "<stdin>: record 2 (line 2): CreateUserPoolClient") ||
		strings.Count(out, "  app-clients (us-east-1): MATCH\n") != 2 {
		t.Errorf("stdin: exit %d, stderr %s\n%s", code, errOut, out)
	}
}

// TestMatchErrors: unreadable input is reported with the file and record,
// the other records are still matched, and the exit status is 1.
func TestMatchErrors(t *testing.T) {
	good := repoFile("testdata", "envelopes", "UpdateUserPoolClient.json")
	tests := []struct {
		name     string
		stdin    string
		args     []string
		wantCode int
		wantErr  []string
	}{
		{"help", "", []string{"--help"}, exitOK, []string{"Usage: cognito-events match"}},
		{"two sources", "", []string{"--template", templateFixture, "--templates", "testdata", good}, exitUsage, []string{"give one of"}},
		{"missing file", "", []string{"--template", templateFixture, "no-such.json", good}, exitFailures, []string{"error: open no-such.json"}},
		{"truncated", "", []string{"--template", templateFixture, repoFile("testdata", "malformed", "truncated.json"), good}, exitFailures,
			[]string{"truncated.json: record 1 (line 1): wrapping record: input is not a JSON object"}},
		{"not CloudTrail", `{"hello":"world"}`, []string{"--template", templateFixture}, exitFailures,
			[]string{`error: <stdin>: record 1 (line 1): wrapping record: eventSource: record lacks a required field: want SERVICE.amazonaws.com, found ""`}},
		{"one bad line of JSON lines", `{"eventSource":"cognito-idp.amazonaws.com","eventType":"AwsApiCall","eventName":"CreateGroup"}` + "\n{oops\n", []string{"--template", templateFixture}, exitFailures,
			[]string{"error: <stdin>: record 2 (line 2): wrapping record: input is not a JSON object"}},
		{"bad eventType", `{"eventSource":"cognito-idp.amazonaws.com","eventType":"Insight"}`, []string{"--template", templateFixture}, exitFailures,
			[]string{`record 1 (line 1): wrapping record: eventType: record lacks a required field: want one of AwsApiCall, AwsServiceEvent, AwsConsoleSignIn, AwsConsoleAction, found "Insight"`}},
		{"bad rules", "", []string{"--template", repoFile("testdata", "malformed", "truncated.json"), good}, exitFailures, []string{"match: reading rules from"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.stdin, append([]string{"match"}, tt.args...)...)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d; stderr %s", code, tt.wantCode, errOut)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			if tt.name != "bad rules" && tt.wantCode == exitFailures && strings.Contains(strings.Join(tt.args, " "), good) && !strings.Contains(out, "app-clients (us-east-1): MATCH") {
				t.Errorf("the good record was not matched:\n%s", out)
			}
		})
	}
}

// docExample returns the arguments after prompt in docs/cli.md and the
// output shown below it, up to the end of its code block.
func docExample(tb testing.TB, prompt string) (cmdLine, output string) {
	tb.Helper()
	doc, err := os.ReadFile(repoFile("docs", "cli.md"))
	if err != nil {
		tb.Fatalf("reading docs/cli.md: %v", err)
	}
	_, rest, ok := strings.Cut(string(doc), prompt)
	if !ok {
		tb.Fatalf("docs/cli.md has no %q example", prompt)
	}
	cmdLine, rest, _ = strings.Cut(rest, "\n")
	output, _, ok = strings.Cut(rest, "```")
	if !ok {
		tb.Fatalf("the code block of the %q example does not end", prompt)
	}
	return cmdLine, output
}

// TestCLIDocMatchExample keeps the match example of docs/cli.md in step
// with the command: the lines after the example's command line are its
// output for the repository's cdk.json.
func TestCLIDocMatchExample(t *testing.T) {
	cmdLine, example := docExample(t, "$ cognito-events match ")
	args := []string{"match", "--config", repoFile("cdk.json")}
	for _, f := range strings.Fields(cmdLine) {
		args = append(args, repoFile(strings.Split(f, "/")...))
	}
	code, out, errOut := runCLI(t, "", args...)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	out = strings.ReplaceAll(out, repoFile()+string(filepath.Separator), "")
	if out != example {
		t.Errorf("docs/cli.md example:\n%s\nthe command prints:\n%s", example, out)
	}
}

// TestMatchKnowsRegions: an eu-west-1 event is matched only by the stacks
// of eu-west-1; a us-east-1-only app reports no match and says why, and a
// route whose pools all lie in us-east-1 has nothing in eu-west-1.
func TestMatchKnowsRegions(t *testing.T) {
	write := func(cfg string) string {
		f := filepath.Join(t.TempDir(), "cdk.json")
		if err := os.WriteFile(f, []byte(`{"app": "x", "context": {"cognito-events": `+cfg+`}}`), 0o600); err != nil {
			t.Fatal(err)
		}
		return f
	}
	sink := `"sink": {"kind": "http", "url": "https://example.com/hook"}`
	envelope := repoFile("testdata", "envelopes", "AdminDeleteUser.json") // region eu-west-1
	_, out, _ := runCLI(t, "", "match", "--config", write(`{"regions": ["us-east-1"], "routes": [{"name": "users-to-bus", "selection": {"operations": ["users"]}, `+sink+`}]}`), envelope)
	want := "  users-to-bus (us-east-1): no match: region: the event is from eu-west-1, and this rule is in the us-east-1 stack: EventBridge delivers a call only in the region it was made in\n"
	if !strings.Contains(out, want) || !strings.Contains(out, "0 matched a route") {
		t.Errorf("us-east-1 app:\n%s\nwant %q", out, want)
	}
	_, out, _ = runCLI(t, "", "match", "--config", write(`{"regions": ["us-east-1", "eu-west-1"], "routes": [
	  {"name": "users", "selection": {"operations": ["users"]}, `+sink+`},
	  {"name": "east-pool", "selection": {"operations": ["users"], "userPoolIds": ["us-east-1_AbCdEfGhI"]}, `+sink+`}]}`), envelope)
	for _, want := range []string{"  users (us-east-1): no match: region: the event is from eu-west-1", "  users (eu-west-1): MATCH", "  east-pool (us-east-1): no match: region:", "1 matched a route"} {
		if !strings.Contains(out, want) {
			t.Errorf("two regions: output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "east-pool (eu-west-1)") {
		t.Errorf("a route whose pools all lie in us-east-1 has a rule in eu-west-1:\n%s", out)
	}
}
