package records

import (
	"bytes"
	"io"
)

// window reads the input from an offset on, keeping it in the Reader's
// buffer, for encoding/json's Decoder.
type window struct {
	r  *Reader
	at int
}

func (w *window) Read(p []byte) (int, error) {
	r := w.r
	if w.at == r.end() && !r.more(r.keep) {
		if r.err != nil {
			return 0, r.err
		}
		return 0, io.EOF
	}
	n := copy(p, r.buf[w.at-r.base:])
	w.at += n
	r.scanned += n
	return n, nil
}

// end is the offset just past the buffered input.
func (r *Reader) end() int { return r.base + len(r.buf) }

// slice returns the buffered input in [from, to).
func (r *Reader) slice(from, to int) []byte { return r.buf[from-r.base : to-r.base] }

// more reads more input, keeping the bytes from offset from on. It says
// whether it got any; when not, the input has ended or r.err says why.
func (r *Reader) more(from int) bool {
	if r.eof || r.err != nil {
		return false
	}
	if r.end()-from > r.max {
		r.err = &TooLargeError{Index: r.index + 1, Line: r.lineAt(from), Max: r.max}
		return false
	}
	// Drop what is no longer needed; the line count must stay computable.
	drop := min(from, r.lineOff) - r.base
	if drop > 0 && (drop >= len(r.buf)/2 || cap(r.buf)-len(r.buf) < chunkSize) {
		n := copy(r.buf, r.buf[drop:])
		r.buf = r.buf[:n]
		r.base += drop
	}
	if cap(r.buf)-len(r.buf) < chunkSize {
		grown := make([]byte, len(r.buf), 2*cap(r.buf)+chunkSize)
		copy(grown, r.buf)
		r.buf = grown
	}
	for range 100 {
		n, err := r.src.Read(r.buf[len(r.buf):cap(r.buf)])
		r.buf = r.buf[:len(r.buf)+n]
		if err == io.EOF {
			r.eof = true
			return n > 0
		}
		if err != nil {
			r.err = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	r.err = io.ErrNoProgress
	return false
}

// skipSpace returns the offset of the first byte from off on that is not
// JSON whitespace, or r.end() at the end of the input.
func (r *Reader) skipSpace(off int) int {
	for {
		for off < r.end() {
			r.scanned++
			switch r.buf[off-r.base] {
			case ' ', '\t', '\r', '\n':
				off++
			default:
				return off
			}
		}
		r.lineAt(off) // so that the whitespace read so far may be dropped
		if !r.more(off) {
			return off
		}
	}
}

// findEOL returns the offset of the first newline from off on, or r.end()
// at the end of the input.
func (r *Reader) findEOL(off int) int {
	from := off
	for {
		if i := bytes.IndexByte(r.buf[off-r.base:], '\n'); i >= 0 {
			r.scanned += i + 1
			return off + i
		}
		r.scanned += r.end() - off
		off = r.end()
		if !r.more(from) {
			return off
		}
	}
}

// readRest reads the input to its end and returns it from off on.
func (r *Reader) readRest(off int) []byte {
	for r.more(off) {
	}
	return r.slice(off, r.end())
}

// lineAt returns the line of offset off, at or after every offset asked
// before.
func (r *Reader) lineAt(off int) int {
	r.scanned += off - r.lineOff
	r.lineNo += bytes.Count(r.slice(r.lineOff, off), []byte{'\n'})
	r.lineOff = off
	return r.lineNo
}
