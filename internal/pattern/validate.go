package pattern

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/cognito-events/cognito-events/events"
)

// This file names where a pattern is wrong (PathError), suggests what was
// meant, and checks a pattern fragment against the shape of the part of
// the event it tests (CheckFragment).

// PathError is every error of Compile and CheckFragment about a place in
// the pattern: Path is that place, the pattern's keys joined by dots with
// the index of a value or of a "$or" alternative in brackets
// ("requestParameters.clientName[0]", "$or[1].eventName"); "" is the
// pattern object itself. It wraps ErrInvalid.
type PathError struct {
	Path string
	Err  error
}

func (e *PathError) Error() string {
	where := e.Path
	if where == "" {
		where = "pattern"
	}
	return fmt.Sprintf("%v: %s: %v", ErrInvalid, where, e.Err)
}

// Unwrap returns the cause.
func (e *PathError) Unwrap() error { return e.Err }

// Is reports ErrInvalid.
func (e *PathError) Is(target error) bool { return target == ErrInvalid }

func invalidAt(loc, format string, args ...any) error {
	return &PathError{Path: loc, Err: fmt.Errorf(format, args...)}
}

// operators are the operator names of the pattern language, for
// suggestions.
var operators = []string{opExists, opAnythingBut, opPrefix, opSuffix, opIgnoreCase, opWildcard, opNumeric, opCIDR}

// operatorAliases are names other filter languages use for an operator.
var operatorAliases = map[string]string{
	"startswith": opPrefix, "beginswith": opPrefix, "starts-with": opPrefix,
	"endswith": opSuffix, "ends-with": opSuffix,
	"contains": opWildcard, "like": opWildcard, "glob": opWildcard, "shellstyle": opWildcard,
	"not": opAnythingBut, "ne": opAnythingBut, "anythingbut": opAnythingBut, "not-in": opAnythingBut, "notin": opAnythingBut,
	"ignorecase": opIgnoreCase, "equalsignorecase": opIgnoreCase, "iequals": opIgnoreCase,
	"exist": opExists, "present": opExists,
	"range": opNumeric, "gt": opNumeric, "lt": opNumeric, "gte": opNumeric, "lte": opNumeric, "eq": opNumeric,
	"ip": opCIDR, "ipaddress": opCIDR, "subnet": opCIDR,
}

// unknownOperator is the error of an operator the language does not have,
// with the one that was probably meant.
func unknownOperator(op string, allowed []string) error {
	if s := suggest(op, allowed, operatorAliases); s != "" {
		return fmt.Errorf("unknown operator %q: did you mean %q?", op, s)
	}
	return fmt.Errorf("unknown operator %q: want one of %s", op, strings.Join(allowed, ", "))
}

// suggest returns the candidate closest to name: an alias's target, a
// case-insensitive or punctuation-insensitive equal, or one within a small
// edit distance; "" when none is close.
func suggest(name string, candidates []string, aliases map[string]string) string {
	norm := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == '-' || r == '_' || r == ' ' {
				return -1
			}
			return r
		}, strings.ToLower(s))
	}
	n := norm(name)
	if a, ok := aliases[n]; ok && slices.Contains(candidates, a) {
		return a
	}
	best, bestD := "", len(name)/3+2
	for _, c := range candidates {
		if norm(c) == n {
			return c
		}
		if d := events.EditDistance(n, norm(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// Shape is what an event holds at one place: an object whose fields are
// known (Fields), an object that may hold any field (Open), or, with
// neither, a single value (or an array of values).
type Shape struct {
	Fields map[string]*Shape
	Open   bool
}

// ShapeOf is the shape of the JSON encoding of values of type t: a
// struct's fields by their json tags, json.RawMessage open, slices and
// pointers their elements' shape, anything else a value.
func ShapeOf(t reflect.Type) *Shape {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice && t != rawMessageType {
		t = t.Elem()
	}
	if t == rawMessageType || t.Kind() == reflect.Map || t.Kind() == reflect.Interface {
		return &Shape{Open: true}
	}
	if t.Kind() != reflect.Struct {
		return &Shape{}
	}
	s := &Shape{Fields: map[string]*Shape{}}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		s.Fields[name] = ShapeOf(f.Type)
	}
	return s
}

var rawMessageType = reflect.TypeFor[json.RawMessage]()

func (s *Shape) isLeaf() bool   { return s != nil && s.Fields == nil && !s.Open }
func (s *Shape) isObject() bool { return s != nil && s.Fields != nil }

func (s *Shape) fieldList() string {
	keys := make([]string, 0, len(s.Fields))
	for k := range s.Fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return list(keys)
}

// child returns the shape of field key, or an error at loc when the shape
// has no such field. An open shape's children are unchecked (nil).
func (s *Shape) child(key, loc string) (*Shape, error) {
	if s.Open || s.Fields == nil {
		return nil, nil
	}
	if c, ok := s.Fields[key]; ok {
		return c, nil
	}
	names := make([]string, 0, len(s.Fields))
	for k := range s.Fields {
		names = append(names, k)
	}
	slices.Sort(names)
	if sg := suggest(key, names, nil); sg != "" {
		return nil, invalidAt(loc, "unknown field %q: did you mean %q?", key, sg)
	}
	return nil, invalidAt(loc, "unknown field %q: the event has no such field here; it has %s", key, list(names))
}

// CheckFragment compiles fragment, a pattern over one part of an event
// (such as the CloudTrail record under "detail") whose shape is known, as
// Compile does, and also rejects a field the shape does not have, an array
// of values where the shape has an object, and a nested object where it
// has a value. Its errors are *PathError, with paths relative to the
// fragment.
func CheckFragment(fragment []byte, shape *Shape) (*Pattern, error) {
	return compile(fragment, shape)
}

func compile(pattern []byte, shape *Shape) (*Pattern, error) {
	dec := json.NewDecoder(bytes.NewReader(pattern))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("%w: reading JSON: %w", ErrInvalid, err)
	}
	if tok != json.Delim('{') {
		return nil, fmt.Errorf("%w: want a JSON object, found %s", ErrInvalid, describeToken(tok))
	}
	root, err := parseObject(dec, nil, "", shape)
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
