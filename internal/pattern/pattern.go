package pattern

import (
	"encoding/json"
	"errors"
	"fmt"
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
func Compile(pattern []byte) (*Pattern, error) { return compile(pattern, nil) }

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

// parseObject reads the members of an object whose '{' was just read. path
// is the object's place in the event; loc its place in the pattern text
// (which also counts "$or" alternatives), for errors; shape, when not nil,
// is what the event holds there (CheckFragment).
func parseObject(dec *json.Decoder, path []string, loc string, shape *Shape) (*object, error) {
	o := &object{path: joinPath(path)}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, invalidAt(loc, "reading JSON: %w", err)
		}
		key, _ := tok.(string) // object keys are always strings
		if seen[key] {
			return nil, invalidAt(loc, "field %q appears twice", key)
		}
		seen[key] = true
		field := childPath(path, key)
		fieldLoc := childLoc(loc, key)
		var sub *Shape
		if shape != nil && key != orKey {
			if sub, err = shape.child(key, fieldLoc); err != nil {
				return nil, err
			}
		}
		tok, err = dec.Token()
		if err != nil {
			return nil, invalidAt(fieldLoc, "reading JSON: %w", err)
		}
		switch {
		case key == orKey && tok == json.Delim('['):
			if err := parseAlternatives(dec, o, path, loc, shape); err != nil {
				return nil, err
			}
		case key == orKey:
			return nil, invalidAt(fieldLoc, "want an array of patterns, found %s", describeToken(tok))
		case tok == json.Delim('{'):
			if sub.isLeaf() {
				return nil, invalidAt(fieldLoc, "want an array of values: %s holds a single value, not an object", fieldLoc)
			}
			parsed, err := parseObject(dec, field, fieldLoc, sub)
			if err != nil {
				return nil, err
			}
			o.nested = append(o.nested, parsed)
		case tok == json.Delim('['):
			if sub.isObject() {
				return nil, invalidAt(fieldLoc, "want a nested object: %s is an object (%s), test its fields", fieldLoc, sub.fieldList())
			}
			lf, err := parseValues(dec, field, fieldLoc)
			if err != nil {
				return nil, err
			}
			o.leaves = append(o.leaves, lf)
		default:
			return nil, invalidAt(fieldLoc, "want an array of values or a nested object, found %s", describeToken(tok))
		}
	}
	if _, err := dec.Token(); err != nil { // '}'
		return nil, invalidAt(loc, "reading JSON: %w", err)
	}
	if len(o.leaves)+len(o.nested)+len(o.alts) == 0 {
		return nil, invalidAt(loc, "empty object: a pattern object needs at least one field")
	}
	return o, nil
}

// childLoc is the place of key inside the pattern object at loc.
func childLoc(loc, key string) string {
	if loc == "" {
		return key
	}
	return loc + "." + key
}

// parseAlternatives reads the patterns of a "$or" whose '[' was just read.
func parseAlternatives(dec *json.Decoder, o *object, path []string, loc string, shape *Shape) error {
	name := childLoc(loc, orKey)
	for dec.More() {
		altLoc := fmt.Sprintf("%s[%d]", name, len(o.alts))
		tok, err := dec.Token()
		if err != nil {
			return invalidAt(name, "reading JSON: %w", err)
		}
		if tok != json.Delim('{') {
			return invalidAt(altLoc, "want a pattern object, found %s", describeToken(tok))
		}
		alt, err := parseObject(dec, path, altLoc, shape)
		if err != nil {
			return err
		}
		o.alts = append(o.alts, alt)
	}
	if _, err := dec.Token(); err != nil { // ']'
		return invalidAt(name, "reading JSON: %w", err)
	}
	if len(o.alts) < 2 {
		return invalidAt(name, "want at least two alternatives, found %d", len(o.alts))
	}
	return nil
}

// parseValues reads a field's list of matchers whose '[' was just read.
func parseValues(dec *json.Decoder, path []string, loc string) (*leafField, error) {
	lf := &leafField{path: path, name: joinPath(path)}
	for dec.More() {
		at := fmt.Sprintf("%s[%d]", loc, len(lf.matchers))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, invalidAt(loc, "reading JSON: %w", err)
		}
		m, err := parseMatcher(raw)
		if err != nil {
			return nil, invalidAt(at, "%w", err)
		}
		if e, ok := m.(existsMatcher); ok {
			lf.exists = new(bool(e))
		}
		lf.matchers = append(lf.matchers, m)
	}
	if _, err := dec.Token(); err != nil { // ']'
		return nil, invalidAt(loc, "reading JSON: %w", err)
	}
	if len(lf.matchers) == 0 {
		return nil, invalidAt(loc, "empty array: list at least one value")
	}
	if lf.exists != nil && len(lf.matchers) > 1 {
		return nil, invalidAt(loc, "an exists test cannot be combined with other values in one list (use $or)")
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
