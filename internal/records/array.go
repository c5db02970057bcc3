package records

import (
	"encoding/json"
	"fmt"
)

// startArray starts decoding the array at off.
func (r *Reader) startArray(off int) {
	r.arrBase = off
	r.dec = json.NewDecoder(&window{r: r, at: off})
	if _, err := r.dec.Token(); err != nil && r.err == nil {
		r.err = fmt.Errorf("reading the array: %w", err) // cannot happen: off holds '['
	}
}

// nextElement reads the next element of the array.
func (r *Reader) nextElement() (Record, bool) {
	before := r.arrBase + int(r.dec.InputOffset())
	if r.dec.More() {
		if err := r.dec.Decode(&r.raw); err != nil {
			if r.err != nil {
				return Record{}, false
			}
			return r.breakArray(r.skipSeparator(before))
		}
		end := r.arrBase + int(r.dec.InputOffset())
		start := end - len(r.raw)
		r.keep = end
		return r.yield(r.raw, start)
	}
	if r.err != nil {
		return Record{}, false
	}
	tok, err := r.dec.Token()
	if r.err != nil {
		return Record{}, false
	}
	if err != nil || tok != json.Delim(']') {
		return r.breakArray(r.skipSeparator(before))
	}
	after := r.skipSpace(r.arrBase + int(r.dec.InputOffset()))
	if r.err != nil {
		return Record{}, false
	}
	if after == r.end() {
		r.mode = modeDone
		return Record{}, false
	}
	return r.breakArray(after)
}

// breakArray yields the rest of the input from off as one record.
func (r *Reader) breakArray(off int) (Record, bool) {
	r.mode = modeDone
	r.dec = nil
	r.keep = off
	rest := r.readRest(off)
	if r.err != nil {
		return Record{}, false
	}
	return r.yield(rest, off)
}

// skipSeparator skips whitespace, a comma and whitespace from off.
func (r *Reader) skipSeparator(off int) int {
	r.keep = off
	p := r.skipSpace(off)
	if p < r.end() && r.buf[p-r.base] == ',' {
		p = r.skipSpace(p + 1)
	}
	return p
}
