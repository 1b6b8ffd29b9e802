package app

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	_ "modernc.org/sqlite" // SQLite driver, for dev mode only
)

// IsSQLite reports whether a DATABASE_URL names a SQLite file (dev mode).
func IsSQLite(databaseURL string) bool {
	return strings.HasPrefix(strings.ToLower(databaseURL), "sqlite:")
}

// SQLiteURL is the DATABASE_URL of the SQLite file at path.
func SQLiteURL(path string) string { return "sqlite:" + path }

// OpenDatabase opens PostgreSQL, or a SQLite file for dev mode, and returns
// the ent dialect to speak to it.
func OpenDatabase(ctx context.Context, databaseURL string) (*sql.DB, string, error) {
	if !IsSQLite(databaseURL) {
		db, err := OpenDB(ctx, databaseURL)
		return db, dialect.Postgres, err
	}
	db, err := openSQLite(ctx, databaseURL)
	return db, dialect.SQLite, err
}

// openSQLite opens the file of a sqlite: URL with what concurrent writers
// need: foreign keys on, WAL, and a busy timeout instead of SQLITE_BUSY.
func openSQLite(ctx context.Context, databaseURL string) (*sql.DB, error) {
	path := strings.TrimPrefix(databaseURL[len("sqlite:"):], "//")
	if path == "" {
		return nil, fmt.Errorf("DATABASE_URL: sqlite: needs a file path")
	}
	q := url.Values{}
	for _, p := range []string{"foreign_keys(1)", "busy_timeout(10000)", "journal_mode(WAL)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	// Transactions take the write lock when they begin: one that read
	// first and wrote after another writer's commit failed at once with
	// SQLITE_BUSY, which the busy timeout does not wait out.
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	// One writer at a time is SQLite's rule; a small pool keeps readers
	// concurrent without piling up writers on the busy timeout.
	db.SetMaxOpenConns(4)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open SQLite %s: %w", path, err)
	}
	return db, nil
}
