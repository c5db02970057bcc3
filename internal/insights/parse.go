package insights

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrUnsupported is wrapped when a query uses a part of the language the
// evaluator does not implement (see the package documentation).
var ErrUnsupported = errors.New("not supported by this evaluator")

// Query is a parsed Logs Insights query: its commands in order.
type Query struct {
	Text     string
	commands []command
}

type command interface{ isCommand() }

type fieldsCmd struct{ names []string }
type filterCmd struct{ expr expr }
type statsCmd struct {
	aggs []agg
	by   []groupKey
}
type sortCmd struct{ keys []sortKey }
type limitCmd struct{ n int }

func (fieldsCmd) isCommand() {}
func (filterCmd) isCommand() {}
func (statsCmd) isCommand()  {}
func (sortCmd) isCommand()   {}
func (limitCmd) isCommand()  {}

type agg struct {
	fn    string // count, sum, avg, min, max
	field string // "" for count(*)
	name  string
}

type groupKey struct {
	field string
	bin   time.Duration // > 0 for bin(period) of @timestamp
	name  string
}

type sortKey struct {
	field string
	desc  bool
}

// Parse reads q. A command, operator or function outside the subset the
// package documents is an error wrapping ErrUnsupported.
func Parse(q string) (*Query, error) {
	toks, err := lex(q)
	if err != nil {
		return nil, err
	}
	out := &Query{Text: q}
	for _, part := range splitPipes(toks) {
		if len(part) == 0 {
			return nil, errors.New("parsing query: an empty command between pipes")
		}
		p := &parser{toks: part}
		c, err := p.command()
		if err != nil {
			return nil, fmt.Errorf("parsing query: %w", err)
		}
		if !p.done() {
			return nil, fmt.Errorf("parsing query: %s: unexpected %q", part[0].text, p.peek().text)
		}
		out.commands = append(out.commands, c)
	}
	if len(out.commands) == 0 {
		return nil, errors.New("parsing query: no command")
	}
	return out, nil
}

type tokKind int

const (
	tIdent tokKind = iota
	tString
	tNumber
	tRegex
	tPunct
)

type token struct {
	kind tokKind
	text string
}

func lex(q string) ([]token, error) {
	var toks []token
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '"' || c == '\'':
			j := i + 1
			var b strings.Builder
			for j < len(q) && q[j] != c {
				if q[j] == '\\' && j+1 < len(q) {
					j++
				}
				b.WriteByte(q[j])
				j++
			}
			if j >= len(q) {
				return nil, fmt.Errorf("parsing query: unterminated string at offset %d", i)
			}
			toks = append(toks, token{tString, b.String()})
			i = j + 1
		case c == '/' && lastAllowsRegex(toks):
			j := i + 1
			for j < len(q) && q[j] != '/' {
				if q[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(q) {
				return nil, fmt.Errorf("parsing query: unterminated regular expression at offset %d", i)
			}
			toks = append(toks, token{tRegex, q[i+1 : j]})
			i = j + 1
		case c >= '0' && c <= '9':
			j := i
			for j < len(q) && (q[j] >= '0' && q[j] <= '9' || q[j] == '.' || q[j] >= 'a' && q[j] <= 'z') {
				j++
			}
			toks = append(toks, token{tNumber, q[i:j]})
			i = j
		case c == '@' || c == '_' || c == '`' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			if c == '`' {
				j := strings.IndexByte(q[i+1:], '`')
				if j < 0 {
					return nil, fmt.Errorf("parsing query: unterminated `field` at offset %d", i)
				}
				toks = append(toks, token{tIdent, q[i+1 : i+1+j]})
				i += j + 2
				continue
			}
			j := i + 1
			for j < len(q) && (q[j] == '_' || q[j] == '.' || q[j] == '@' || q[j] >= 'a' && q[j] <= 'z' || q[j] >= 'A' && q[j] <= 'Z' || q[j] >= '0' && q[j] <= '9') {
				j++
			}
			toks = append(toks, token{tIdent, q[i:j]})
			i = j
		default:
			for _, p := range []string{"!=", "<=", ">=", "=", "<", ">", "(", ")", "[", "]", ",", "|", "*"} {
				if strings.HasPrefix(q[i:], p) {
					toks = append(toks, token{tPunct, p})
					i += len(p)
					goto next
				}
			}
			return nil, fmt.Errorf("parsing query: unexpected %q at offset %d", c, i)
		next:
		}
	}
	return toks, nil
}

// lastAllowsRegex reports whether a "/" starts a regular expression: after
// like.
func lastAllowsRegex(toks []token) bool {
	return len(toks) > 0 && toks[len(toks)-1].kind == tIdent && strings.EqualFold(toks[len(toks)-1].text, "like")
}

func splitPipes(toks []token) [][]token {
	var out [][]token
	cur := []token{}
	for _, t := range toks {
		if t.kind == tPunct && t.text == "|" {
			out = append(out, cur)
			cur = []token{}
			continue
		}
		cur = append(cur, t)
	}
	return append(out, cur)
}

type parser struct {
	toks []token
	pos  int
}

func (p *parser) done() bool { return p.pos >= len(p.toks) }

func (p *parser) peek() token {
	if p.done() {
		return token{kind: tPunct, text: "end of command"}
	}
	return p.toks[p.pos]
}

func (p *parser) next() token { t := p.peek(); p.pos++; return t }

func (p *parser) isWord(w string) bool {
	t := p.peek()
	return !p.done() && t.kind == tIdent && strings.EqualFold(t.text, w)
}

func (p *parser) isPunct(s string) bool {
	t := p.peek()
	return !p.done() && t.kind == tPunct && t.text == s
}

func (p *parser) expectPunct(s string) error {
	if !p.isPunct(s) {
		return fmt.Errorf("want %q, found %q", s, p.peek().text)
	}
	p.pos++
	return nil
}

func (p *parser) field() (string, error) {
	t := p.next()
	if t.kind != tIdent {
		return "", fmt.Errorf("want a field name, found %q", t.text)
	}
	return t.text, nil
}

func (p *parser) command() (command, error) {
	t := p.next()
	switch strings.ToLower(t.text) {
	case "fields":
		var c fieldsCmd
		for {
			f, err := p.field()
			if err != nil {
				return nil, fmt.Errorf("fields: %w", err)
			}
			if p.isPunct("(") || p.isWord("as") {
				return nil, fmt.Errorf("fields: functions and aliases: %w", ErrUnsupported)
			}
			c.names = append(c.names, f)
			if !p.isPunct(",") {
				return c, nil
			}
			p.pos++
		}
	case "filter":
		e, err := p.or()
		if err != nil {
			return nil, fmt.Errorf("filter: %w", err)
		}
		return filterCmd{e}, nil
	case "stats":
		return p.stats()
	case "sort":
		var c sortKeysBuilder
		return c.parse(p)
	case "limit":
		n := p.next()
		v, err := strconv.Atoi(n.text)
		if n.kind != tNumber || err != nil || v < 1 {
			return nil, fmt.Errorf("limit: %q is not a positive number", n.text)
		}
		return limitCmd{v}, nil
	}
	return nil, fmt.Errorf("command %q: %w", t.text, ErrUnsupported)
}

type sortKeysBuilder struct{}

func (sortKeysBuilder) parse(p *parser) (command, error) {
	var c sortCmd
	for {
		f, err := p.field()
		if err != nil {
			return nil, fmt.Errorf("sort: %w", err)
		}
		k := sortKey{field: f}
		switch {
		case p.isWord("desc"):
			k.desc = true
			p.pos++
		case p.isWord("asc"):
			p.pos++
		}
		c.keys = append(c.keys, k)
		if !p.isPunct(",") {
			return c, nil
		}
		p.pos++
	}
}

func (p *parser) stats() (command, error) {
	var c statsCmd
	for {
		fn, err := p.field()
		if err != nil {
			return nil, fmt.Errorf("stats: %w", err)
		}
		fn = strings.ToLower(fn)
		switch fn {
		case "count", "sum", "avg", "min", "max":
		default:
			return nil, fmt.Errorf("stats: function %q: %w", fn, ErrUnsupported)
		}
		if err := p.expectPunct("("); err != nil {
			return nil, fmt.Errorf("stats: %s: %w", fn, err)
		}
		a := agg{fn: fn}
		if p.isPunct("*") && fn == "count" {
			p.pos++
		} else if a.field, err = p.field(); err != nil {
			return nil, fmt.Errorf("stats: %s: %w", fn, err)
		}
		if err := p.expectPunct(")"); err != nil {
			return nil, fmt.Errorf("stats: %s: %w", fn, err)
		}
		a.name = fn + "(" + a.field + ")"
		if a.field == "" {
			a.name = "count(*)"
		}
		if p.isWord("as") {
			p.pos++
			if a.name, err = p.field(); err != nil {
				return nil, fmt.Errorf("stats: as: %w", err)
			}
		}
		c.aggs = append(c.aggs, a)
		if !p.isPunct(",") {
			break
		}
		p.pos++
	}
	if !p.isWord("by") {
		return c, nil
	}
	p.pos++
	for {
		f, err := p.field()
		if err != nil {
			return nil, fmt.Errorf("stats: by: %w", err)
		}
		k := groupKey{field: f, name: f}
		if strings.EqualFold(f, "bin") {
			if err := p.expectPunct("("); err != nil {
				return nil, fmt.Errorf("stats: bin: %w", err)
			}
			n := p.next()
			d, err := parsePeriod(n.text)
			if n.kind != tNumber || err != nil {
				return nil, fmt.Errorf("stats: bin: %q is not a period such as 5m", n.text)
			}
			if err := p.expectPunct(")"); err != nil {
				return nil, fmt.Errorf("stats: bin: %w", err)
			}
			k = groupKey{field: "@timestamp", bin: d, name: "bin(" + n.text + ")"}
		} else if p.isPunct("(") {
			return nil, fmt.Errorf("stats: by %s(...): %w", f, ErrUnsupported)
		}
		if p.isWord("as") {
			p.pos++
			if k.name, err = p.field(); err != nil {
				return nil, fmt.Errorf("stats: as: %w", err)
			}
		}
		c.by = append(c.by, k)
		if !p.isPunct(",") {
			return c, nil
		}
		p.pos++
	}
}

// parsePeriod reads a bin period: a number and s, m, h or d.
func parsePeriod(s string) (time.Duration, error) {
	units := map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour}
	if len(s) < 2 {
		return 0, errors.New("too short")
	}
	u, ok := units[s[len(s)-1]]
	n, err := strconv.Atoi(s[:len(s)-1])
	if !ok || err != nil || n < 1 {
		return 0, errors.New("not a period")
	}
	return time.Duration(n) * u, nil
}
