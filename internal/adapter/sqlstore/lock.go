package sqlstore

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

// NoKeyUpdate locks the rows a query reads against each other until its
// transaction ends (FOR NO KEY UPDATE): a second transaction locking one of
// them waits, while foreign key checks (FOR KEY SHARE) go on. Quotas lock
// the account this way, so concurrent creates count one after the other.
// SQLite (dev mode) takes its one write lock when a transaction begins.
func NoKeyUpdate(s *sql.Selector) {
	if s.Dialect() == dialect.Postgres {
		s.For(sql.LockNoKeyUpdate)
	}
}
