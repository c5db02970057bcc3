package records

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// DefaultMaxSize is the largest record a Reader made by NewReader accepts,
// in bytes.
const DefaultMaxSize = 64 << 20

// chunkSize is how much a Reader asks its source for at a time.
const chunkSize = 64 << 10

// ErrTooLarge is wrapped by the error of a record over the size limit.
var ErrTooLarge = errors.New("record too large")

// TooLargeError says which record went over the size limit. It wraps
// ErrTooLarge.
type TooLargeError struct {
	Index int // the record's 1-based index
	Line  int // the line it starts on
	Max   int // the limit, in bytes
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("record %d (line %d): larger than the %d-byte limit", e.Index, e.Line, e.Max)
}

func (e *TooLargeError) Unwrap() error { return ErrTooLarge }

// Record is one record of an input.
type Record struct {
	// Data is the record's bytes. It is valid until the next call to Next.
	Data  []byte
	Index int // 1-based
	Line  int // 1-based: the line Data starts on
}

type mode uint8

const (
	modeStart  mode = iota // nothing read yet
	modeStream             // a stream of values
	modeArray              // the elements of a top-level array
	modeDone               // nothing more to yield
)

// lineMode says whether the input is JSON lines: its first non-blank line
// is a whole value.
type lineMode uint8

const (
	linesUnknown lineMode = iota
	linesYes
	linesNo
)

// Reader reads the records of an input. See the package documentation.
type Reader struct {
	src  io.Reader
	max  int
	buf  []byte // the unconsumed input; buf[0] is at offset base
	base int
	eof  bool
	err  error // a sticky error from src, or a *TooLargeError

	pos   int // offset of the next byte to scan for a record
	keep  int // bytes before this offset may be dropped from buf
	index int // records yielded
	mode  mode
	lines lineMode

	eol int // the end of the line of the last JSON lines value

	lineOff int // the line count is known at this offset...
	lineNo  int // ...and is this

	// The array's decoder and the element it last decoded.
	dec     *json.Decoder
	arrBase int // offset the decoder started at
	raw     json.RawMessage

	// scanned counts the bytes the Reader examined (a byte examined twice
	// counts twice), so that a test can check the work is linear in the
	// input without timing it.
	scanned int
}

// NewReader returns a Reader of src with the DefaultMaxSize limit.
func NewReader(src io.Reader) *Reader { return NewReaderSize(src, DefaultMaxSize) }

// NewReaderSize returns a Reader of src that fails with a *TooLargeError
// on a record over max bytes.
func NewReaderSize(src io.Reader, max int) *Reader {
	return &Reader{src: src, max: max, lineNo: 1}
}

// Next returns the next record, or io.EOF after the last one. Any other
// error (from the source, or a *TooLargeError) ends the input.
func (r *Reader) Next() (Record, error) {
	for {
		if r.err != nil {
			return Record{}, r.err
		}
		switch r.mode {
		case modeStart:
			off := r.skipSpace(r.pos)
			if r.err != nil {
				continue
			}
			if off == r.end() {
				r.mode = modeDone
				continue
			}
			r.pos, r.keep = off, off
			if r.buf[off-r.base] == '[' {
				r.mode = modeArray
				r.startArray(off)
			} else {
				r.mode = modeStream
			}
		case modeStream:
			rec, ok := r.nextValue()
			if ok {
				return rec, nil
			}
		case modeArray:
			rec, ok := r.nextElement()
			if ok {
				return rec, nil
			}
		case modeDone:
			return Record{}, io.EOF
		}
	}
}

// yield makes the next record of data, starting at offset off.
func (r *Reader) yield(data []byte, off int) (Record, bool) {
	r.index++
	return Record{Data: data, Index: r.index, Line: r.lineAt(off)}, true
}

// nextValue reads the next value of a stream. It returns false when it
// yielded nothing (the end, an error, or a blank line skipped).
func (r *Reader) nextValue() (Record, bool) {
	off := r.skipSpace(r.pos)
	if r.err != nil {
		return Record{}, false
	}
	if off == r.end() {
		r.mode = modeDone
		return Record{}, false
	}
	r.keep = off
	if r.lines == linesYes && r.buf[off-r.base] == '{' {
		// JSON lines: a line that is one object is the record, as it is.
		if r.eol < off {
			r.eol = r.findEOL(off) // once per line, however many values it holds
		}
		if r.err != nil {
			return Record{}, false
		}
		line := r.slice(off, r.eol)
		n := objectEnd(line)
		if n > 0 {
			r.scanned += n
		} else {
			r.scanned += len(line)
		}
		if n > 0 && isSpace(line[n:]) {
			r.pos = off + n
			return r.yield(line[:n], off)
		}
	}
	end, ok := r.decodeAt(off)
	if r.err != nil {
		return Record{}, false
	}
	if ok {
		r.pos = end
		if r.lines == linesUnknown {
			r.lines = r.firstValueEndsLine(off, end)
			if r.err != nil {
				return Record{}, false
			}
		}
		return r.yield(r.slice(off, end), off)
	}
	// The stream breaks at off.
	if r.lines == linesUnknown {
		r.lines = r.firstLineIsValue(off)
		if r.err != nil {
			return Record{}, false
		}
	}
	if r.lines == linesYes {
		eol := r.findEOL(off)
		if r.err != nil {
			return Record{}, false
		}
		r.pos = eol
		rest := bytes.TrimRight(r.slice(off, eol), " \t\r")
		if len(bytes.TrimSpace(rest)) == 0 {
			return Record{}, false // a blank line
		}
		return r.yield(rest, off)
	}
	r.mode = modeDone
	rest := r.readRest(off)
	if r.err != nil || (r.index == 0 && len(bytes.TrimSpace(rest)) == 0) {
		return Record{}, false
	}
	return r.yield(rest, off)
}

// firstValueEndsLine says whether the first value, at [off, end), is the
// whole of its line: the input is JSON lines.
func (r *Reader) firstValueEndsLine(off, end int) lineMode {
	if bytes.IndexByte(r.slice(off, end), '\n') >= 0 {
		return linesNo
	}
	for p := end; ; p++ {
		if p == r.end() && !r.more(off) {
			return linesYes // the end of the input
		}
		switch r.buf[p-r.base] {
		case '\n':
			return linesYes
		case ' ', '\t', '\r':
		default:
			return linesNo
		}
	}
}

// firstLineIsValue says, when the first value at off does not decode,
// whether the first non-blank line from off on is a value by itself.
func (r *Reader) firstLineIsValue(off int) lineMode {
	for p := off; ; {
		eol := r.findEOL(p)
		if r.err != nil {
			return linesUnknown
		}
		line := r.slice(p, eol)
		if len(bytes.TrimSpace(line)) > 0 {
			if json.Valid(line) {
				return linesYes
			}
			return linesNo
		}
		if eol == r.end() {
			return linesNo
		}
		p = eol + 1
	}
}

// decodeAt says whether a JSON value decodes at off, and where it ends.
func (r *Reader) decodeAt(off int) (int, bool) {
	dec := json.NewDecoder(&window{r: r, at: off})
	if err := dec.Decode(&r.raw); err != nil {
		return 0, false
	}
	return off + int(dec.InputOffset()), true
}

func isSpace(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

// objectEnd returns the length of the object that line starts with, by its
// brackets and strings alone (not checking its syntax), or 0 when it does
// not end on the line.
func objectEnd(line []byte) int {
	depth := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '"':
			for i++; ; i++ {
				if i >= len(line) {
					return 0
				}
				if c := line[i]; c == '"' {
					break
				} else if c == '\\' {
					i++
				}
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return 0
}
