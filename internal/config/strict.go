package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/cognito-events/cognito-events/events"
)

// UnknownKeyError is a key of the configuration that no field declares,
// compared exactly, case included: encoding/json matches keys without
// regard to case, so "includeReadonly" would silently set includeReadOnly
// and a check after decoding could not see it.
type UnknownKeyError struct {
	// Route and Index name the route the key is in; Index is -1 outside
	// the routes.
	Route string
	Index int
	// Path is the key's JSON path: within the route when Index >= 0
	// ("selection.userPoolID"), from the top otherwise.
	Path string
	// Key is the key as written; Suggestion is the nearest known key, or
	// empty; Known lists the keys allowed where Key was found.
	Key        string
	Suggestion string
	Known      []string
}

func (e *UnknownKeyError) Error() string {
	var b strings.Builder
	if e.Index >= 0 {
		fmt.Fprintf(&b, "route %q (routes[%d]): ", e.Route, e.Index)
	}
	fmt.Fprintf(&b, "%s: unknown field %q", e.Path, e.Key)
	if e.Suggestion != "" {
		fmt.Fprintf(&b, ": did you mean %q?", e.Suggestion)
	} else {
		fmt.Fprintf(&b, ": known keys here are %s", strings.Join(e.Known, ", "))
	}
	return b.String()
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// checkKeys walks data against the type of v and returns an
// *UnknownKeyError for the first key, in document order, that no field of
// the struct at that place declares with exactly that name. Values of
// types that decode themselves (json.RawMessage, such as selection.match,
// which internal/pattern checks) are skipped. Malformed JSON is left to
// the decoder.
func checkKeys(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	err := walkKeys(dec, reflect.TypeOf(v), "")
	var uk *UnknownKeyError
	if !errors.As(err, &uk) {
		return nil
	}
	uk.Index = -1
	if rest, ok := strings.CutPrefix(uk.Path, "routes["); ok {
		idx, tail, _ := strings.Cut(rest, "]")
		if i, err := strconv.Atoi(idx); err == nil {
			uk.Index = i
			uk.Path = strings.TrimPrefix(tail, ".")
			uk.Route = routeName(data, i)
		}
	}
	return uk
}

// routeName reads the name of routes[i] without the rest of the
// configuration, for an error found before decoding.
func routeName(data []byte, i int) string {
	var probe struct {
		Routes []map[string]json.RawMessage `json:"routes"`
	}
	if json.Unmarshal(data, &probe) != nil || i >= len(probe.Routes) {
		return ""
	}
	var name string
	_ = json.Unmarshal(probe.Routes[i]["name"], &name)
	return name
}

// jsonFields returns the exact JSON names of t's fields, embedded structs
// without a tag flattened as encoding/json does.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range jsonFields(ft) {
					if _, ok := out[k]; !ok {
						out[k] = v
					}
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

func walkKeys(dec *json.Decoder, t reflect.Type, path string) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && reflect.PointerTo(t).Implements(unmarshalerType) {
		t = nil // decodes itself: skip, checking nothing below
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	switch delim {
	case '{':
		var fields map[string]reflect.Type
		var elem reflect.Type
		switch {
		case t == nil:
		case t.Kind() == reflect.Struct:
			fields = jsonFields(t)
		case t.Kind() == reflect.Map:
			elem = t.Elem()
		}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := kt.(string)
			at := key
			if path != "" {
				at = path + "." + key
			}
			next := elem
			if fields != nil {
				ft, ok := fields[key]
				if !ok {
					return unknownKey(at, key, fields)
				}
				next = ft
			}
			if err := walkKeys(dec, next, at); err != nil {
				return err
			}
		}
	case '[':
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; dec.More(); i++ {
			if err := walkKeys(dec, elem, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	}
	_, err = dec.Token() // the closing delimiter
	return err
}

func unknownKey(path, key string, fields map[string]reflect.Type) error {
	known := make([]string, 0, len(fields))
	for k := range fields {
		known = append(known, k)
	}
	slices.Sort(known)
	best, bestD := "", len(key)/3+2
	lk := strings.ToLower(key)
	for _, k := range known {
		if strings.ToLower(k) == lk {
			best, bestD = k, 0
			break
		}
		if d := events.EditDistance(lk, strings.ToLower(k)); d < bestD {
			best, bestD = k, d
		}
	}
	return &UnknownKeyError{Path: path, Key: key, Suggestion: best, Known: known}
}
