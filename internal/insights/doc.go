// Package insights holds the CloudWatch Logs Insights queries the stack
// saves for every function's log group (SavedQueries, used by infra), and a
// small evaluator of the query language (Parse, Query.Run) that runs them,
// and the queries the docs show, against real log lines of the forwarder,
// the user sync and the trigger function in tests.
//
// The evaluator covers the subset those queries use, and no more:
//
//   - commands fields, filter, stats, sort and limit, separated by "|";
//   - in filter: =, !=, <, <=, >, >=, like (a "%"-free substring or a
//     /regular expression/), not like, in [...], not in [...], and, or, not,
//     parentheses, ispresent(field); string and number literals;
//   - in stats: count(*), count(field), sum, avg, min, max, each with an
//     optional "as name", grouped "by" fields and bin(period);
//   - sort by one or more fields, asc or desc; limit N;
//   - fields named as Logs Insights discovers them in a JSON line: keys,
//     nested keys joined with dots (cloudevent.data.requestParameters.clientId),
//     and @timestamp, @message, @log, @logStream.
//
// A comparison with a field the line does not have is false, != and not
// in included (the line is left out, as Logs Insights leaves out lines
// without the field); sort without asc or desc sorts ascending, a missing
// value last; stats keeps its groups in the order first seen.
//
// It does not implement parse, display, dedup, unmask, pattern, diff, the
// functions other than ispresent and bin (strlen, concat, datefloor, ...),
// arithmetic, field aliases in fields, regular-expression flags, or
// Logs Insights' discovery of fields in non-JSON lines; a query using any
// of them is refused by Parse with an error naming the part, so a test
// never passes on a query the evaluator only half read. Its results are
// what CloudWatch Logs Insights returns for these queries on these lines as
// far as the documented semantics go; it has not been compared with the
// service itself (the tests have no AWS account).
package insights
