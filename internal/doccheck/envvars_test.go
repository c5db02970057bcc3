package doccheck

import (
	"strings"
	"testing"
)

// notVariables are upper-case names in backticks that the docs may show
// and that are no environment variable this project reads, each with the
// reason. Add one here only when it really is not a variable of ours.
var notVariables = map[string]string{
	"ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS": "an EventBridge rule state",
	"HIDDEN_DUE_TO_SECURITY_REASONS":                "what CloudTrail writes for hidden values",
	"HIDDEN_FOR_SECURITY_REASONS":                   "what CloudTrail writes for hidden values",
	"SECRETS_MANAGER":                               "a credential source in an error message",
	"CLIENT_SECRET":                                 "a secret's JSON key",
	"AWS_IAM":                                       "an API Gateway authorization type",
	"ALLOW_USER_SRP_AUTH":                           "a Cognito app client auth flow",
	"USER_POOL_ID":                                  "a stack output",
	"USER_POOL_CLIENT_ID":                           "a stack output",
	"COGNITO_IDENTITY_PROVIDER":                     "the suffix of AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
	"SECRET_BLOCK":                                  "an InitiateAuth challenge parameter (redacted)",
	"SRP_A":                                         "an InitiateAuth auth parameter (redacted)",
	"SRP_B":                                         "an InitiateAuth challenge parameter (redacted)",
	// Read by others: the AWS SDK's default chain, Lambda, make and the CDK.
	"AWS_ACCESS_KEY_ID":                          "read by the AWS SDK",
	"AWS_SECRET_ACCESS_KEY":                      "read by the AWS SDK",
	"AWS_SESSION_TOKEN":                          "read by the AWS SDK",
	"AWS_PROFILE":                                "read by the AWS SDK",
	"AWS_ENDPOINT_URL_CLOUDTRAIL":                "read by the AWS SDK",
	"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": "read by the AWS SDK",
	"AWS_ENDPOINT_URL_DYNAMODB":                  "read by the AWS SDK",
	"AWS_ENDPOINT_URL_SQS":                       "read by the AWS SDK",
	"AWS_LAMBDA_FUNCTION_NAME":                   "set by Lambda, read by the runtime",
	"CGO_ENABLED":                                "a go build setting",
	"CDK_ARGS":                                   "a make variable",
	"FUZZTIME":                                   "a make variable",
}

// TestEnvVarsDocumented: every environment variable the code reads appears
// in docs/forwarder.md or in the doc that owns the reading package
// (Owners).
func TestEnvVarsDocumented(t *testing.T) {
	reads, err := EnvVars(root)
	if err != nil {
		t.Fatalf("scanning the code: %v", err)
	}
	if len(reads) < 20 {
		t.Fatalf("found %d variables read in code, want the forwarder's at least: the scanner is broken", len(reads))
	}
	texts := map[string]string{}
	for _, f := range docFiles(t) {
		texts[f] = readDoc(t, f)
	}
	for _, r := range reads {
		docs := OwningDocs(r.Dir)
		found := false
		for _, d := range docs {
			if Mentions(texts[d], r.Name) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s reads %s, which none of %s mentions: document it there", r.Pos, r.Name, strings.Join(docs, ", "))
		}
	}
}

// TestDocumentedVarsAreRead: every upper-case name the docs show in
// backticks is a variable the code reads, or in notVariables.
func TestDocumentedVarsAreRead(t *testing.T) {
	reads, err := EnvVars(root)
	if err != nil {
		t.Fatalf("scanning the code: %v", err)
	}
	read := map[string]bool{}
	for _, r := range reads {
		read[r.Name] = true
	}
	for _, f := range docFiles(t) {
		seen := map[string]bool{}
		for _, name := range DocVars(readDoc(t, f)) {
			if seen[name] || read[name] || notVariables[name] != "" {
				continue
			}
			seen[name] = true
			t.Errorf("%s names `%s`, which no code reads (no Env... constant, no getenv(%q)): remove it from the doc, or, if it is not a variable of ours, add it to notVariables with the reason", f, name, name)
		}
	}
}
