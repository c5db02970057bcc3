package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/pattern"
)

// This file turns a route's selection into the conditions of its rule
// pattern: each condition is a list of alternatives (terms), the pattern
// their AND; pattern.go lays them out under EventBridge's limits.

// MaxAlternatives caps the alternatives of a route's conditions, ORed
// under "$or" (or over several rules), before they are laid out: a bound
// on the work and on the pattern size, which EventBridge caps at
// MaxPatternSize characters anyway.
const MaxAlternatives = 64

// clientIDRE is Cognito's app client id: 1 to 128 word characters or +.
var clientIDRE = regexp.MustCompile(`^[\w+]{1,128}$`)

// recordShape is the CloudTrail record's shape: events.Record's fields,
// with requestParameters, responseElements, additionalEventData and
// serviceEventDetails open.
var recordShape = pattern.ShapeOf(reflect.TypeFor[events.Record]())

// leaf is one field test of the pattern under detail: the field's path
// and its value list, compact JSON. origin names the selection key it
// comes from, for errors.
type leaf struct {
	path   []string
	list   json.RawMessage
	origin string
}

func (l leaf) name() string { return strings.Join(l.path, ".") }

// term is one alternative: tests that must all hold.
type term []leaf

func stringList(ss []string) json.RawMessage {
	b, _ := json.Marshal(ss) // strings always encode
	return b
}

// conditions are the route's selection less its operations, each a list
// of alternatives: the failed-call filter, the pool filter, the client-id
// filter and selection.match, in that order.
// The pool and client filters test only the places given: those where the
// rule's operations carry the ids (events.Operation.PoolIDPlaces and
// ClientIDPlaces, grouped by idGroups).
func (r *Route) conditions(poolPlaces, clientPlaces []events.Place) ([][]term, error) {
	sel := r.Selection
	var groups [][]term
	if !sel.IncludeFailed {
		groups = append(groups, []term{
			{{path: []string{"errorCode"}, list: json.RawMessage(`[{"exists":false}]`), origin: "selection.includeFailed"}},
			{{path: []string{"errorCode"}, list: json.RawMessage(`[""]`), origin: "selection.includeFailed"}},
		})
	}
	if ids := sel.UserPoolIDs; len(ids) > 0 {
		var g []term
		for _, loc := range poolPlaces {
			g = append(g, term{{path: loc, list: stringList(ids), origin: "selection.userPoolIds"}})
		}
		groups = append(groups, g)
	}
	if ids := sel.ClientIDs; len(ids) > 0 {
		for i, id := range ids {
			if !clientIDRE.MatchString(id) {
				return nil, fmt.Errorf("selection.clientIds[%d]: %q is not an app client id (1 to 128 letters, digits, _ or +)", i, id)
			}
		}
		var g []term
		for _, loc := range clientPlaces {
			g = append(g, term{{path: loc, list: stringList(ids), origin: "selection.clientIds"}})
		}
		groups = append(groups, g)
	}
	if m := bytes.TrimSpace(sel.Match); len(m) > 0 && string(m) != "null" {
		terms, err := matchTerms(m)
		if err != nil {
			return nil, err
		}
		groups = append(groups, terms)
	}
	return groups, nil
}

// matchTerms validates selection.match against EventBridge's grammar and
// the record's shape (package pattern) and expands it into alternatives.
func matchTerms(fragment []byte) ([]term, error) {
	if _, err := pattern.CheckFragment(fragment, recordShape); err != nil {
		var pe *pattern.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s: %w", matchPath(pe.Path), pe.Err)
		}
		return nil, fmt.Errorf("selection.match: %s", strings.TrimPrefix(err.Error(), pattern.ErrInvalid.Error()+": "))
	}
	return expand(fragment, nil, "")
}

func matchPath(loc string) string {
	if loc == "" {
		return "selection.match"
	}
	return "selection.match." + loc
}

// member is one key of a JSON object, in the object's order.
type member struct {
	key string
	val json.RawMessage
}

// members reads the members of a JSON object CheckFragment accepted.
func members(obj []byte) []member {
	dec := json.NewDecoder(bytes.NewReader(obj))
	_, _ = dec.Token() // '{'
	var out []member
	for dec.More() {
		tok, _ := dec.Token()
		key, _ := tok.(string)
		var val json.RawMessage
		_ = dec.Decode(&val)
		out = append(out, member{key, val})
	}
	return out
}

// expand returns the alternatives of a pattern object at path: the
// product of its fields' alternatives, each "$or" contributing the union
// of its patterns'.
func expand(obj []byte, path []string, loc string) ([]term, error) {
	out := []term{{}}
	for _, m := range members(obj) {
		var part []term
		fieldLoc := m.key
		if loc != "" {
			fieldLoc = loc + "." + m.key
		}
		switch {
		case m.key == "$or":
			var alts []json.RawMessage
			_ = json.Unmarshal(m.val, &alts)
			for i, a := range alts {
				sub, err := expand(a, path, fmt.Sprintf("%s[%d]", fieldLoc, i))
				if err != nil {
					return nil, err
				}
				part = append(part, sub...)
			}
		case m.val[0] == '{':
			sub, err := expand(m.val, append(path[:len(path):len(path)], m.key), fieldLoc)
			if err != nil {
				return nil, err
			}
			part = sub
		default:
			var b bytes.Buffer
			_ = json.Compact(&b, m.val) // valid JSON: CheckFragment read it
			part = []term{{{path: append(path[:len(path):len(path)], m.key), list: b.Bytes(), origin: matchPath(fieldLoc)}}}
		}
		var err error
		if out, err = product(out, part); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// product ANDs two lists of alternatives: every pair merged.
func product(a, b []term) ([]term, error) {
	if len(a)*len(b) > MaxAlternatives {
		return nil, fmt.Errorf("selection: the conditions expand to %d alternatives (%d × %d), more than %d: EventBridge's \"$or\" ORs patterns, so ANDing alternatives multiplies them; list fewer user pools, client ids or selection.match alternatives, or split the selection over several routes", len(a)*len(b), len(a), len(b), MaxAlternatives)
	}
	out := make([]term, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			t, err := merge(x, y)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
		}
	}
	return out, nil
}

// merge ANDs two terms. A pattern tests a field once, so two different
// tests of one field (or of a field and a field inside it) are an error
// naming both.
func merge(x, y term) (term, error) {
	t := append(term(nil), x...)
next:
	for _, l := range y {
		for _, k := range t {
			if k.name() == l.name() && bytes.Equal(k.list, l.list) {
				continue next
			}
			if err := clash(k, l); err != nil {
				return nil, err
			}
		}
		t = append(t, l)
	}
	return t, nil
}

// clash is the error of two tests of one field; nil when the fields differ.
func clash(k, l leaf) error {
	a, b := k.name(), l.name()
	if a != b && !strings.HasPrefix(a, b+".") && !strings.HasPrefix(b, a+".") {
		return nil
	}
	hint := "an EventBridge pattern tests each field once"
	switch k.origin {
	case "selection.includeFailed":
		hint = "set selection.includeFailed to test errorCode yourself"
	case "selection.userPoolIds":
		hint = "leave selection.userPoolIds out to test the pool yourself"
	case "selection.clientIds":
		hint = "leave selection.clientIds out to test the client id yourself"
	case "selection.operations":
		hint = "select operations with selection.operations only"
	}
	return fmt.Errorf("%s: detail.%s is already tested by %s: %s", l.origin, b, k.origin, hint)
}
