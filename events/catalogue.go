package events

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// ResourceKind is the kind of thing inside a user pool that an operation
// changes or reads. It is the first segment of an event's subject and the
// value of the resourcetype extension.
type ResourceKind string

// The resource kinds.
const (
	KindUserPool             ResourceKind = "userpool"
	KindClient               ResourceKind = "client"
	KindUser                 ResourceKind = "user"
	KindGroup                ResourceKind = "group"
	KindIdentityProvider     ResourceKind = "identityprovider"
	KindResourceServer       ResourceKind = "resourceserver"
	KindDomain               ResourceKind = "domain"
	KindImportJob            ResourceKind = "importjob"
	KindDevice               ResourceKind = "device"
	KindManagedLoginBranding ResourceKind = "managedloginbranding"
	KindTerms                ResourceKind = "terms"
	KindWebAuthnCredential   ResourceKind = "webauthncredential"
)

// Category groups operations for selection. Each operation has exactly one;
// every category is also a preset name.
type Category string

// The categories.
const (
	CategoryAppClients        Category = "app-clients"
	CategoryUsers             Category = "users"
	CategoryGroups            Category = "groups"
	CategoryPoolConfig        Category = "pool-config"
	CategoryIdentityProviders Category = "identity-providers"
	CategoryResourceServers   Category = "resource-servers"
	CategoryDomains           Category = "domains"
	CategoryImportJobs        Category = "import-jobs"
	CategoryDevices           Category = "devices"
	CategoryBranding          Category = "branding"
	CategoryAuth              Category = "auth"
	CategoryHostedUI          Category = "hosted-ui"
)

// Presets that are not categories.
const (
	// PresetAllMutations selects every API operation that is not read-only
	// (hosted-UI events excluded).
	PresetAllMutations = "all-mutations"
	// PresetAll selects every operation and hosted-UI event in the catalogue.
	PresetAll = "all"
)

// Operation is one entry of the catalogue: a cognito-idp API action or a
// hosted-UI / managed-login endpoint event, as CloudTrail names it in
// eventName.
type Operation struct {
	// Name is the CloudTrail eventName, for example "UpdateUserPoolClient".
	Name string
	// Resource is the kind of resource the operation changes or reads.
	Resource ResourceKind
	// ReadOnly is true for calls that change nothing (Describe*, List*,
	// Get*). EventBridge delivers them only to rules in the state
	// ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS.
	ReadOnly bool
	// HostedUI is true for hosted-UI and managed-login endpoint events,
	// which CloudTrail records with eventType AwsServiceEvent.
	HostedUI bool
	// Category is the selection preset the operation belongs to.
	Category Category
}

// DetailType is the EventBridge detail-type under which the operation's
// records arrive.
func (o Operation) DetailType() string {
	if o.HostedUI {
		return DetailTypeServiceEvent
	}
	return DetailTypeAPICall
}

var operationsByName = func() map[string]Operation {
	m := make(map[string]Operation, len(catalogue))
	for _, op := range catalogue {
		m[op.Name] = op
	}
	return m
}()

// Operations returns every operation in the catalogue, sorted by name. The
// slice is a copy.
func Operations() []Operation {
	ops := slices.Clone(catalogue)
	sort.Slice(ops, func(i, j int) bool { return ops[i].Name < ops[j].Name })
	return ops
}

// LookupOperation returns the operation named name (a CloudTrail eventName;
// the match is exact).
func LookupOperation(name string) (Operation, bool) {
	op, ok := operationsByName[name]
	return op, ok
}

// Categories returns every category, in a fixed order.
func Categories() []Category {
	return []Category{
		CategoryAppClients, CategoryUsers, CategoryGroups, CategoryPoolConfig,
		CategoryIdentityProviders, CategoryResourceServers, CategoryDomains,
		CategoryImportJobs, CategoryDevices, CategoryBranding, CategoryAuth,
		CategoryHostedUI,
	}
}

// Presets returns every preset name: each category, then all-mutations and
// all.
func Presets() []string {
	cats := Categories()
	names := make([]string, 0, len(cats)+2)
	for _, c := range cats {
		names = append(names, string(c))
	}
	return append(names, PresetAllMutations, PresetAll)
}

// Preset returns the operations a preset selects, sorted by name, and
// whether the preset exists.
func Preset(name string) ([]Operation, bool) {
	var keep func(Operation) bool
	switch name {
	case PresetAll:
		keep = func(Operation) bool { return true }
	case PresetAllMutations:
		keep = func(op Operation) bool { return !op.ReadOnly && !op.HostedUI }
	default:
		if !slices.Contains(Categories(), Category(name)) {
			return nil, false
		}
		keep = func(op Operation) bool { return op.Category == Category(name) }
	}
	var ops []Operation
	for _, op := range Operations() {
		if keep(op) {
			ops = append(ops, op)
		}
	}
	return ops, true
}

// Select resolves names, each an operation name or a preset, into the
// operations they select: deduplicated and sorted by name. An unknown name
// gives an error wrapping ErrUnknownOperation that lists the nearest known
// names.
func Select(names ...string) ([]Operation, error) {
	seen := make(map[string]bool)
	var ops []Operation
	add := func(op Operation) {
		if !seen[op.Name] {
			seen[op.Name] = true
			ops = append(ops, op)
		}
	}
	for _, name := range names {
		if op, ok := LookupOperation(name); ok {
			add(op)
			continue
		}
		if preset, ok := Preset(name); ok {
			for _, op := range preset {
				add(op)
			}
			continue
		}
		return nil, unknownNameError(name)
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].Name < ops[j].Name })
	return ops, nil
}

func unknownNameError(name string) error {
	near := Suggest(name, 3)
	if len(near) == 0 {
		return fmt.Errorf("%w or preset %q", ErrUnknownOperation, name)
	}
	return fmt.Errorf("%w or preset %q: did you mean %s?", ErrUnknownOperation, name, strings.Join(near, ", "))
}

// Suggest returns up to n known operation and preset names nearest to name,
// by case-insensitive edit distance, nearest first (ties by name). Names
// further than half of name's length are left out.
func Suggest(name string, n int) []string {
	type scored struct {
		name string
		dist int
	}
	lower := strings.ToLower(name)
	limit := max(len(name)/2, 2)
	var found []scored
	consider := func(candidate string) {
		d := EditDistance(lower, strings.ToLower(candidate))
		if d <= limit {
			found = append(found, scored{candidate, d})
		}
	}
	for _, op := range catalogue {
		consider(op.Name)
	}
	for _, p := range Presets() {
		consider(p)
	}
	sort.Slice(found, func(i, j int) bool {
		if found[i].dist != found[j].dist {
			return found[i].dist < found[j].dist
		}
		return found[i].name < found[j].name
	})
	out := make([]string, 0, max(n, 0))
	for _, s := range found {
		if len(out) == n {
			break
		}
		out = append(out, s.name)
	}
	return out
}

// EditDistance is the Levenshtein distance between a and b, in bytes: the
// measure behind Suggest, and behind internal/pattern's "did you mean".
func EditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
