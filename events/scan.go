package events

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
	"unsafe"
)

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
// Real CloudTrail records nest a handful of levels.
const maxDepth = 512

// scanner reads JSON from data. It validates what it reads, allocates only
// for strings that need unescaping, and takes unescaped strings as substrings
// of str, one string copy of data made once per input.
type scanner struct {
	data []byte
	str  string
	pos  int
}

func newScanner(data []byte) *scanner {
	return &scanner{data: data, str: string(data)}
}

// newViewScanner is newScanner without the copy: str views data, so every
// string it returns aliases data. The caller must copy what it keeps
// (Normalize detaches its Event) and must not let data change meanwhile.
func newViewScanner(data []byte) *scanner {
	if len(data) == 0 {
		return &scanner{data: data}
	}
	return &scanner{data: data, str: unsafe.String(&data[0], len(data))}
}

// syntaxError says what was wrong and where; it wraps ErrNotJSON.
func (s *scanner) syntaxError(what string) error {
	if s.pos >= len(s.data) {
		return fmt.Errorf("%w: unexpected end of input (%s)", ErrNotJSON, what)
	}
	return fmt.Errorf("%w: invalid character %q at offset %d (%s)", ErrNotJSON, s.data[s.pos], s.pos, what)
}

func (s *scanner) skipSpace() {
	data, i := s.data, s.pos
	for i < len(data) && data[i] <= ' ' && (data[i] == ' ' || data[i] == '\n' || data[i] == '\t' || data[i] == '\r') {
		i++
	}
	s.pos = i
}

// peek returns the next non-space byte, or 0 at the end.
func (s *scanner) peek() byte {
	s.skipSpace()
	if s.pos < len(s.data) {
		return s.data[s.pos]
	}
	return 0
}

// kindName names the JSON kind starting with c, for error messages.
func kindName(c byte) string {
	switch c {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	default:
		return "a number"
	}
}

// beginObject consumes '{'.
func (s *scanner) beginObject() error {
	if s.peek() != '{' {
		return s.syntaxError("expected an object")
	}
	s.pos++
	return nil
}

// nextKey advances to the next member of the object whose '{' was consumed.
// It returns the key (escapes decoded), or ok false at '}'. first says whether this
// is the first call for the object.
func (s *scanner) nextKey(first bool) (key []byte, ok bool, err error) {
	c := s.peek()
	if c == '}' {
		s.pos++
		return nil, false, nil
	}
	if !first {
		if c != ',' {
			return nil, false, s.syntaxError("expected ',' or '}' in object")
		}
		s.pos++
		c = s.peek()
	}
	if c != '"' {
		return nil, false, s.syntaxError("expected a key")
	}
	start := s.pos
	escaped, _, err := s.scanString()
	if err != nil {
		return nil, false, err
	}
	key = s.data[start+1 : s.pos-1]
	if escaped {
		var k string
		if err := json.Unmarshal(s.data[start:s.pos], &k); err != nil {
			return nil, false, fmt.Errorf("%w: decoding key at offset %d: %v", ErrNotJSON, start, err)
		}
		key = []byte(k)
	}
	if s.peek() != ':' {
		return nil, false, s.syntaxError("expected ':' after key")
	}
	s.pos++
	s.skipSpace()
	return key, true, nil
}

// beginArray consumes '['.
func (s *scanner) beginArray() error {
	if s.peek() != '[' {
		return s.syntaxError("expected an array")
	}
	s.pos++
	return nil
}

// nextElement advances to the next element of the array whose '[' was
// consumed, or returns false at ']'.
func (s *scanner) nextElement(first bool) (bool, error) {
	c := s.peek()
	if c == ']' {
		s.pos++
		return false, nil
	}
	if !first {
		if c != ',' {
			return false, s.syntaxError("expected ',' or ']' in array")
		}
		s.pos++
		s.skipSpace()
	}
	return true, nil
}

// skipString moves past the string starting at pos, validating it, and
// reports whether it held escapes or non-ASCII bytes.
func (s *scanner) skipString() error {
	_, _, err := s.scanString()
	return err
}

// plainByte marks the bytes a string can hold as they are: printable ASCII
// other than '"' and '\\'.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// scanString moves past the string at pos and reports whether it has escapes
// and whether it has bytes outside ASCII.
func (s *scanner) scanString() (escaped, nonASCII bool, err error) {
	s.pos++ // opening quote
	data := s.data
	for s.pos < len(data) {
		// Fast path: runs of plain bytes.
		i := s.pos
		for i < len(data) && plainByte[data[i]] {
			i++
		}
		s.pos = i
		if i == len(data) {
			break
		}
		c := data[i]
		switch {
		case c == '"':
			s.pos++
			return escaped, nonASCII, nil
		case c == '\\':
			escaped = true
			s.pos++
			if s.pos >= len(data) {
				return escaped, nonASCII, s.syntaxError("in string escape")
			}
			switch data[s.pos] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.pos++
			case 'u':
				s.pos++
				for range 4 {
					if s.pos >= len(data) || !isHex(data[s.pos]) {
						return escaped, nonASCII, s.syntaxError("in \\u escape")
					}
					s.pos++
				}
			default:
				return escaped, nonASCII, s.syntaxError("in string escape")
			}
		case c < 0x20:
			return escaped, nonASCII, s.syntaxError("control character in string")
		default: // c >= utf8.RuneSelf
			nonASCII = true
			s.pos++
		}
	}
	return escaped, nonASCII, s.syntaxError("in string")
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// readString reads the string at pos. Plain strings are substrings of s.str;
// strings with escapes or invalid UTF-8 are decoded as encoding/json does.
func (s *scanner) readString() (string, error) {
	start := s.pos
	escaped, nonASCII, err := s.scanString()
	if err != nil {
		return "", err
	}
	v := s.str[start+1 : s.pos-1]
	if !escaped && (!nonASCII || utf8.ValidString(v)) {
		return v, nil
	}
	var out string
	if err := json.Unmarshal(s.data[start:s.pos], &out); err != nil {
		return "", fmt.Errorf("%w: decoding string at offset %d: %v", ErrNotJSON, start, err)
	}
	return out, nil
}

// skipValue moves past one value of any kind, validating it.
func (s *scanner) skipValue(depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("%w: nested deeper than %d levels at offset %d", ErrNotJSON, maxDepth, s.pos)
	}
	switch c := s.peek(); c {
	case '{':
		s.pos++
		for first := true; ; first = false {
			_, ok, err := s.nextKey(first)
			if err != nil {
				return err
			}
			if !ok {
				return nil
			}
			if err := s.skipValue(depth + 1); err != nil {
				return err
			}
		}
	case '[':
		s.pos++
		for first := true; ; first = false {
			ok, err := s.nextElement(first)
			if err != nil {
				return err
			}
			if !ok {
				return nil
			}
			if err := s.skipValue(depth + 1); err != nil {
				return err
			}
		}
	case '"':
		return s.skipString()
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	default:
		return s.number()
	}
}

// rawValue moves past one value and returns its bytes.
func (s *scanner) rawValue() ([]byte, error) {
	s.skipSpace()
	start := s.pos
	if err := s.skipValue(0); err != nil {
		return nil, err
	}
	return s.data[start:s.pos], nil
}

func (s *scanner) literal(lit string) error {
	if len(s.data)-s.pos < len(lit) || string(s.data[s.pos:s.pos+len(lit)]) != lit {
		return s.syntaxError("expected " + lit)
	}
	s.pos += len(lit)
	return nil
}

// number moves past a number in JSON's grammar.
func (s *scanner) number() error {
	start := s.pos
	if s.pos < len(s.data) && s.data[s.pos] == '-' {
		s.pos++
	}
	switch {
	case s.pos < len(s.data) && s.data[s.pos] == '0':
		s.pos++
	case s.pos < len(s.data) && '1' <= s.data[s.pos] && s.data[s.pos] <= '9':
		s.digits()
	default:
		s.pos = start
		return s.syntaxError("expected a value")
	}
	if s.pos < len(s.data) && s.data[s.pos] == '.' {
		s.pos++
		if s.digits() == 0 {
			return s.syntaxError("expected a digit after '.'")
		}
	}
	if s.pos < len(s.data) && (s.data[s.pos] == 'e' || s.data[s.pos] == 'E') {
		s.pos++
		if s.pos < len(s.data) && (s.data[s.pos] == '+' || s.data[s.pos] == '-') {
			s.pos++
		}
		if s.digits() == 0 {
			return s.syntaxError("expected a digit in exponent")
		}
	}
	return nil
}

func (s *scanner) digits() int {
	n := 0
	for s.pos < len(s.data) && '0' <= s.data[s.pos] && s.data[s.pos] <= '9' {
		s.pos++
		n++
	}
	return n
}

// end checks that nothing but space follows the value just read.
func (s *scanner) end() error {
	if s.peek() != 0 {
		return s.syntaxError("after the top-level value")
	}
	return nil
}
