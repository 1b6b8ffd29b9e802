package sqlstore

import (
	"encoding/json"
	"fmt"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// JSONHolds is the predicate "the JSON object in col maps key to value".
// Key and value travel only as bound arguments: PostgreSQL tests jsonb
// containment (col @> '{"key":"value"}', which a GIN index serves), SQLite
// looks through json_each. (ent's sqljson path helpers write keys into the
// SQL text unescaped.)
func JSONHolds(sel *entsql.Selector, col, key, value string) *entsql.Predicate {
	postgres := sel.Dialect() == dialect.Postgres
	return entsql.P(func(b *entsql.Builder) {
		if postgres {
			pair, _ := json.Marshal(map[string]string{key: value})
			b.WriteString(col).WriteString(" @> ").Arg(string(pair)).WriteString("::jsonb")
			return
		}
		b.WriteString("EXISTS (SELECT 1 FROM json_each(").WriteString(col).WriteString(") WHERE key = ").
			Arg(key).WriteString(" AND type = 'text' AND value = ").Arg(value).WriteString(")")
	})
}

// CountByInterval makes sel count its rows by status and by interval of
// secs seconds of the time in col, as columns bucket (the interval's number
// since the epoch), created, status and count. On SQLite, where times are
// stored as Go writes them, it selects each row with its time in created
// and a count of 1, and the caller buckets them.
func CountByInterval(sel *entsql.Selector, col, statusCol string, secs int64) {
	status := sel.C(statusCol)
	if sel.Dialect() == dialect.SQLite {
		sel.Select(entsql.As("(0)", "bucket"), entsql.As(sel.C(col), "created"), status, entsql.As("(1)", "count"))
		return
	}
	bucket := fmt.Sprintf("floor(extract(epoch from %s) / %d)::bigint", sel.C(col), secs)
	sel.Select(entsql.As(bucket, "bucket"), entsql.As("(NULL::timestamptz)", "created"), status, entsql.As(entsql.Count("*"), "count")).
		GroupBy("bucket", status)
}
