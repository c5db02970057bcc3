package events

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// operationsDoc renders docs/operations.md from the catalogue.
func operationsDoc() []byte {
	var b bytes.Buffer
	api, hosted := splitCatalogue()
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# Operations catalogue\n\n")
	w("<!-- Generated from events/catalogue_table.go by `go test ./events -run TestOperationsDoc -update`. Do not edit. -->\n\n")
	w("The catalogue in package `events` lists every Amazon Cognito user-pool operation that cognito-events turns into events: ")
	w("%d actions of the user pools API (`cognito-idp`, API version 2016-04-18), which CloudTrail records with eventType `AwsApiCall`, ", len(api))
	w("and %d hosted UI (classic) and managed login endpoint events, which it records with eventType `AwsServiceEvent`. ", len(hosted))
	w("Each name is the record's `eventName`, exactly as CloudTrail spells it, case included: ")
	w("the managed login events `signup_POST` and `forgotPassword_POST` are distinct from the classic `Signup_POST` and `ForgotPassword_POST`.\n\n")
	w("`events.Select` takes operation names and preset names, and returns the operations they select, deduplicated and sorted by name. ")
	w("Names are matched exactly; an unknown name is an error that suggests the nearest known names.\n\n")

	w("## Presets\n\n")
	w("| Preset | Operations | Selects |\n|---|---:|---|\n")
	for _, name := range Presets() {
		ops, _ := Preset(name)
		w("| `%s` | %d | %s |\n", name, len(ops), presetSummaries[name])
	}

	w("\n## How operations are classified\n\n")
	w("- **Resource** is the kind of resource the request names. ")
	w("Group membership calls name a group (`AdminListGroupsForUser` names only a user); per-client UI customization names the client; ")
	w("risk configuration, MFA configuration, tags, log delivery, replicas and provisioned limits are pool level (`userpool`). ")
	w("Among hosted-UI events, the authorize and token endpoints and the error page act for an app client (`client`), passkey registration pages on a `webauthncredential`, the rest on a `user`.\n")
	w("- **Read-only** operations change nothing. They are the API's `Describe*`, `List*` and `Get*` calls except ")
	w("`GetUserAttributeVerificationCode` (sends a code), `GetTokensFromRefreshToken` and `GetClientToken` (issue tokens); ")
	w("and the hosted-UI page loads (`*_GET`) and `UserInfo_POST`, except `Confirm_With_Link_GET` and `confirmUser_GET` (confirm the user), ")
	w("`Event_Feedback_GET` (records feedback) and `OAuth2Response_GET` (completes a federated sign-in). ")
	w("EventBridge delivers read-only management events only to rules in the state `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`.\n")
	w("- **Categories** `users` and `auth`: `users` is IAM-authorised management of user records (`ListUsers` and the `Admin*` user calls). ")
	w("`auth` is sign-up, sign-in, tokens, sessions, MFA and passkeys, and every self-service call a user makes with an access token or an app client id ")
	w("(for example `GetUser`, `UpdateUserAttributes`, `DeleteUser`), together with the admin calls that drive sign-in, sessions and MFA: ")
	w("%s. Device calls, self-service or admin, are in `devices`.\n", codeList(adminAuthOps))
	w("- **EventBridge detail-type** is `%s` for API actions and `%s` for hosted-UI events.\n", DetailTypeAPICall, DetailTypeServiceEvent)

	w("\n## Sources\n\n")
	w("The API actions are those of the Amazon Cognito user pools API Reference (\"Actions\"), checked in a test against the operations of the aws-sdk-go-v2 `cognitoidentityprovider` client pinned in go.mod. ")
	w("The hosted-UI events are those named in the Amazon Cognito Developer Guide pages \"Amazon Cognito logging in AWS CloudTrail\" and \"Example Amazon Cognito events\".\n")

	w("\n## Operations\n\n")
	w("Sorted by category, then name.\n\n")
	w("| Name | Resource | Category | Read-only | Hosted UI | EventBridge detail-type |\n|---|---|---|---|---|---|\n")
	yes := func(v bool) string {
		if v {
			return "yes"
		}
		return "no"
	}
	for _, c := range Categories() {
		ops, _ := Preset(string(c))
		for _, op := range ops {
			w("| `%s` | %s | %s | %s | %s | %s |\n", op.Name, op.Resource, op.Category, yes(op.ReadOnly), yes(op.HostedUI), op.DetailType())
		}
	}
	return b.Bytes()
}

func codeList(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = "`" + n + "`"
	}
	return strings.Join(quoted, ", ")
}

func TestOperationsDoc(t *testing.T) {
	path := filepath.Join("..", "docs", "operations.md")
	got := operationsDoc()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("writing %s: %v", path, err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v (run go test ./events -run TestOperationsDoc -update)", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is out of date with the catalogue; run go test ./events -run TestOperationsDoc -update", path)
	}
	for _, op := range catalogue {
		if !bytes.Contains(want, []byte("| `"+op.Name+"` |")) {
			t.Errorf("%s does not list %s", path, op.Name)
		}
	}
}
