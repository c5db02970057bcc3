package events

import (
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
