package pattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/netip"
	"strings"
)

// ErrInvalid is wrapped by every error of Compile: the pattern is not one
// EventBridge would accept, or uses an operator this package does not
// implement.
var ErrInvalid = errors.New("invalid event pattern")

// orKey is the key of a pattern object's alternatives.
const orKey = "$or"

// Pattern is a compiled EventBridge event pattern. It is immutable and safe
// for concurrent use.
type Pattern struct {
	text []byte
	root *object
}

// object is one level of a pattern: the fields tested at that level, the
// nested objects, and the "$or" alternatives (each an object at the same
// level).
type object struct {
	path   string // dotted path of this level, "" at the root
	leaves []*leafField
	nested []*object
	alts   []*object
}

// leafField is a pattern field whose value is a list of matchers.
type leafField struct {
	path     []string
	name     string // dotted path
	matchers []matcher
	exists   *bool // set when the list is a single exists test
}

// Compile parses an EventBridge event pattern. Unsupported operators and
// malformed patterns are errors that wrap ErrInvalid and name the field.
func Compile(pattern []byte) (*Pattern, error) {
	dec := json.NewDecoder(bytes.NewReader(pattern))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("%w: reading JSON: %w", ErrInvalid, err)
	}
	if tok != json.Delim('{') {
		return nil, fmt.Errorf("%w: want a JSON object, found %s", ErrInvalid, describeToken(tok))
	}
	root, err := parseObject(dec, nil)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: trailing data after the pattern object", ErrInvalid)
	}
	var b bytes.Buffer
	if err := json.Compact(&b, pattern); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return &Pattern{text: b.Bytes(), root: root}, nil
}

// String returns the pattern as compact JSON.
func (p *Pattern) String() string { return string(p.text) }

// MarshalJSON returns the pattern's JSON, so a Pattern embeds in output.
func (p *Pattern) MarshalJSON() ([]byte, error) { return p.text, nil }

func joinPath(path []string) string { return strings.Join(path, ".") }

func childPath(path []string, key string) []string {
	return append(path[:len(path):len(path)], key)
}

func describeToken(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			return "an array"
		}
		return fmt.Sprintf("%q", string(t))
	case string:
		return fmt.Sprintf("the string %q", t)
	case json.Number:
		return "the number " + t.String()
	case bool:
		return fmt.Sprintf("%t", t)
	case nil:
		return "null"
	}
	return fmt.Sprintf("%v", tok)
}

// parseObject reads the members of an object whose '{' was just read.
func parseObject(dec *json.Decoder, path []string) (*object, error) {
	o := &object{path: joinPath(path)}
	where := o.path
	if where == "" {
		where = "pattern"
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: %s: reading JSON: %w", ErrInvalid, where, err)
		}
		key, _ := tok.(string) // object keys are always strings
		if seen[key] {
			return nil, fmt.Errorf("%w: %s: field %q appears twice", ErrInvalid, where, key)
		}
		seen[key] = true
		field := childPath(path, key)
		name := joinPath(field)
		tok, err = dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: %s: reading JSON: %w", ErrInvalid, name, err)
		}
		switch {
		case key == orKey && tok == json.Delim('['):
			if err := parseAlternatives(dec, o, path); err != nil {
				return nil, err
			}
		case key == orKey:
			return nil, fmt.Errorf("%w: %s: want an array of patterns, found %s", ErrInvalid, name, describeToken(tok))
		case tok == json.Delim('{'):
			sub, err := parseObject(dec, field)
			if err != nil {
				return nil, err
			}
			o.nested = append(o.nested, sub)
		case tok == json.Delim('['):
			lf, err := parseValues(dec, field)
			if err != nil {
				return nil, err
			}
			o.leaves = append(o.leaves, lf)
		default:
			return nil, fmt.Errorf("%w: %s: want an array of values or a nested object, found %s", ErrInvalid, name, describeToken(tok))
		}
	}
	if _, err := dec.Token(); err != nil { // '}'
		return nil, fmt.Errorf("%w: %s: reading JSON: %w", ErrInvalid, where, err)
	}
	if len(o.leaves)+len(o.nested)+len(o.alts) == 0 {
		return nil, fmt.Errorf("%w: %s: empty object: a pattern object needs at least one field", ErrInvalid, where)
	}
	return o, nil
}

// parseAlternatives reads the patterns of a "$or" whose '[' was just read.
func parseAlternatives(dec *json.Decoder, o *object, path []string) error {
	name := joinPath(childPath(path, orKey))
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("%w: %s: reading JSON: %w", ErrInvalid, name, err)
		}
		if tok != json.Delim('{') {
			return fmt.Errorf("%w: %s[%d]: want a pattern object, found %s", ErrInvalid, name, len(o.alts), describeToken(tok))
		}
		alt, err := parseObject(dec, path)
		if err != nil {
			return err
		}
		o.alts = append(o.alts, alt)
	}
	if _, err := dec.Token(); err != nil { // ']'
		return fmt.Errorf("%w: %s: reading JSON: %w", ErrInvalid, name, err)
	}
	if len(o.alts) < 2 {
		return fmt.Errorf("%w: %s: want at least two alternatives, found %d", ErrInvalid, name, len(o.alts))
	}
	return nil
}

// parseValues reads a field's list of matchers whose '[' was just read.
func parseValues(dec *json.Decoder, path []string) (*leafField, error) {
	lf := &leafField{path: path, name: joinPath(path)}
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("%w: %s: reading JSON: %w", ErrInvalid, lf.name, err)
		}
		m, err := parseMatcher(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: %s[%d]: %w", ErrInvalid, lf.name, len(lf.matchers), err)
		}
		if e, ok := m.(existsMatcher); ok {
			lf.exists = new(bool(e))
		}
		lf.matchers = append(lf.matchers, m)
	}
	if _, err := dec.Token(); err != nil { // ']'
		return nil, fmt.Errorf("%w: %s: reading JSON: %w", ErrInvalid, lf.name, err)
	}
	if len(lf.matchers) == 0 {
		return nil, fmt.Errorf("%w: %s: empty array: list at least one value", ErrInvalid, lf.name)
	}
	if lf.exists != nil && len(lf.matchers) > 1 {
		return nil, fmt.Errorf("%w: %s: an exists test cannot be combined with other values in one list (use $or)", ErrInvalid, lf.name)
	}
	return lf, nil
}

// parseMatcher compiles one element of a value list.
func parseMatcher(raw json.RawMessage) (matcher, error) {
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return exactString(s), nil
	case 't', 'f':
		return literal(raw[0] == 't'), nil
	case 'n':
		return nullMatcher{}, nil
	case '[':
		return nil, errors.New("nested arrays are not allowed in a value list")
	case '{':
		return parseOperator(raw)
	default:
		n, err := parseNumber(raw)
		if err != nil {
			return nil, err
		}
		return exactNumber{n, string(raw)}, nil
	}
}

func parseNumber(raw json.RawMessage) (float64, error) {
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil {
		return 0, fmt.Errorf("want a number, found %s", raw)
	}
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, fmt.Errorf("number %s is out of range", raw)
	}
	return f, nil
}

func parseString(raw json.RawMessage, what string) (string, error) {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", fmt.Errorf("%s: want a string, found %s", what, raw)
	}
	return s, nil
}

// parseStrings reads a string or a non-empty array of strings.
func parseStrings(raw json.RawMessage, what string) ([]string, error) {
	if len(raw) > 0 && raw[0] == '[' {
		var ss []string
		if err := json.Unmarshal(raw, &ss); err != nil || len(ss) == 0 {
			return nil, fmt.Errorf("%s: want a string or a non-empty array of strings, found %s", what, raw)
		}
		return ss, nil
	}
	s, err := parseString(raw, what)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

// single reads an operator object that must have exactly one member.
func single(raw json.RawMessage, what string) (string, json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return "", nil, fmt.Errorf("%s: %w", what, err)
	}
	if len(m) != 1 {
		return "", nil, fmt.Errorf("%s: want an object with exactly one operator, found %s", what, raw)
	}
	for k, v := range m {
		return k, v, nil
	}
	return "", nil, nil // unreachable: len(m) == 1
}

// Operator names of the pattern language.
const (
	opExists      = "exists"
	opAnythingBut = "anything-but"
	opPrefix      = "prefix"
	opSuffix      = "suffix"
	opIgnoreCase  = "equals-ignore-case"
	opWildcard    = "wildcard"
	opNumeric     = "numeric"
	opCIDR        = "cidr"
)

func parseOperator(raw json.RawMessage) (matcher, error) {
	op, val, err := single(raw, "operator")
	if err != nil {
		return nil, err
	}
	switch op {
	case opExists:
		switch string(bytes.TrimSpace(val)) {
		case "true":
			return existsMatcher(true), nil
		case "false":
			return existsMatcher(false), nil
		}
		return nil, fmt.Errorf("exists: want true or false, found %s", val)
	case opPrefix, opSuffix:
		return parseAffix(op, val, false)
	case opIgnoreCase:
		s, err := parseString(val, op)
		if err != nil {
			return nil, err
		}
		return ignoreCase(s), nil
	case opWildcard:
		return parseWildcard(val)
	case opNumeric:
		return parseNumeric(val)
	case opCIDR:
		s, err := parseString(val, op)
		if err != nil {
			return nil, err
		}
		pfx, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("cidr: %q is not an IP prefix such as 10.0.0.0/24", s)
		}
		return cidr{pfx.Masked()}, nil
	case opAnythingBut:
		return parseAnythingBut(val)
	}
	return nil, fmt.Errorf("unsupported operator %q", op)
}

// parseAffix reads the value of prefix or suffix: a string, or
// {"equals-ignore-case": string}. negate makes it an anything-but.
func parseAffix(op string, val json.RawMessage, negate bool) (matcher, error) {
	a := affix{suffix: op == opSuffix, negate: negate}
	if len(val) > 0 && val[0] == '{' {
		inner, v, err := single(val, op)
		if err != nil {
			return nil, err
		}
		if inner != opIgnoreCase {
			return nil, fmt.Errorf("%s: unsupported operator %q (only %s)", op, inner, opIgnoreCase)
		}
		a.fold = true
		val = v
	}
	s, err := parseString(val, op)
	if err != nil {
		return nil, err
	}
	a.s = s
	return a, nil
}

func parseWildcardString(s string) (wildcardPattern, error) {
	var w wildcardPattern
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 >= len(s) || (s[i+1] != '*' && s[i+1] != '\\') {
				return w, fmt.Errorf("wildcard %q: a backslash must escape * or \\", s)
			}
			i++
			cur.WriteByte(s[i])
		case '*':
			if i+1 < len(s) && s[i+1] == '*' {
				return w, fmt.Errorf("wildcard %q: consecutive * are not allowed", s)
			}
			w.parts = append(w.parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	w.parts = append(w.parts, cur.String())
	w.text = s
	return w, nil
}

func parseWildcard(val json.RawMessage) (matcher, error) {
	s, err := parseString(val, opWildcard)
	if err != nil {
		return nil, err
	}
	return parseWildcardString(s)
}

var numericOps = map[string]bool{"=": true, "<": true, "<=": true, ">": true, ">=": true}

func parseNumeric(val json.RawMessage) (matcher, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(val, &items); err != nil || (len(items) != 2 && len(items) != 4) {
		return nil, fmt.Errorf("numeric: want [op, number] or [op, number, op, number], found %s", val)
	}
	var n numeric
	for i := 0; i < len(items); i += 2 {
		op, err := parseString(items[i], "numeric operator")
		if err != nil || !numericOps[op] {
			return nil, fmt.Errorf("numeric: %s is not one of =, <, <=, >, >=", items[i])
		}
		f, err := parseNumber(items[i+1])
		if err != nil {
			return nil, fmt.Errorf("numeric: %w", err)
		}
		n = append(n, comparison{op, f, string(items[i+1])})
	}
	if len(n) == 2 {
		lower := n[0].op == ">" || n[0].op == ">="
		upper := n[1].op == "<" || n[1].op == "<="
		if !lower || !upper {
			return nil, fmt.Errorf("numeric: a range is a lower bound (> or >=) then an upper bound (< or <=), found %s", val)
		}
	}
	return n, nil
}

func parseAnythingBut(val json.RawMessage) (matcher, error) {
	if len(val) == 0 {
		return nil, errors.New("anything-but: missing value")
	}
	switch val[0] {
	case '{':
		op, v, err := single(val, opAnythingBut)
		if err != nil {
			return nil, err
		}
		switch op {
		case opPrefix, opSuffix:
			s, err := parseString(v, opAnythingBut+" "+op)
			if err != nil {
				return nil, err
			}
			return affix{s: s, suffix: op == opSuffix, negate: true}, nil
		case opIgnoreCase:
			ss, err := parseStrings(v, opAnythingBut+" "+op)
			if err != nil {
				return nil, err
			}
			return anythingButFold(ss), nil
		case opWildcard:
			ss, err := parseStrings(v, opAnythingBut+" "+op)
			if err != nil {
				return nil, err
			}
			var ws anythingButWildcard
			for _, s := range ss {
				w, err := parseWildcardString(s)
				if err != nil {
					return nil, fmt.Errorf("anything-but: %w", err)
				}
				ws = append(ws, w)
			}
			return ws, nil
		}
		return nil, fmt.Errorf("anything-but: unsupported operator %q", op)
	case '"':
		s, _ := parseString(val, opAnythingBut)
		return anythingBut{strs: []string{s}}, nil
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(val, &items); err != nil || len(items) == 0 {
			return nil, fmt.Errorf("anything-but: want a non-empty array of strings or of numbers, found %s", val)
		}
		var a anythingBut
		for _, it := range items {
			if len(it) > 0 && it[0] == '"' {
				s, _ := parseString(it, opAnythingBut)
				a.strs = append(a.strs, s)
				continue
			}
			f, err := parseNumber(it)
			if err != nil {
				return nil, fmt.Errorf("anything-but: want strings or numbers, found %s", it)
			}
			a.nums = append(a.nums, f)
			a.numText = append(a.numText, string(it))
		}
		if len(a.strs) > 0 && len(a.nums) > 0 {
			return nil, fmt.Errorf("anything-but: a list holds only strings or only numbers, found %s", val)
		}
		return a, nil
	default:
		f, err := parseNumber(val)
		if err != nil {
			return nil, fmt.Errorf("anything-but: want a string, a number, a list or an operator, found %s", val)
		}
		return anythingBut{nums: []float64{f}, numText: []string{string(val)}}, nil
	}
}
