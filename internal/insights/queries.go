package insights

// Saved is a Logs Insights query the stack saves (AWS::Logs::QueryDefinition)
// for every function's log group.
type Saved struct {
	// Name is the query's name under the stack's folder:
	// "<stack>/<Name>" in the console.
	Name string
	// Query is the query text. A placeholder in capitals (SUBJECT,
	// CLIENT_ID) is what the reader replaces before running it.
	Query string
}

// The placeholders of the saved queries.
const (
	PlaceholderSubject  = "SUBJECT"
	PlaceholderClientID = "CLIENT_ID"
)

// SavedQueries are the queries every stack saves. They read the lines of
// all three functions: the forwarder's and the trigger function's "event"
// lines (msg, outcome, eventID, eventName, subject, attempts, latencyMs,
// error), the user sync's per-user lines (level ERROR on failure) and the
// log sink's "cloudevent" lines (the event under cloudevent).
func SavedQueries() []Saved {
	return []Saved{
		{
			Name: "failures (run it over the last hour)",
			Query: `fields @timestamp, @log, msg, eventID, eventName, subject, outcome, attempts, error
| filter outcome in ["failed", "malformed", "timeout", "disabled"] or level = "ERROR"
| sort @timestamp desc
| limit 200`,
		},
		{
			Name: "everything about one subject (replace SUBJECT, e.g. user/SUB or client/ID)",
			Query: `fields @timestamp, @log, msg, eventID, eventName, outcome, attempts, error
| filter subject = "SUBJECT" or cloudevent.subject = "SUBJECT"
| sort @timestamp desc
| limit 200`,
		},
		{
			Name: "everything about one app client (replace CLIENT_ID)",
			Query: `fields @timestamp, @log, msg, eventID, eventName, subject, outcome, error
| filter subject = "client/CLIENT_ID" or cloudevent.data.requestParameters.clientId = "CLIENT_ID" or cloudevent.data.additionalEventData.clientId = "CLIENT_ID"
| sort @timestamp desc
| limit 200`,
		},
	}
}
