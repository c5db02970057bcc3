package insights

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// value is one field's value: a string or a number.
type value struct {
	s     string
	n     float64
	isStr bool
}

func (v value) String() string {
	if v.isStr {
		return v.s
	}
	return strconv.FormatFloat(v.n, 'f', -1, 64)
}

func (v value) number() (float64, bool) {
	if !v.isStr {
		return v.n, true
	}
	f, err := strconv.ParseFloat(v.s, 64)
	return f, err == nil
}

// Record is one log event as Logs Insights sees it: the fields it
// discovers in a JSON line (nested keys joined with dots, array elements
// as key.0, key.1, ...; null values absent), and @timestamp, @message,
// @log and @logStream.
type Record struct {
	fields map[string]value
}

// Field returns a field's value as text, and whether the record has it.
func (r Record) Field(name string) (string, bool) {
	v, ok := r.fields[name]
	return v.String(), ok
}

// FromLine makes the record of one log event: message is the line, at
// its timestamp, group and stream where it was logged. A line that is not
// a JSON object has only the @ fields.
func FromLine(message string, at time.Time, group, stream string) Record {
	r := Record{fields: map[string]value{
		"@timestamp": {n: float64(at.UnixMilli())},
		"@message":   {s: message, isStr: true},
		"@log":       {s: group, isStr: true},
		"@logStream": {s: stream, isStr: true},
	}}
	var obj map[string]any
	dec := json.NewDecoder(strings.NewReader(message))
	dec.UseNumber()
	if dec.Decode(&obj) == nil {
		flatten(r.fields, "", obj)
	}
	return r
}

func flatten(into map[string]value, prefix string, v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			flatten(into, join(prefix, k), e)
		}
	case []any:
		for i, e := range x {
			flatten(into, join(prefix, strconv.Itoa(i)), e)
		}
	case json.Number:
		if f, err := x.Float64(); err == nil {
			into[prefix] = value{n: f}
		}
	case string:
		into[prefix] = value{s: x, isStr: true}
	case bool:
		into[prefix] = value{s: strconv.FormatBool(x), isStr: true}
	}
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

func (e andExpr) eval(r Record) bool     { return e.l.eval(r) && e.r.eval(r) }
func (e orExpr) eval(r Record) bool      { return e.l.eval(r) || e.r.eval(r) }
func (e notExpr) eval(r Record) bool     { return !e.e.eval(r) }
func (e presentExpr) eval(r Record) bool { _, ok := r.fields[e.field]; return ok }

// equal compares a field's value with a literal: as numbers when the
// literal is a number, as text otherwise.
func equal(v, lit value) bool {
	if !lit.isStr {
		n, ok := v.number()
		return ok && n == lit.n
	}
	return v.String() == lit.s
}

func (e compareExpr) eval(r Record) bool {
	v, ok := r.fields[e.field]
	if !ok {
		return false
	}
	switch e.op {
	case "=":
		return equal(v, e.lit)
	case "!=":
		return !equal(v, e.lit)
	}
	var c int
	if !e.lit.isStr {
		n, ok := v.number()
		if !ok {
			return false
		}
		c = cmpFloat(n, e.lit.n)
	} else {
		c = strings.Compare(v.String(), e.lit.s)
	}
	switch e.op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	}
	return c >= 0
}

func (e inExpr) eval(r Record) bool {
	v, ok := r.fields[e.field]
	if !ok {
		return false
	}
	found := slices.ContainsFunc(e.lits, func(l value) bool { return equal(v, l) })
	return found != e.not
}

func (e likeExpr) eval(r Record) bool {
	v, ok := r.fields[e.field]
	if !ok {
		return false
	}
	var m bool
	if e.re != nil {
		m = e.re.MatchString(v.String())
	} else {
		m = strings.Contains(v.String(), e.sub)
	}
	return m != e.not
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Row is one result: field name to value (a string or a float64).
type Row map[string]any

// Run evaluates the query over records, in order, and returns its rows:
// the fields the last fields or stats command names (every field when
// there is neither).
func (q *Query) Run(records []Record) []Row {
	rs := slices.Clone(records)
	var shown []string
	for _, c := range q.commands {
		switch c := c.(type) {
		case filterCmd:
			rs = slices.DeleteFunc(rs, func(r Record) bool { return !c.expr.eval(r) })
		case fieldsCmd:
			shown = c.names
		case statsCmd:
			rs, shown = stats(c, rs)
		case sortCmd:
			slices.SortStableFunc(rs, func(a, b Record) int {
				for _, k := range c.keys {
					if d := compareField(a, b, k.field); d != 0 {
						if k.desc {
							return -d
						}
						return d
					}
				}
				return 0
			})
		case limitCmd:
			if len(rs) > c.n {
				rs = rs[:c.n]
			}
		}
	}
	out := make([]Row, 0, len(rs))
	for _, r := range rs {
		row := Row{}
		for name, v := range r.fields {
			if shown != nil && !slices.Contains(shown, name) {
				continue
			}
			if v.isStr {
				row[name] = v.s
			} else {
				row[name] = v.n
			}
		}
		out = append(out, row)
	}
	return out
}

// compareField orders two records by a field: numbers numerically, text
// as text, a missing value last.
func compareField(a, b Record, f string) int {
	va, oka := a.fields[f]
	vb, okb := b.fields[f]
	switch {
	case !oka && !okb:
		return 0
	case !oka:
		return 1
	case !okb:
		return -1
	}
	na, aNum := va.number()
	nb, bNum := vb.number()
	if aNum && bNum {
		return cmpFloat(na, nb)
	}
	return strings.Compare(va.String(), vb.String())
}

// stats groups records by the by keys and computes the aggregates.
func stats(c statsCmd, rs []Record) ([]Record, []string) {
	type group struct {
		key    map[string]value
		values [][]float64 // per aggregate, the numbers seen
		counts []int
	}
	var order []string
	groups := map[string]*group{}
	for _, r := range rs {
		key := map[string]value{}
		var id strings.Builder
		for _, k := range c.by {
			v, ok := r.fields[k.field]
			if ok && k.bin > 0 {
				ms := int64(v.n)
				start := time.UnixMilli(ms - ms%k.bin.Milliseconds()).UTC()
				v = value{s: start.Format("2006-01-02 15:04:05.000"), isStr: true}
			}
			if ok {
				key[k.name] = v
			}
			id.WriteString(v.String())
			id.WriteByte(0)
			if !ok {
				id.WriteByte(1)
			}
		}
		g, ok := groups[id.String()]
		if !ok {
			g = &group{key: key, values: make([][]float64, len(c.aggs)), counts: make([]int, len(c.aggs))}
			groups[id.String()] = g
			order = append(order, id.String())
		}
		for i, a := range c.aggs {
			if a.field == "" {
				g.counts[i]++
				continue
			}
			v, ok := r.fields[a.field]
			if !ok {
				continue
			}
			g.counts[i]++
			if n, ok := v.number(); ok {
				g.values[i] = append(g.values[i], n)
			}
		}
	}
	shown := make([]string, 0, len(c.by)+len(c.aggs))
	for _, k := range c.by {
		shown = append(shown, k.name)
	}
	for _, a := range c.aggs {
		shown = append(shown, a.name)
	}
	out := make([]Record, 0, len(order))
	for _, id := range order {
		g := groups[id]
		r := Record{fields: map[string]value{}}
		for k, v := range g.key {
			r.fields[k] = v
		}
		for i, a := range c.aggs {
			vs := g.values[i]
			switch a.fn {
			case "count":
				r.fields[a.name] = value{n: float64(g.counts[i])}
			case "sum":
				r.fields[a.name] = value{n: sum(vs)}
			case "avg":
				if len(vs) > 0 {
					r.fields[a.name] = value{n: sum(vs) / float64(len(vs))}
				}
			case "min":
				if len(vs) > 0 {
					r.fields[a.name] = value{n: slices.Min(vs)}
				}
			case "max":
				if len(vs) > 0 {
					r.fields[a.name] = value{n: slices.Max(vs)}
				}
			}
		}
		out = append(out, r)
	}
	return out, shown
}

func sum(vs []float64) float64 {
	s := 0.0
	for _, v := range vs {
		s += v
	}
	if math.IsNaN(s) {
		return 0
	}
	return s
}
