package events

import "testing"

// TestSubjects covers the subject table of docs/events.md with records
// written here.
func TestSubjects(t *testing.T) {
	record := func(name, req, resp, add string) string {
		return `{"eventSource":"cognito-idp.amazonaws.com","eventName":"` + name + `","eventID":"e","eventTime":"2024-05-01T10:00:00Z","awsRegion":"us-east-1","recipientAccountId":"111122223333","requestParameters":` + req + `,"responseElements":` + resp + `,"additionalEventData":` + add + `}`
	}
	const pool = `"userPoolId":"us-east-1_AAAAAAAAA"`
	tests := []struct {
		name, input, want string
		kind              ResourceKind
	}{
		{"client from request", record("UpdateUserPoolClient", `{`+pool+`,"clientId":"c1"}`, `null`, `null`), "client/c1", KindClient},
		{"client from response", record("CreateUserPoolClient", `{`+pool+`,"clientName":"web"}`, `{"userPoolClient":{`+pool+`,"clientId":"c2"}}`, `null`), "client/c2", KindClient},
		{"user sub preferred to username", record("AdminDisableUser", `{`+pool+`,"username":"alice"}`, `null`, `{"sub":"s-1"}`), "user/s-1", KindUser},
		{"hidden username, sub", record("AdminDeleteUser", `{`+pool+`,"username":"HIDDEN_DUE_TO_SECURITY_REASONS"}`, `null`, `{"sub":"s-2"}`), "user/s-2", KindUser},
		{"hidden username, no sub", record("AdminDeleteUser", `{`+pool+`,"username":"HIDDEN_FOR_SECURITY_REASONS"}`, `null`, `null`), "", KindUser},
		{"username in clear", record("AdminEnableUser", `{`+pool+`,"username":"bob"}`, `null`, `null`), "user/bob", KindUser},
		{"user from response", record("AdminCreateUser", `{`+pool+`,"username":"HIDDEN_DUE_TO_SECURITY_REASONS"}`, `{"user":{"username":"carol","enabled":true}}`, `null`), "user/carol", KindUser},
		{"sign-up userSub", record("SignUp", `{"clientId":"c1","username":"HIDDEN_DUE_TO_SECURITY_REASONS"}`, `{"userConfirmed":false,"userSub":"s-3"}`, `null`), "user/s-3", KindUser},
		{"group", record("CreateGroup", `{`+pool+`,"groupName":"admins"}`, `null`, `null`), "group/admins", KindGroup},
		{"identity provider", record("DeleteIdentityProvider", `{`+pool+`,"providerName":"Google"}`, `null`, `null`), "identityprovider/Google", KindIdentityProvider},
		{"resource server", record("UpdateResourceServer", `{`+pool+`,"identifier":"https://api.example.com"}`, `null`, `null`), "resourceserver/https://api.example.com", KindResourceServer},
		{"domain", record("DeleteUserPoolDomain", `{`+pool+`,"domain":"auth.example.com"}`, `null`, `null`), "domain/auth.example.com", KindDomain},
		{"import job from response", record("CreateUserImportJob", `{`+pool+`,"jobName":"j"}`, `{"userImportJob":{"jobId":"import-1"}}`, `null`), "importjob/import-1", KindImportJob},
		{"device", record("AdminForgetDevice", `{`+pool+`,"deviceKey":"us-east-1_dk"}`, `null`, `null`), "device/us-east-1_dk", KindDevice},
		{"pool level", record("UpdateUserPool", `{`+pool+`}`, `null`, `null`), "", KindUserPool},
		{"unknown operation guesses its kind", record("FrobnicateGroup", `{`+pool+`,"groupName":"g"}`, `null`, `null`), "group/g", KindGroup},
		{"unknown operation, nothing named", record("Frobnicate", `{`+pool+`}`, `null`, `null`), "", KindUserPool},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := Normalize([]byte(tt.input))
			if err != nil {
				t.Fatalf("Normalize: %v", err)
			}
			if ev.Subject != tt.want || ev.ResourceType != tt.kind {
				t.Errorf("subject, resourcetype = %q, %q; want %q, %q", ev.Subject, ev.ResourceType, tt.want, tt.kind)
			}
		})
	}
}
