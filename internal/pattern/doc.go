// Package pattern compiles Amazon EventBridge event patterns and matches
// events against them locally, saying why an event does not match. It
// knows patterns only: which rules a route has, their state and where they
// come from (cdk.json, synthesized templates) is package internal/routes.
//
// Compile parses a pattern (the JSON of a rule's EventPattern); Match
// evaluates it against an event (any JSON object, normally an EventBridge
// envelope) and returns a Result whose Reason names the field that failed,
// what the pattern wanted there and what the event held. DecodeEvent and
// MatchEvent match one decoded event against several patterns.
// CheckFragment compiles a pattern over one part of an event whose shape
// is known (internal/config checks a route's selection.match against the
// CloudTrail record's fields with it). Every compile error is a *PathError
// naming the place in the pattern ("$or[1].eventName[0]") and, for a
// misspelt operator or field, the one probably meant. Wrapping a
// bare CloudTrail record the way EventBridge does is events.Wrap.
//
// Through internal/routes, the cognito-events CLI (patterns, match,
// replay, backfill) and the local demo use it, so that what they deliver
// is what the deployed rules would.
//
// # Why not quamina
//
// github.com/timbray/quamina (v0.3.0, a test dependency) is an independent
// implementation of the same language, and the tests check that both agree
// on every pattern internal/config generates over the fixture corpus
// (agree_test.go). It is not the matcher here for two reasons:
//
//   - it refuses part of the language the app generates: it has no "$or",
//     which every generated pattern uses, mixed with exists tests
//     ({"errorCode": [{"exists": false}]} or [""]); the agreement test has
//     to expand each "$or" into separate patterns first;
//   - it says which patterns matched, never why one did not, and the CLI's
//     match (and replay's "unmatched" lines) prints the field that failed,
//     what the pattern wanted and what the event held.
//
// # Supported pattern language
//
// Following "Content filtering in Amazon EventBridge event patterns":
//
//   - a pattern is a JSON object; nested objects follow the event's
//     nesting; every leaf is an array of matchers, any of which may match
//     (OR), and all fields must match (AND);
//   - exact values: strings, numbers (compared as numbers), true, false and
//     null ("" and null are different values);
//   - {"exists": true|false}: whether the field has a leaf value; an
//     absent field, an empty array or an object there does not exist;
//   - {"anything-but": V}: V a string, a number, a list of strings or of
//     numbers, or {"prefix": s}, {"suffix": s}, {"equals-ignore-case": s or
//     [s...]}, {"wildcard": s or [s...]}; never matches an absent field;
//   - {"prefix": s}, {"suffix": s}, each also as {"prefix":
//     {"equals-ignore-case": s}}; {"equals-ignore-case": s};
//     {"wildcard": s} with * for any run of characters and \* for a star;
//     {"numeric": [op, n]} or {"numeric": [op, n, op, n]} with op one of
//     = < <= > >=; {"cidr": "10.0.0.0/24"} for IP addresses;
//   - "$or": [pattern, ...] at any object level: at least one alternative
//     must match, in addition to the object's other fields.
//
// Arrays in the event are flattened: a field matches when any element
// does. Matching across the elements of an array of objects is not
// array-consistent (two fields may match in different elements).
package pattern
