package redrive

import (
	"strings"
	"testing"
)

// TestDescribeQuotesOddValues: the id and eventname a redrive prints come
// from the message body; a newline or an escape there is quoted.
func TestDescribeQuotesOddValues(t *testing.T) {
	id, name := describe(`{"specversion":"1.0","id":"a\nmoved AdminCreateUser b (message c)","eventname":"X\u001b[2J"}`)
	if strings.ContainsAny(id+name, "\n\x1b") || id != `"a\nmoved AdminCreateUser b (message c)"` || name != `"X\x1b[2J"` {
		t.Errorf("describe = %q, %q", id, name)
	}
	if id, name := describe(`{"id":"e-1","eventname":"AdminCreateUser"}`); id != "e-1" || name != "AdminCreateUser" {
		t.Errorf("describe = %q, %q; a plain id is printed as it is", id, name)
	}
}
