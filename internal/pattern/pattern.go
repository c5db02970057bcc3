package pattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
