package pattern

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/cognito-events/cognito-events/events"
)

// Result is the outcome of matching one event against a pattern.
type Result struct {
	Matched bool
	// Reason says why not, naming the field path and what was wanted vs
	// found, for example
	//	detail.eventName: "AdminGetUser" is not one of [CreateUserPoolClient, DeleteUserPoolClient, ...]
	//	detail.errorCode: want absent or "", found "AccessDenied"
	// Empty when Matched.
	Reason string
}

// Match evaluates the pattern against event, a JSON object (normally an
// EventBridge envelope). An event that is not a JSON object is an error
// wrapping events.ErrNotJSON; a mismatch is not an error.
func (p *Pattern) Match(event []byte) (Result, error) {
	doc, err := decodeEvent(event)
	if err != nil {
		return Result{}, err
	}
	return p.match(doc), nil
}

// An Event is an event decoded once, to be matched against several
// patterns (a rule's own and the filters its state implies) without
// decoding it again. The zero Event is an empty object.
type Event struct {
	doc map[string]any
}

// DecodeEvent decodes event, a JSON object, for MatchEvent. Its errors are
// those of Match.
func DecodeEvent(event []byte) (Event, error) {
	doc, err := decodeEvent(event)
	if err != nil {
		return Event{}, err
	}
	return Event{doc: doc}, nil
}

// MatchEvent evaluates the pattern against a decoded event, as Match does.
func (p *Pattern) MatchEvent(e Event) Result { return p.match(e.doc) }

func (p *Pattern) match(doc map[string]any) Result {
	fails := p.root.eval(doc, false)
	if len(fails) == 0 {
		return Result{Matched: true}
	}
	return Result{Reason: fails[0].String()}
}

// decodeEvent decodes a JSON object, numbers kept as json.Number.
func decodeEvent(event []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(event))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("decoding event: %w: %w", events.ErrNotJSON, err)
	}
	if doc == nil {
		return nil, fmt.Errorf("decoding event: %w: found null", events.ErrNotJSON)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("decoding event: %w: trailing data after the object", events.ErrNotJSON)
	}
	return doc, nil
}

// collect returns the leaf values of the event at path, flattening arrays,
// and whether an object (not a leaf) sits there.
func collect(node any, path []string, out []value) ([]value, bool) {
	switch n := node.(type) {
	case []any:
		var obj bool
		for _, el := range n {
			var o bool
			out, o = collect(el, path, out)
			obj = obj || o
		}
		return out, obj
	case map[string]any:
		if len(path) == 0 {
			return out, true
		}
		child, ok := n[path[0]]
		if !ok {
			return out, false
		}
		return collect(child, path[1:], out)
	}
	if len(path) > 0 {
		return out, false
	}
	switch n := node.(type) {
	case string:
		out = append(out, value{kind: kindString, str: n})
	case json.Number:
		f, err := n.Float64()
		out = append(out, value{kind: kindNumber, str: n.String(), num: f, numOK: err == nil})
	case bool:
		if n {
			out = append(out, value{kind: kindTrue})
		} else {
			out = append(out, value{kind: kindFalse})
		}
	case nil:
		out = append(out, value{kind: kindNull})
	}
	return out, false
}

// failure is one field that did not match.
type failure struct {
	path  string
	wants []want
	found string
	text  string // a whole reason, for "$or" summaries; overrides the rest
}

// maxListed caps the values a reason lists.
const maxListed = 10

func (f failure) String() string {
	if f.text != "" {
		return f.text
	}
	exact := len(f.wants) > 1
	for _, w := range f.wants {
		exact = exact && w.exact
	}
	if exact {
		names := make([]string, len(f.wants))
		for i, w := range f.wants {
			names[i] = w.bare
		}
		if f.found == foundAbsent {
			return fmt.Sprintf("%s: absent, want one of %s", f.path, list(names))
		}
		return fmt.Sprintf("%s: %s is not one of %s", f.path, f.found, list(names))
	}
	texts := make([]string, len(f.wants))
	with := f.found != foundAbsent && f.found != foundObject
	for i, w := range f.wants {
		texts[i] = w.text
		with = with && w.with
	}
	if with {
		return fmt.Sprintf("%s: no value with %s: found %s", f.path, strings.Join(texts, " or "), f.found)
	}
	return fmt.Sprintf("%s: want %s, found %s", f.path, strings.Join(texts, " or "), f.found)
}

const (
	foundAbsent = "absent"
	foundObject = "an object"
)

// match reports whether the field's values satisfy its matchers.
func (lf *leafField) match(vals []value) bool {
	if lf.exists != nil {
		return (len(vals) > 0) == *lf.exists
	}
	for _, v := range vals {
		for _, m := range lf.matchers {
			if m.matches(v) {
				return true
			}
		}
	}
	return false
}

func (lf *leafField) wants() []want {
	ws := make([]want, len(lf.matchers))
	for i, m := range lf.matchers {
		ws[i] = m.want()
	}
	return ws
}

// eval returns the fields of doc that fail the object: its leaf fields
// first, then nested objects, then its "$or". Unless all, it stops at the
// first failure.
func (o *object) eval(doc map[string]any, all bool) []failure {
	var fails []failure
	var buf [8]value
	for _, lf := range o.leaves {
		vals, obj := collect(doc, lf.path, buf[:0])
		if lf.match(vals) {
			continue
		}
		fails = append(fails, failure{path: lf.name, wants: lf.wants(), found: describeFound(vals, obj)})
		if !all {
			return fails
		}
	}
	for _, n := range o.nested {
		fails = append(fails, n.eval(doc, all)...)
		if !all && len(fails) > 0 {
			return fails
		}
	}
	if len(o.alts) > 0 {
		altFails := make([][]failure, len(o.alts))
		for i, alt := range o.alts {
			altFails[i] = alt.eval(doc, true)
			if len(altFails[i]) == 0 {
				return fails
			}
		}
		fails = append(fails, o.explainOr(altFails))
	}
	return fails
}

// explainOr summarises why no alternative of the object's "$or" matched:
// the fewest fields such that every alternative fails at one of them
// (chosen greedily, the field failing in most alternatives first), with
// what each alternative wanted there.
func (o *object) explainOr(altFails [][]failure) failure {
	key := func(f failure) string {
		if f.text != "" {
			return "\x00" + f.text
		}
		return f.path
	}
	var order []string
	covers := map[string][]int{}
	for i, fs := range altFails {
		for _, f := range fs {
			k := key(f)
			if _, ok := covers[k]; !ok {
				order = append(order, k)
			}
			if c := covers[k]; len(c) == 0 || c[len(c)-1] != i {
				covers[k] = append(c, i)
			}
		}
	}
	uncovered := make(map[int]bool, len(altFails))
	for i := range altFails {
		uncovered[i] = true
	}
	var picked []failure
	for len(uncovered) > 0 {
		best, bestN := "", 0
		for _, k := range order {
			n := 0
			for _, i := range covers[k] {
				if uncovered[i] {
					n++
				}
			}
			if n > bestN {
				best, bestN = k, n
			}
		}
		if bestN == 0 {
			break // cannot happen: every alternative failed somewhere
		}
		var merged failure
		seen := map[string]bool{}
		for _, i := range covers[best] {
			delete(uncovered, i)
			for _, f := range altFails[i] {
				if key(f) != best {
					continue
				}
				if merged.path == "" && merged.text == "" {
					merged = failure{path: f.path, found: f.found, text: f.text}
				}
				for _, w := range f.wants {
					if !seen[w.text] {
						seen[w.text] = true
						merged.wants = append(merged.wants, w)
					}
				}
			}
		}
		picked = append(picked, merged)
	}
	if len(picked) == 1 {
		return picked[0]
	}
	where := orKey
	if o.path != "" {
		where = o.path + "." + orKey
	}
	texts := make([]string, len(picked))
	for i, f := range picked {
		texts[i] = f.String()
	}
	return failure{path: where, text: fmt.Sprintf("no alternative of %s matched: %s", where, strings.Join(texts, "; "))}
}

// maxShown caps the length of an event value quoted in a reason.
const maxShown = 100

func describeFound(vals []value, obj bool) string {
	switch len(vals) {
	case 0:
		if obj {
			return foundObject
		}
		return foundAbsent
	case 1:
		return showValue(vals[0])
	}
	items := make([]string, 0, len(vals))
	for _, v := range vals {
		items = append(items, showValue(v))
	}
	return list(items)
}

func showValue(v value) string {
	switch v.kind {
	case kindString:
		s := v.str
		if r := []rune(s); len(r) > maxShown {
			s = string(r[:maxShown]) + "…"
		}
		return quote(s)
	case kindNumber:
		return v.str
	case kindTrue:
		return "true"
	case kindFalse:
		return "false"
	}
	return "null"
}

// quote writes s as a JSON string.
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

func quoteList(ss []string) string {
	if len(ss) == 1 {
		return quote(ss[0])
	}
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = quote(s)
	}
	return list(q)
}

// list writes items as [a, b, c], at most maxListed of them.
func list(items []string) string {
	if len(items) > maxListed {
		return "[" + strings.Join(items[:maxListed], ", ") + fmt.Sprintf(", ... %d more]", len(items)-maxListed)
	}
	return "[" + strings.Join(items, ", ") + "]"
}
