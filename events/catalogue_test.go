package events

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// allKinds lists every ResourceKind constant declared in catalogue.go. Add
// new kinds here too: TestCatalogueKindsAndCategories checks each is used.
var allKinds = []ResourceKind{
	KindUserPool, KindClient, KindUser, KindGroup, KindIdentityProvider,
	KindResourceServer, KindDomain, KindImportJob, KindDevice,
	KindManagedLoginBranding, KindTerms, KindWebAuthnCredential,
}

// opNames returns the names of ops, in order.
func opNames(ops []Operation) []string {
	names := make([]string, len(ops))
	for i, op := range ops {
		names[i] = op.Name
	}
	return names
}

// apiOps and hostedOps split the catalogue.
func splitCatalogue() (api, hosted []Operation) {
	for _, op := range catalogue {
		if op.HostedUI {
			hosted = append(hosted, op)
		} else {
			api = append(api, op)
		}
	}
	return api, hosted
}

var (
	// API actions are PascalCase identifiers.
	apiNameShape = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
	// Hosted-UI events are underscore-joined words ending in the HTTP
	// method. The managed-login ones start in lower case (login_POST).
	hostedNameShape = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*(_[A-Za-z][A-Za-z0-9]*)*_(GET|POST)$`)
	// hostedNamesWithoutMethod are the hosted-UI events CloudTrail names
	// without an HTTP method, as the developer guide lists them.
	hostedNamesWithoutMethod = []string{"CognitoAuthentication", "Logout"}
)

func TestCatalogueNames(t *testing.T) {
	seen := make(map[string]bool)
	for _, op := range catalogue {
		t.Run(op.Name, func(t *testing.T) {
			if op.Name == "" {
				t.Fatal("empty name")
			}
			if seen[op.Name] {
				t.Errorf("%s appears twice", op.Name)
			}
			seen[op.Name] = true
			switch {
			case !op.HostedUI && !apiNameShape.MatchString(op.Name):
				t.Errorf("API action %q does not match %s", op.Name, apiNameShape)
			case op.HostedUI && !hostedNameShape.MatchString(op.Name) && !slices.Contains(hostedNamesWithoutMethod, op.Name):
				t.Errorf("hosted-UI event %q does not match %s", op.Name, hostedNameShape)
			}
		})
	}
}

func TestCatalogueCounts(t *testing.T) {
	api, hosted := splitCatalogue()
	if len(api) < 110 {
		t.Errorf("%d API actions, want at least 110", len(api))
	}
	if len(hosted) < 15 {
		t.Errorf("%d hosted-UI events, want at least 15", len(hosted))
	}
	if got := len(Operations()); got != len(catalogue) {
		t.Errorf("Operations() has %d entries, catalogue %d", got, len(catalogue))
	}
}

// TestCatalogueMatchesSDK compares the API actions with the operations of the
// aws-sdk-go-v2 client pinned in go.mod: a method (ctx, *XInput, ...optFns)
// (*XOutput, error) is operation X. When the SDK is bumped and gains an
// operation, this test names it.
func TestCatalogueMatchesSDK(t *testing.T) {
	client := reflect.TypeOf(&cognitoidentityprovider.Client{})
	sdk := make(map[string]bool)
	for i := range client.NumMethod() {
		m := client.Method(i)
		mt := m.Type // receiver is In(0)
		if mt.NumIn() != 4 || mt.NumOut() != 2 || !mt.IsVariadic() {
			continue
		}
		in, out := mt.In(2), mt.Out(0)
		if in.Kind() != reflect.Pointer || in.Elem().Name() != m.Name+"Input" ||
			out.Kind() != reflect.Pointer || out.Elem().Name() != m.Name+"Output" {
			continue
		}
		sdk[m.Name] = true
	}
	if len(sdk) < 100 {
		t.Fatalf("found only %d operations on the SDK client; the reflection no longer recognises them", len(sdk))
	}
	api, _ := splitCatalogue()
	ours := make(map[string]bool, len(api))
	for _, op := range api {
		ours[op.Name] = true
	}
	var missing, extra []string
	for name := range sdk {
		if !ours[name] {
			missing = append(missing, name)
		}
	}
	for name := range ours {
		if !sdk[name] {
			extra = append(extra, name)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	if len(missing) > 0 {
		t.Errorf("SDK operations missing from the catalogue: %s", strings.Join(missing, ", "))
	}
	if len(extra) > 0 {
		t.Errorf("catalogue API actions unknown to the SDK: %s", strings.Join(extra, ", "))
	}
}

func TestCatalogueSorted(t *testing.T) {
	rank := make(map[Category]int)
	for i, c := range Categories() {
		rank[c] = i
	}
	for i := 1; i < len(catalogue); i++ {
		a, b := catalogue[i-1], catalogue[i]
		if rank[a.Category] > rank[b.Category] ||
			(a.Category == b.Category && a.Name >= b.Name) {
			t.Errorf("catalogue not sorted by category, then name: %s (%s) before %s (%s)",
				a.Name, a.Category, b.Name, b.Category)
		}
	}
}

func TestCatalogueKindsAndCategories(t *testing.T) {
	kinds := make(map[ResourceKind]int)
	cats := make(map[Category]int)
	for _, op := range catalogue {
		kinds[op.Resource]++
		cats[op.Category]++
		if !slices.Contains(allKinds, op.Resource) {
			t.Errorf("%s: unknown resource kind %q", op.Name, op.Resource)
		}
		if !slices.Contains(Categories(), op.Category) {
			t.Errorf("%s: unknown category %q", op.Name, op.Category)
		}
	}
	for _, k := range allKinds {
		t.Run("kind/"+string(k), func(t *testing.T) {
			if kinds[k] == 0 {
				t.Errorf("no operation has resource kind %q", k)
			}
		})
	}
	for _, c := range Categories() {
		t.Run("category/"+string(c), func(t *testing.T) {
			if cats[c] == 0 {
				t.Errorf("no operation is in category %q", c)
			}
		})
	}
}

func TestCatalogueHostedUIIsCategory(t *testing.T) {
	for _, op := range catalogue {
		if op.HostedUI != (op.Category == CategoryHostedUI) {
			t.Errorf("%s: HostedUI=%v but Category=%s", op.Name, op.HostedUI, op.Category)
		}
		want := DetailTypeAPICall
		if op.HostedUI {
			want = DetailTypeServiceEvent
		}
		if got := op.DetailType(); got != want {
			t.Errorf("%s: DetailType() = %q, want %q", op.Name, got, want)
		}
	}
}

// readOnlyExceptions are the operations whose name suggests the opposite of
// their ReadOnly flag, each with the reason.
var readOnlyExceptions = map[string]string{
	"GetUserAttributeVerificationCode": "sends a verification code to the user",
	"GetTokensFromRefreshToken":        "issues new tokens and may rotate the refresh token",
	"GetClientToken":                   "issues an M2M access token",
	"UserInfo_POST":                    "reads the user's claims, like UserInfo_GET",
	"Confirm_With_Link_GET":            "the link confirms the user's account",
	"confirmUser_GET":                  "the link confirms the user's account",
	"Event_Feedback_GET":               "records threat-protection feedback",
	"OAuth2Response_GET":               "completes a federated sign-in, creating or updating the user",
}

// TestCatalogueReadOnlyRule checks ReadOnly against the names: read-only API
// actions are Describe*/List*/Get*/AdminGet*/AdminList*, every such action is
// read-only, and hosted-UI events are read-only exactly when they are GETs;
// readOnlyExceptions lists the justified exceptions.
func TestCatalogueReadOnlyRule(t *testing.T) {
	readPrefixes := []string{"Describe", "List", "Get", "AdminGet", "AdminList"}
	for _, op := range catalogue {
		t.Run(op.Name, func(t *testing.T) {
			var looksReadOnly bool
			if op.HostedUI {
				looksReadOnly = strings.HasSuffix(op.Name, "_GET")
			} else {
				looksReadOnly = slices.ContainsFunc(readPrefixes, func(p string) bool { return strings.HasPrefix(op.Name, p) })
			}
			reason, excepted := readOnlyExceptions[op.Name]
			if excepted {
				if op.ReadOnly == looksReadOnly {
					t.Errorf("listed as an exception (%s) but ReadOnly=%v follows the naming rule", reason, op.ReadOnly)
				}
				return
			}
			if op.ReadOnly != looksReadOnly {
				t.Errorf("ReadOnly=%v, but the naming rule says %v and no exception is listed", op.ReadOnly, looksReadOnly)
			}
		})
	}
	for _, prefix := range []string{"Describe", "List", "AdminList"} {
		for _, op := range catalogue {
			if strings.HasPrefix(op.Name, prefix) && !op.ReadOnly {
				t.Errorf("%s is a %s* action but not read-only", op.Name, prefix)
			}
		}
	}
	for name := range readOnlyExceptions {
		if _, ok := LookupOperation(name); !ok {
			t.Errorf("exception %s is not in the catalogue", name)
		}
	}
}

// adminAuthOps are the Admin* calls on a user that belong to auth (sign-in,
// sessions, MFA) rather than to users (user records).
var adminAuthOps = []string{
	"AdminDeleteSoftwareToken", "AdminGetUserAuthFactors", "AdminInitiateAuth",
	"AdminRespondToAuthChallenge", "AdminSetUserMFAPreference",
	"AdminSetUserSettings", "AdminUserGlobalSignOut",
}

// TestCatalogueUserCategories checks the split documented in
// catalogue_table.go: API actions on a user are in users when an
// administrator calls them (Admin*, ListUsers), in auth when the user or the
// app does (self-service), with the listed exceptions.
func TestCatalogueUserCategories(t *testing.T) {
	for _, op := range catalogue {
		if op.HostedUI || op.Resource != KindUser {
			continue
		}
		t.Run(op.Name, func(t *testing.T) {
			var want Category
			switch {
			case op.Name == "AdminListGroupsForUser":
				want = CategoryGroups
			case slices.Contains(adminAuthOps, op.Name):
				want = CategoryAuth
			case strings.HasPrefix(op.Name, "Admin"), op.Name == "ListUsers":
				want = CategoryUsers
			default:
				want = CategoryAuth
			}
			if op.Category != want {
				t.Errorf("category %s, want %s", op.Category, want)
			}
		})
	}
}

// TestCatalogueSpotCheck pins a sample of operations to what the API
// reference and the developer guide say they do.
func TestCatalogueSpotCheck(t *testing.T) {
	tests := []struct {
		name     string
		resource ResourceKind
		readOnly bool
		hostedUI bool
		category Category
	}{
		{"AdminCreateUser", KindUser, false, false, CategoryUsers},
		{"AdminGetUser", KindUser, true, false, CategoryUsers},
		{"AdminSetUserPassword", KindUser, false, false, CategoryUsers},
		{"AdminAddUserToGroup", KindGroup, false, false, CategoryGroups},
		{"ListUsersInGroup", KindGroup, true, false, CategoryGroups},
		{"CreateUserPoolClient", KindClient, false, false, CategoryAppClients},
		{"ListUserPoolClientSecrets", KindClient, true, false, CategoryAppClients},
		{"AddUserPoolClientSecret", KindClient, false, false, CategoryAppClients},
		{"DescribeUserPool", KindUserPool, true, false, CategoryPoolConfig},
		{"SetUserPoolMfaConfig", KindUserPool, false, false, CategoryPoolConfig},
		{"TagResource", KindUserPool, false, false, CategoryPoolConfig},
		{"SetLogDeliveryConfiguration", KindUserPool, false, false, CategoryPoolConfig},
		{"GetSigningCertificate", KindUserPool, true, false, CategoryPoolConfig},
		{"GetIdentityProviderByIdentifier", KindIdentityProvider, true, false, CategoryIdentityProviders},
		{"UpdateResourceServer", KindResourceServer, false, false, CategoryResourceServers},
		{"DescribeUserPoolDomain", KindDomain, true, false, CategoryDomains},
		{"GetCSVHeader", KindImportJob, true, false, CategoryImportJobs},
		{"StopUserImportJob", KindImportJob, false, false, CategoryImportJobs},
		{"AdminForgetDevice", KindDevice, false, false, CategoryDevices},
		{"ListDevices", KindDevice, true, false, CategoryDevices},
		{"DescribeManagedLoginBrandingByClient", KindManagedLoginBranding, true, false, CategoryBranding},
		{"UpdateTerms", KindTerms, false, false, CategoryBranding},
		{"SetUICustomization", KindClient, false, false, CategoryBranding},
		{"CompleteWebAuthnRegistration", KindWebAuthnCredential, false, false, CategoryAuth},
		{"InitiateAuth", KindUser, false, false, CategoryAuth},
		{"GetTokensFromRefreshToken", KindUser, false, false, CategoryAuth},
		{"GetUserAttributeVerificationCode", KindUser, false, false, CategoryAuth},
		{"GetUser", KindUser, true, false, CategoryAuth},
		{"Token_POST", KindClient, false, true, CategoryHostedUI},
		{"Login_GET", KindUser, true, true, CategoryHostedUI},
		{"UserInfo_GET", KindUser, true, true, CategoryHostedUI},
		{"SAML2Response_POST", KindUser, false, true, CategoryHostedUI},
		{"signup_POST", KindUser, false, true, CategoryHostedUI},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op, ok := LookupOperation(tt.name)
			if !ok {
				t.Fatalf("%s not in the catalogue", tt.name)
			}
			want := Operation{Name: tt.name, Resource: tt.resource, ReadOnly: tt.readOnly, HostedUI: tt.hostedUI, Category: tt.category}
			if op != want {
				t.Errorf("got  %+v\nwant %+v", op, want)
			}
		})
	}
}

func TestLookupOperation(t *testing.T) {
	tests := []struct {
		name   string
		input  string
		wantOK bool
	}{
		{"exact API action", "UpdateUserPoolClient", true},
		{"exact hosted-UI event", "Token_POST", true},
		{"classic spelling", "Signup_POST", true},
		{"managed-login spelling", "signup_POST", true},
		{"lower case", "updateuserpoolclient", false},
		{"upper case", "UPDATEUSERPOOLCLIENT", false},
		{"leading space", " UpdateUserPoolClient", false},
		{"prefix only", "UpdateUserPool" + "Cli", false},
		{"preset is not an operation", "domains", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op, ok := LookupOperation(tt.input)
			if ok != tt.wantOK {
				t.Fatalf("LookupOperation(%q) ok = %v, want %v", tt.input, ok, tt.wantOK)
			}
			if ok && op.Name != tt.input {
				t.Errorf("LookupOperation(%q) returned %q", tt.input, op.Name)
			}
			if !ok && op != (Operation{}) {
				t.Errorf("LookupOperation(%q) returned non-zero %+v with ok=false", tt.input, op)
			}
		})
	}
}

// countWhere counts catalogue entries that satisfy keep, independently of
// Preset and Select.
func countWhere(keep func(Operation) bool) int {
	n := 0
	for _, op := range catalogue {
		if keep(op) {
			n++
		}
	}
	return n
}

func TestSelect(t *testing.T) {
	mutations := countWhere(func(op Operation) bool { return !op.ReadOnly && !op.HostedUI })
	tests := []struct {
		name      string
		input     []string
		wantNames []string // when set, the exact result
		wantLen   int
	}{
		{name: "no names", input: nil, wantNames: []string{}},
		{name: "one operation", input: []string{"UpdateUserPoolClient"}, wantNames: []string{"UpdateUserPoolClient"}},
		{
			name:      "operations deduplicated and sorted",
			input:     []string{"UpdateUserPoolClient", "AdminCreateUser", "UpdateUserPoolClient", "Token_POST"},
			wantNames: []string{"AdminCreateUser", "Token_POST", "UpdateUserPoolClient"},
		},
		{
			name:      "preset",
			input:     []string{"domains"},
			wantNames: []string{"CreateUserPoolDomain", "DeleteUserPoolDomain", "DescribeUserPoolDomain", "UpdateUserPoolDomain"},
		},
		{
			name:      "preset and one of its members",
			input:     []string{"CreateUserPoolDomain", "domains", "domains"},
			wantNames: []string{"CreateUserPoolDomain", "DeleteUserPoolDomain", "DescribeUserPoolDomain", "UpdateUserPoolDomain"},
		},
		{
			name:      "preset and an operation outside it",
			input:     []string{"resource-servers", "AdminCreateUser"},
			wantNames: []string{"AdminCreateUser", "CreateResourceServer", "DeleteResourceServer", "DescribeResourceServer", "ListResourceServers", "UpdateResourceServer"},
		},
		{name: "all", input: []string{PresetAll}, wantLen: len(catalogue)},
		{name: "all with duplicates", input: []string{"Token_POST", PresetAll, "users"}, wantLen: len(catalogue)},
		{name: "all-mutations", input: []string{PresetAllMutations}, wantLen: mutations},
		{name: "all-mutations plus a read-only preset", input: []string{PresetAllMutations, "domains"}, wantLen: mutations + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops, err := Select(tt.input...)
			if err != nil {
				t.Fatalf("Select(%q): %v", tt.input, err)
			}
			names := opNames(ops)
			if !slices.IsSorted(names) {
				t.Errorf("result not sorted: %v", names)
			}
			if len(slices.Compact(slices.Clone(names))) != len(names) {
				t.Errorf("result has duplicates: %v", names)
			}
			if tt.wantNames != nil && !slices.Equal(names, tt.wantNames) {
				t.Errorf("got %v, want %v", names, tt.wantNames)
			}
			if tt.wantNames == nil && len(ops) != tt.wantLen {
				t.Errorf("got %d operations, want %d", len(ops), tt.wantLen)
			}
			for _, op := range ops {
				if full, ok := LookupOperation(op.Name); !ok || full != op {
					t.Errorf("selected %+v differs from the catalogue entry %+v", op, full)
				}
			}
		})
	}
}

func TestSelectAllMutations(t *testing.T) {
	ops, err := Select(PresetAllMutations)
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) < 50 {
		t.Errorf("all-mutations selects only %d operations", len(ops))
	}
	for _, op := range ops {
		if op.ReadOnly || op.HostedUI {
			t.Errorf("all-mutations selects %s (ReadOnly=%v, HostedUI=%v)", op.Name, op.ReadOnly, op.HostedUI)
		}
	}
	for _, name := range []string{"AdminCreateUser", "UpdateUserPoolClient", "DeleteUserPool", "SetUICustomization"} {
		if !slices.Contains(opNames(ops), name) {
			t.Errorf("all-mutations lacks %s", name)
		}
	}
}

func TestSelectUnknown(t *testing.T) {
	tests := []struct {
		name       string
		input      []string
		wantFirst  string // the nearest suggestion; "" for none
		wantInText []string
	}{
		{name: "transposed letters", input: []string{"UpdateUserPoolClinet"}, wantFirst: "UpdateUserPoolClient"},
		{name: "preset without s", input: []string{"app-client"}, wantFirst: "app-clients"},
		{name: "wrong case", input: []string{"adminCreateUser"}, wantFirst: "AdminCreateUser"},
		{name: "hosted-UI typo", input: []string{"Token_PST"}, wantFirst: "Token_POST"},
		{name: "known then unknown", input: []string{"AdminCreateUser", "ListUsrs"}, wantFirst: "ListUsers"},
		{name: "far from everything", input: []string{"xyzzy-plugh-quux"}},
		{name: "empty name", input: []string{""}, wantInText: []string{`""`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops, err := Select(tt.input...)
			if err == nil {
				t.Fatalf("Select(%q) = %v, want an error", tt.input, opNames(ops))
			}
			if ops != nil {
				t.Errorf("Select returned operations with an error: %v", opNames(ops))
			}
			if !errors.Is(err, ErrUnknownOperation) {
				t.Errorf("error %v does not wrap ErrUnknownOperation", err)
			}
			msg := err.Error()
			bad := tt.input[len(tt.input)-1]
			if !strings.Contains(msg, fmt.Sprintf("%q", bad)) {
				t.Errorf("error %q does not name %q", msg, bad)
			}
			for _, s := range tt.wantInText {
				if !strings.Contains(msg, s) {
					t.Errorf("error %q lacks %q", msg, s)
				}
			}
			if tt.wantFirst == "" {
				if strings.Contains(msg, "did you mean") {
					t.Errorf("error %q suggests names for a name far from all", msg)
				}
				return
			}
			if want := "did you mean " + tt.wantFirst; !strings.Contains(msg, want) {
				t.Errorf("error %q does not start its suggestions with %s", msg, tt.wantFirst)
			}
		})
	}
}

func TestSuggest(t *testing.T) {
	tests := []struct {
		name  string
		input string
	}{
		{"many near names", "ListUserPoolClient"},
		{"one near name", "UpdateUserPoolClinet"},
		{"preset", "grops"},
		{"nothing near", "xyzzy-plugh-quux"},
	}
	for _, tt := range tests {
		for _, n := range []int{0, 1, 2, 3, 10} {
			t.Run(fmt.Sprintf("%s/n=%d", tt.name, n), func(t *testing.T) {
				got := Suggest(tt.input, n)
				if len(got) > n {
					t.Fatalf("Suggest(%q, %d) returned %d names: %v", tt.input, n, len(got), got)
				}
				for i := 1; i < len(got); i++ {
					a := editDistance(strings.ToLower(tt.input), strings.ToLower(got[i-1]))
					b := editDistance(strings.ToLower(tt.input), strings.ToLower(got[i]))
					if a > b {
						t.Errorf("%v not nearest first: %s at %d before %s at %d", got, got[i-1], a, got[i], b)
					}
				}
				for _, s := range got {
					_, isOp := LookupOperation(s)
					if !isOp && !slices.Contains(Presets(), s) {
						t.Errorf("suggested %q, which is neither an operation nor a preset", s)
					}
				}
			})
		}
	}
	t.Run("many near names fill n", func(t *testing.T) {
		if got := Suggest("ListUserPoolClient", 3); len(got) != 3 || got[0] != "ListUserPoolClients" {
			t.Errorf("Suggest(ListUserPoolClient, 3) = %v, want 3 names starting with ListUserPoolClients", got)
		}
	})
	t.Run("nothing near is empty", func(t *testing.T) {
		if got := Suggest("xyzzy-plugh-quux", 10); len(got) != 0 {
			t.Errorf("Suggest(far name) = %v, want none", got)
		}
	})
}

func TestPresets(t *testing.T) {
	for _, name := range Presets() {
		t.Run(name, func(t *testing.T) {
			ops, ok := Preset(name)
			if !ok {
				t.Fatalf("Preset(%q) not found", name)
			}
			if len(ops) == 0 {
				t.Errorf("Preset(%q) is empty", name)
			}
			if !slices.IsSorted(opNames(ops)) {
				t.Errorf("Preset(%q) not sorted by name", name)
			}
			var want int
			switch name {
			case PresetAll:
				want = len(catalogue)
			case PresetAllMutations:
				want = countWhere(func(op Operation) bool { return !op.ReadOnly && !op.HostedUI })
			default:
				want = countWhere(func(op Operation) bool { return op.Category == Category(name) })
				for _, op := range ops {
					if op.Category != Category(name) {
						t.Errorf("Preset(%q) holds %s of category %s", name, op.Name, op.Category)
					}
				}
			}
			if len(ops) != want {
				t.Errorf("Preset(%q) has %d operations, want %d", name, len(ops), want)
			}
			if strings.TrimSpace(presetSummaries[name]) == "" {
				t.Errorf("preset %q has no summary in presetSummaries", name)
			}
		})
	}
	t.Run("unknown", func(t *testing.T) {
		if ops, ok := Preset("UpdateUserPoolClient"); ok || ops != nil {
			t.Errorf("Preset(operation name) = %v, %v; want nil, false", ops, ok)
		}
	})
	t.Run("no stray summaries", func(t *testing.T) {
		for name := range presetSummaries {
			if !slices.Contains(Presets(), name) {
				t.Errorf("presetSummaries has %q, which is not a preset", name)
			}
		}
	})
}

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
