package store

import (
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
)

// KeyShare locks the rows a query reads until its transaction ends, as a
// foreign key check would lock the row it references (FOR KEY SHARE): a
// concurrent delete of one of them waits for the transaction. PostgreSQL
// no longer checks some links to configurations (migrations.Unenforced);
// whoever writes such a link locks the configuration with this first.
// SQLite (dev mode) has no row locks, and keeps those foreign keys.
func KeyShare(s *sql.Selector) {
	if s.Dialect() == dialect.Postgres {
		s.For(sql.LockKeyShare)
	}
}
