// Package records reads JSON records from a stream: the elements of a
// top-level JSON array, or each value of a stream of JSON values (one
// object, several concatenated, or JSON lines). It is how the
// cognito-events command reads the inputs of normalize, match and replay,
// and how its demo reads fixture files.
//
// A Reader yields each record's bytes, its 1-based index and the line it
// starts on. It reads in time linear in its input, counting lines as it
// goes, and holds in memory about one record at a time: at most MaxSize
// bytes of it (DefaultMaxSize unless NewReaderSize says otherwise).
//
// # Malformed input
//
// When the stream breaks (a value does not decode), what follows depends
// on the input's shape:
//
//   - JSON lines (the first non-blank line is a whole value): the rest of
//     the line the broken value starts on is one record, and reading goes
//     on at the next line, so that one malformed line loses only itself.
//     Blank lines are skipped.
//   - Any other stream of values: the values before the break are
//     records, and the rest of the input is one record.
//   - A top-level array: its elements are records until one does not
//     decode; the rest of the input from there is one record (empty when
//     the input ended inside the array). Anything but whitespace after the
//     array's closing bracket is one record too.
//
// Such a record is not valid JSON, and the caller's decoder reports it
// with its index and line. These are the rules cognito-events had when it
// read its whole input at once, but for two cases that cannot be decided
// without reading to the end: an input that starts with an array is read
// as an array even when it is not one, and in JSON lines a line that holds
// a value and then garbage yields the value and then the garbage.
//
// Where a library exists, a hand-written scanner needs a reason: each value
// is found and checked by encoding/json's Decoder, except in JSON lines,
// where a line holding one object is taken as it is without decoding it
// twice (the caller decodes it anyway); that keeps reading at about 1 µs
// for a 1.7 KB line, where json.Valid alone takes about 10 µs.
package records
