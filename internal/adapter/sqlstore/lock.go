package sqlstore

import (
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
)

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
