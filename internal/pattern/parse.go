package pattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"strings"
)

// This file reads the operators of a value list ({"prefix": ...},
// {"anything-but": ...}, ...) into matchers; pattern.go reads the objects
// and lists around them.

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
	return nil, unknownOperator(op, operators)
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
			return nil, fmt.Errorf("%s: %w", op, unknownOperator(inner, []string{opIgnoreCase}))
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
		return nil, fmt.Errorf("anything-but: %w", unknownOperator(op, []string{opPrefix, opSuffix, opIgnoreCase, opWildcard}))
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
