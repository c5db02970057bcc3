package insights

import (
	"fmt"
	"regexp"
	"strconv"
)

// Expressions of filter.

type expr interface {
	eval(r Record) bool
}

type andExpr struct{ l, r expr }
type orExpr struct{ l, r expr }
type notExpr struct{ e expr }
type presentExpr struct{ field string }
type compareExpr struct {
	field string
	op    string
	lit   value
}
type inExpr struct {
	field string
	not   bool
	lits  []value
}
type likeExpr struct {
	field string
	not   bool
	sub   string
	re    *regexp.Regexp
}

func (p *parser) or() (expr, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.isWord("or") {
		p.pos++
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = orExpr{l, r}
	}
	return l, nil
}

func (p *parser) and() (expr, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.isWord("and") {
		p.pos++
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		l = andExpr{l, r}
	}
	return l, nil
}

func (p *parser) unary() (expr, error) {
	if p.isWord("not") {
		p.pos++
		e, err := p.unary()
		if err != nil {
			return nil, err
		}
		return notExpr{e}, nil
	}
	if p.isPunct("(") {
		p.pos++
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if err := p.expectPunct(")"); err != nil {
			return nil, err
		}
		return e, nil
	}
	if p.isWord("ispresent") {
		p.pos++
		if err := p.expectPunct("("); err != nil {
			return nil, fmt.Errorf("ispresent: %w", err)
		}
		f, err := p.field()
		if err != nil {
			return nil, fmt.Errorf("ispresent: %w", err)
		}
		if err := p.expectPunct(")"); err != nil {
			return nil, fmt.Errorf("ispresent: %w", err)
		}
		return presentExpr{f}, nil
	}
	f, err := p.field()
	if err != nil {
		return nil, err
	}
	if p.isPunct("(") {
		return nil, fmt.Errorf("function %s(...): %w", f, ErrUnsupported)
	}
	not := false
	if p.isWord("not") {
		not = true
		p.pos++
	}
	switch {
	case p.isWord("in"):
		p.pos++
		if err := p.expectPunct("["); err != nil {
			return nil, fmt.Errorf("%s in: %w", f, err)
		}
		e := inExpr{field: f, not: not}
		for {
			v, err := p.literal()
			if err != nil {
				return nil, fmt.Errorf("%s in: %w", f, err)
			}
			e.lits = append(e.lits, v)
			if p.isPunct("]") {
				p.pos++
				return e, nil
			}
			if err := p.expectPunct(","); err != nil {
				return nil, fmt.Errorf("%s in: %w", f, err)
			}
		}
	case p.isWord("like"):
		p.pos++
		t := p.next()
		e := likeExpr{field: f, not: not}
		switch t.kind {
		case tString:
			e.sub = t.text
		case tRegex:
			re, err := regexp.Compile(t.text)
			if err != nil {
				return nil, fmt.Errorf("%s like /%s/: %w", f, t.text, err)
			}
			e.re = re
		default:
			return nil, fmt.Errorf("%s like: want a string or /regular expression/, found %q", f, t.text)
		}
		return e, nil
	case not:
		return nil, fmt.Errorf("%s not: want in or like", f)
	}
	op := p.next()
	switch op.text {
	case "=", "!=", "<", "<=", ">", ">=":
	default:
		return nil, fmt.Errorf("after %s: want a comparison, found %q", f, op.text)
	}
	v, err := p.literal()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", f, op.text, err)
	}
	return compareExpr{field: f, op: op.text, lit: v}, nil
}

func (p *parser) literal() (value, error) {
	t := p.next()
	switch t.kind {
	case tString:
		return value{s: t.text, isStr: true}, nil
	case tNumber:
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return value{}, fmt.Errorf("%q is not a number", t.text)
		}
		return value{n: f}, nil
	}
	return value{}, fmt.Errorf("want a string or number literal, found %q (comparing two fields: %w)", t.text, ErrUnsupported)
}
