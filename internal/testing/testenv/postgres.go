package testenv

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/lib/pq"
)

// Template is a migrated database that test databases are copied from, so
// migrations run once per schema instead of once per test.
type Template struct {
	// Key identifies the schema, e.g. a hash of the migration files, so a
	// changed schema gets a new template instead of a stale one.
	Key string
	// Migrate brings the empty database at dbURL to the schema. It must close
	// its connections before returning; any left open are terminated.
	Migrate func(ctx context.Context, dbURL string) error
}

// postgresTimeout bounds one Postgres call, including waiting for another
// test binary that is building the same template.
const postgresTimeout = 5 * time.Minute

// Process-wide state: the admin pool is shared by every test, and a template
// is built (or found) once per process.
var (
	adminMu   sync.Mutex
	adminDBs  = map[string]*sql.DB{}
	templMu   sync.Mutex
	templates = map[string]*templateState{}
)

type templateState struct {
	once sync.Once
	name string
	err  error
}

// Postgres returns the URL of a fresh database for this test alone, dropped
// at t.Cleanup. With a non-nil tmpl.Migrate the database is a copy of the
// migrated template; otherwise it is empty. The server is TEST_DATABASE_URL
// (default postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable).
func Postgres(t testing.TB, tmpl *Template) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), postgresTimeout)
	defer cancel()
	server, err := parsePostgresURL(databaseURL())
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	db := adminDB(server)
	if err := db.PingContext(ctx); err != nil {
		t.Fatalf("testenv: PostgreSQL at %s: %v\n%s", server.Redacted(), err, hint)
	}
	var source string
	if tmpl != nil && tmpl.Migrate != nil {
		if source, err = templateDB(ctx, db, server, tmpl); err != nil {
			t.Fatalf("testenv: template database for key %q: %v", tmpl.Key, err)
		}
	}
	// The prefix marks databases a killed run left behind; the test name says
	// whose they were.
	name := joinName("ferrytest", fragment(t.Name(), 42), randomSuffix())
	if err := createDatabase(ctx, db, name, source); err != nil {
		t.Fatalf("testenv: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		// FORCE, because a test may leave connections open and the data
		// must not outlive it.
		if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name)+" WITH (FORCE)"); err != nil {
			t.Errorf("testenv: drop database %s: %v", name, err)
		}
	})
	return withDatabase(server, name)
}

func parsePostgresURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, errors.New("TEST_DATABASE_URL must be a URL like " + defaultDatabaseURL)
	}
	return u, nil
}

// withDatabase returns server's URL pointing at database name.
func withDatabase(server *url.URL, name string) string {
	u := *server
	u.Path, u.RawPath = "/"+name, ""
	return u.String()
}

func adminDB(server *url.URL) *sql.DB {
	adminMu.Lock()
	defer adminMu.Unlock()
	key := server.String()
	if db, ok := adminDBs[key]; ok {
		return db
	}
	db, err := sql.Open("postgres", key)
	if err != nil {
		// sql.Open only fails for an unknown driver, which the import rules out.
		panic(err)
	}
	adminDBs[key] = db
	return db
}

func pingPostgres(ctx context.Context) error {
	server, err := parsePostgresURL(databaseURL())
	if err != nil {
		return err
	}
	if err := adminDB(server).PingContext(ctx); err != nil {
		return fmt.Errorf("PostgreSQL at %s: %w", server.Redacted(), err)
	}
	return nil
}

// createDatabase retries while the template is briefly in use: PostgreSQL
// refuses to copy a database that has other sessions.
func createDatabase(ctx context.Context, db *sql.DB, name, source string) error {
	q := "CREATE DATABASE " + pq.QuoteIdentifier(name)
	if source != "" {
		q += " TEMPLATE " + pq.QuoteIdentifier(source)
	}
	for attempt := 1; ; attempt++ {
		_, err := db.ExecContext(ctx, q)
		var pqErr *pq.Error
		if err == nil || attempt == 10 || !errors.As(err, &pqErr) || pqErr.Code != "55006" { // object_in_use
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt) * 100 * time.Millisecond):
		}
	}
}

// templateDB returns the name of tmpl's template database, building it the
// first time this process asks for it.
func templateDB(ctx context.Context, db *sql.DB, server *url.URL, tmpl *Template) (string, error) {
	if tmpl.Key == "" {
		return "", errors.New("Template.Key is empty; set it to a hash of the migrations")
	}
	templMu.Lock()
	st, ok := templates[tmpl.Key]
	if !ok {
		st = &templateState{}
		templates[tmpl.Key] = st
	}
	templMu.Unlock()
	st.once.Do(func() {
		st.name = templateName(tmpl.Key)
		st.err = ensureTemplate(ctx, db, server, st.name, tmpl.Migrate)
	})
	return st.name, st.err
}

// templateName derives a valid identifier from any key: a readable fragment
// plus a hash, so distinct keys never share a template.
func templateName(key string) string {
	sum := sha256.Sum256([]byte(key))
	return joinName("ferrytmpl", sanitize(key, 20), hex.EncodeToString(sum[:8]))
}

// ensureTemplate builds the template unless a finished one exists. Test
// binaries run in parallel, so the check and the build happen under an
// advisory lock; IS_TEMPLATE is set only after migrate succeeds, which marks
// a database left half-built by a killed run.
func ensureTemplate(ctx context.Context, db *sql.DB, server *url.URL, name string, migrate func(context.Context, string) error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	sum := sha256.Sum256([]byte(name))
	lockID := int64(binary.BigEndian.Uint64(sum[:8]))
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", lockID); err != nil {
		return fmt.Errorf("wait for template lock: %w", err)
	}
	// A fresh context: the lock must be released even if ctx has expired.
	defer conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", lockID)

	var done bool
	err = conn.QueryRowContext(ctx, "SELECT datistemplate FROM pg_database WHERE datname = $1", name).Scan(&done)
	switch {
	case err == nil && done:
		return nil
	case err == nil:
		if err := dropDatabase(ctx, conn, name); err != nil {
			return fmt.Errorf("drop half-built template: %w", err)
		}
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)); err != nil {
		return err
	}
	if err := migrate(ctx, withDatabase(server, name)); err != nil {
		_ = dropDatabase(context.Background(), conn, name)
		return fmt.Errorf("migrate: %w", err)
	}
	// No one may connect to the template from now on, and sessions the
	// migration left open are ended, so copying it never finds it in use.
	if _, err := conn.ExecContext(ctx, "ALTER DATABASE "+pq.QuoteIdentifier(name)+" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name)
	return err
}

func dropDatabase(ctx context.Context, conn *sql.Conn, name string) error {
	_, err := conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name)+" WITH (FORCE)")
	return err
}
