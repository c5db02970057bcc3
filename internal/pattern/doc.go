// Package pattern evaluates Amazon EventBridge event patterns locally and
// says why an event does not match.
//
// Compile parses a pattern (the JSON of a rule's EventPattern); Match
// evaluates it against an event (any JSON object, normally an EventBridge
// envelope) and returns a Result whose Reason names the field that failed,
// what the pattern wanted there and what the event held. FromTemplate,
// FromTemplates and FromConfig give each route's rule as the synthesized
// CloudFormation template or the cdk.json configuration has it. Wrapping a
// bare CloudTrail record the way EventBridge does is events.Wrap.
//
// The cognito-events CLI (patterns, match, replay, backfill) and the local
// demo use it, so that what they deliver is what the deployed rules would.
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
