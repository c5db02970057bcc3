package events

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

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
					a := EditDistance(strings.ToLower(tt.input), strings.ToLower(got[i-1]))
					b := EditDistance(strings.ToLower(tt.input), strings.ToLower(got[i]))
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
