package records

import (
	"bytes"
	"encoding/json"
	"io"
)

// This file holds two whole-buffer splitters the tests compare the Reader
// with: reference, the package's rules written plainly on a buffer, and
// oldSplit, the splitter cognito-events used before it streamed (commit
// cdd2dad, cmd/cognito-events/normalize.go), kept verbatim but for its
// types.

// reference returns the records of data by the package's rules.
func reference(data []byte) []Record {
	var out []Record
	add := func(b []byte, off int) {
		out = append(out, Record{Data: b, Index: len(out) + 1, Line: 1 + bytes.Count(data[:off], []byte{'\n'})})
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	start := skipWS(data, 0)
	if data[start] == '[' {
		dec := json.NewDecoder(bytes.NewReader(data[start:]))
		dec.Token() // '['
		for {
			before := start + int(dec.InputOffset())
			if dec.More() {
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					p := skipSep(data, before)
					add(data[p:], p)
					return out
				}
				end := start + int(dec.InputOffset())
				add(raw, end-len(raw))
				continue
			}
			if tok, err := dec.Token(); err != nil || tok != json.Delim(']') {
				p := skipSep(data, before)
				add(data[p:], p)
				return out
			}
			if p := skipWS(data, start+int(dec.InputOffset())); p < len(data) {
				add(data[p:], p)
			}
			return out
		}
	}
	lines := firstLineIsValue(data)
	for p := skipWS(data, start); p < len(data); p = skipWS(data, p) {
		dec := json.NewDecoder(bytes.NewReader(data[p:]))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err == nil {
			end := p + int(dec.InputOffset())
			add(data[p:end], p)
			p = end
			continue
		}
		if !lines {
			add(data[p:], p)
			return out
		}
		eol := len(data)
		if i := bytes.IndexByte(data[p:], '\n'); i >= 0 {
			eol = p + i
		}
		if rest := bytes.TrimRight(data[p:eol], " \t\r"); len(bytes.TrimSpace(rest)) > 0 {
			add(rest, p)
		}
		p = eol
	}
	return out
}

func skipWS(data []byte, p int) int {
	for p < len(data) && (data[p] == ' ' || data[p] == '\t' || data[p] == '\r' || data[p] == '\n') {
		p++
	}
	return p
}

func skipSep(data []byte, p int) int {
	p = skipWS(data, p)
	if p < len(data) && data[p] == ',' {
		p = skipWS(data, p+1)
	}
	return p
}

// oldSplit is the old splitter.
func oldSplit(data []byte) []Record {
	var out []Record
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	lineAt := func(off int) int { return 1 + bytes.Count(data[:off], []byte{'\n'}) }
	start := countLeadingSpace(data)
	if data[start] == '[' {
		var elems []json.RawMessage
		if err := json.Unmarshal(data, &elems); err == nil {
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.Token() // '['
			for i := range elems {
				off := int(dec.InputOffset())
				off += countLeadingSpace(data[off:])
				var skip json.RawMessage
				dec.Decode(&skip)
				out = append(out, Record{Data: elems[i], Index: i + 1, Line: lineAt(off)})
			}
			return out
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		off := int(dec.InputOffset())
		off += countLeadingSpace(data[off:])
		var v json.RawMessage
		err := dec.Decode(&v)
		if err == io.EOF {
			break
		}
		if err != nil {
			if firstLineIsValue(data) {
				out = out[:0]
				for i, line := range bytes.Split(data, []byte{'\n'}) {
					if len(bytes.TrimSpace(line)) > 0 {
						out = append(out, Record{Data: line, Index: len(out) + 1, Line: i + 1})
					}
				}
				return out
			}
			out = append(out, Record{Data: data[off:], Index: len(out) + 1, Line: lineAt(off)})
			break
		}
		out = append(out, Record{Data: v, Index: len(out) + 1, Line: lineAt(off)})
	}
	return out
}

func firstLineIsValue(data []byte) bool {
	for line := range bytes.SplitSeq(data, []byte{'\n'}) {
		if len(bytes.TrimSpace(line)) > 0 {
			return json.Valid(line)
		}
	}
	return false
}

func countLeadingSpace(b []byte) int {
	return len(b) - len(bytes.TrimLeft(b, " \t\r\n"))
}

// oldAgrees says whether the old splitter's records are the package's on
// data (whitespace around a record aside): when data is a well-formed
// stream of values, not starting with an array unless it is one; or JSON
// lines whose every line is a value or does not start like one. Elsewhere
// the rules differ (the package documentation says where).
func oldAgrees(data []byte) bool {
	start := countLeadingSpace(data)
	if start == len(data) {
		return true
	}
	if data[start] == '[' {
		return json.Valid(data)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	valid := true
	for {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if err == io.EOF {
			break
		}
		if err != nil {
			valid = false
			break
		}
	}
	if valid {
		return true
	}
	if !firstLineIsValue(data) {
		return false
	}
	for line := range bytes.SplitSeq(data, []byte{'\n'}) {
		if len(bytes.TrimSpace(line)) == 0 || json.Valid(line) {
			continue
		}
		if p := countLeadingSpace(line); bytes.IndexByte([]byte(`{["-0123456789tfn`), line[p]) >= 0 {
			return false
		}
	}
	return true
}
