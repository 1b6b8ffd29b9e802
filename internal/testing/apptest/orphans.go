package apptest

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
)

// links are the references of history rows to the rows they belong to:
// those PostgreSQL checks, and those Ferry keeps in code
// (migrations.Unenforced).
var links = []struct {
	table, column, parent string
}{
	{"events", "account_id", "accounts"},
	{"deliveries", "account_id", "accounts"},
	{"delivery_attempts", "account_id", "accounts"},
	{"deliveries", "event_id", "events"},
	{"delivery_attempts", "delivery_id", "deliveries"},
	{"deliveries", "configuration_id", "configurations"},
	{"delivery_attempts", "configuration_id", "configurations"},
}

// CheckNoOrphans fails t for every row of history that names an account,
// event, delivery or configuration that does not exist: a delivery without
// its event, an attempt without its delivery, a row of an unknown account,
// a link to a deleted configuration. Call it after a test has deleted,
// swept or crashed its way through some history.
func (e *Env) CheckNoOrphans(t testing.TB) {
	t.Helper()
	for _, l := range links {
		q := fmt.Sprintf(`SELECT count(*), min(x.id) FROM %[1]s x WHERE x.%[2]s IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM %[3]s p WHERE p.id = x.%[2]s)`, l.table, l.column, l.parent)
		var (
			n     int
			first sql.NullString
		)
		if err := e.App.DB.QueryRowContext(context.Background(), q).Scan(&n, &first); err != nil {
			t.Fatalf("look for %s whose %s is gone: %v", l.table, l.column, err)
		}
		if n > 0 {
			t.Errorf("%s.%s: %d rows name a row of %s that does not exist (%s first)", l.table, l.column, n, l.parent, first.String)
		}
	}
}
