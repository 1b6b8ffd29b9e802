package sqlstore

// ReadQuery is the statement that reads a wave's deliveries on PostgreSQL.
const ReadQuery = readQuery

// SaveSQL and SaveArgs are SaveAttempts' statement on PostgreSQL and its
// parameters.
var (
	SaveSQL  = saveSQL
	SaveArgs = saveArgs
)

// Statement is one hand-written statement and the tables its aliases name.
type Statement struct {
	Name    string
	SQL     string
	Aliases map[string]string
	// ReadsAll lists the aliases whose every column the statement reads.
	ReadsAll []string
}

// Statements are every hand-written statement of the package, for the
// column test.
var Statements = []Statement{
	{Name: "insertDeliveriesSQL", SQL: insertDeliveriesSQL},
	{Name: "insertEventsSQL", SQL: insertEventsSQL},
	{Name: "insertPublishedSQL", SQL: insertPublishedSQL},
	{Name: "readQuery", SQL: readQuery, Aliases: map[string]string{"d": "deliveries", "e": "events"}, ReadsAll: []string{"d"}},
	{Name: "saveSQL", SQL: saveSQL, Aliases: map[string]string{"d": "deliveries"}},
	{Name: "claimSQL", SQL: claimSQL, Aliases: map[string]string{"c": "deliveries", "d": "deliveries", "e": "events"}},
	{Name: "candidatesSQL", SQL: candidatesSQL, Aliases: map[string]string{"d": "deliveries", "e": "events"}},
	{Name: "lockHistorySQL", SQL: lockHistorySQL, Aliases: map[string]string{"d": "deliveries"}},
	{Name: "deleteHistorySQL", SQL: deleteHistorySQL, Aliases: map[string]string{"d": "deliveries", "e": "events", "a": "delivery_attempts"}},
}
