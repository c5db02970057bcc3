package pattern

import (
	"fmt"
	"net/netip"
	"strings"
)

// valueKind is the JSON type of an event's leaf value.
type valueKind uint8

const (
	kindString valueKind = iota
	kindNumber
	kindTrue
	kindFalse
	kindNull
)

// value is one leaf value of an event.
type value struct {
	kind  valueKind
	str   string  // the string, or a number's JSON text
	num   float64 // the number, when numOK
	numOK bool
}

// want describes one matcher for a reason.
type want struct {
	text  string // as shown in "want X or Y"
	bare  string // as listed in "is not one of [...]", when exact
	exact bool   // a plain string value
	with  bool   // a prefix, suffix or wildcard: "no value with TEXT"
}

// matcher is one element of a field's value list.
type matcher interface {
	matches(v value) bool
	want() want
}

var (
	_ matcher = exactString("")
	_ matcher = exactNumber{}
	_ matcher = literal(true)
	_ matcher = nullMatcher{}
	_ matcher = existsMatcher(true)
	_ matcher = anythingBut{}
	_ matcher = anythingButFold(nil)
	_ matcher = anythingButWildcard(nil)
	_ matcher = affix{}
	_ matcher = ignoreCase("")
	_ matcher = wildcardPattern{}
	_ matcher = numeric(nil)
	_ matcher = cidr{}
)

type exactString string

func (m exactString) matches(v value) bool { return v.kind == kindString && v.str == string(m) }
func (m exactString) want() want {
	return want{text: quote(string(m)), bare: string(m), exact: true}
}

type exactNumber struct {
	f    float64
	text string
}

func (m exactNumber) matches(v value) bool { return v.kind == kindNumber && v.numOK && v.num == m.f }
func (m exactNumber) want() want           { return want{text: m.text} }

type literal bool

func (m literal) matches(v value) bool {
	return bool(m) && v.kind == kindTrue || !bool(m) && v.kind == kindFalse
}
func (m literal) want() want { return want{text: fmt.Sprint(bool(m))} }

type nullMatcher struct{}

func (nullMatcher) matches(v value) bool { return v.kind == kindNull }
func (nullMatcher) want() want           { return want{text: "null"} }

// existsMatcher is evaluated on the whole field (see leafField.match);
// matches is never called.
type existsMatcher bool

func (m existsMatcher) matches(value) bool { return false }
func (m existsMatcher) want() want {
	if m {
		return want{text: "present"}
	}
	return want{text: "absent"}
}

// anythingBut matches any value other than the listed strings or numbers.
type anythingBut struct {
	strs    []string
	nums    []float64
	numText []string
}

func (m anythingBut) matches(v value) bool {
	switch v.kind {
	case kindString:
		for _, s := range m.strs {
			if v.str == s {
				return false
			}
		}
	case kindNumber:
		for _, n := range m.nums {
			if v.numOK && v.num == n {
				return false
			}
		}
	}
	return true
}

func (m anythingBut) want() want {
	var items []string
	for _, s := range m.strs {
		items = append(items, quote(s))
	}
	items = append(items, m.numText...)
	if len(items) == 1 {
		return want{text: "anything but " + items[0]}
	}
	return want{text: "anything but " + list(items)}
}

// anythingButFold matches strings equal to none of its strings, ignoring
// case.
type anythingButFold []string

func (m anythingButFold) matches(v value) bool {
	if v.kind != kindString {
		return false
	}
	for _, s := range m {
		if strings.EqualFold(v.str, s) {
			return false
		}
	}
	return true
}

func (m anythingButFold) want() want {
	return want{text: "anything but " + quoteList(m) + " ignoring case"}
}

// anythingButWildcard matches strings that match none of its wildcards.
type anythingButWildcard []wildcardPattern

func (m anythingButWildcard) matches(v value) bool {
	if v.kind != kindString {
		return false
	}
	for _, w := range m {
		if w.matches(v) {
			return false
		}
	}
	return true
}

func (m anythingButWildcard) want() want {
	texts := make([]string, len(m))
	for i, w := range m {
		texts[i] = w.text
	}
	return want{text: "anything but wildcard " + quoteList(texts)}
}

// affix is prefix or suffix matching, optionally ignoring case, optionally
// negated (anything-but prefix/suffix).
type affix struct {
	s      string
	suffix bool
	fold   bool
	negate bool
}

func (m affix) matches(v value) bool {
	if v.kind != kindString {
		return false
	}
	s, a := v.str, m.s
	if m.fold {
		s, a = strings.ToLower(s), strings.ToLower(a)
	}
	var ok bool
	if m.suffix {
		ok = strings.HasSuffix(s, a)
	} else {
		ok = strings.HasPrefix(s, a)
	}
	return ok != m.negate
}

func (m affix) want() want {
	t := "prefix "
	if m.suffix {
		t = "suffix "
	}
	t += quote(m.s)
	if m.fold {
		t += " ignoring case"
	}
	if m.negate {
		return want{text: "anything but " + t}
	}
	return want{text: t, with: true}
}

type ignoreCase string

func (m ignoreCase) matches(v value) bool {
	return v.kind == kindString && strings.EqualFold(v.str, string(m))
}
func (m ignoreCase) want() want { return want{text: quote(string(m)) + " ignoring case"} }

// wildcardPattern is a wildcard split at its unescaped stars.
type wildcardPattern struct {
	text  string
	parts []string // literal runs; a star between each two
}

func (m wildcardPattern) matches(v value) bool {
	if v.kind != kindString {
		return false
	}
	s := v.str
	if len(m.parts) == 1 {
		return s == m.parts[0]
	}
	first, last := m.parts[0], m.parts[len(m.parts)-1]
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	s = s[len(first) : len(s)-len(last)]
	for _, p := range m.parts[1 : len(m.parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return true
}

func (m wildcardPattern) want() want { return want{text: "wildcard " + quote(m.text), with: true} }

type comparison struct {
	op   string
	n    float64
	text string
}

// numeric holds one comparison, or a lower then an upper bound.
type numeric []comparison

func (m numeric) matches(v value) bool {
	if v.kind != kindNumber || !v.numOK {
		return false
	}
	for _, c := range m {
		var ok bool
		switch c.op {
		case "=":
			ok = v.num == c.n
		case "<":
			ok = v.num < c.n
		case "<=":
			ok = v.num <= c.n
		case ">":
			ok = v.num > c.n
		case ">=":
			ok = v.num >= c.n
		}
		if !ok {
			return false
		}
	}
	return true
}

func (m numeric) want() want {
	parts := make([]string, len(m))
	for i, c := range m {
		parts[i] = c.op + " " + c.text
	}
	return want{text: "numeric " + strings.Join(parts, ", ")}
}

type cidr struct{ prefix netip.Prefix }

func (m cidr) matches(v value) bool {
	if v.kind != kindString {
		return false
	}
	addr, err := netip.ParseAddr(v.str)
	return err == nil && m.prefix.Contains(addr.Unmap())
}

func (m cidr) want() want { return want{text: "cidr " + m.prefix.String()} }
