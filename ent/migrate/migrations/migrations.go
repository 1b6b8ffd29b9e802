// Package migrations holds Ferry's versioned SQL migrations and applies them.
// Files are named NNNN_description.sql and applied in order, each in its own
// transaction, and recorded in ferry_schema_migrations. New ones are written
// with `go run ./ent/migrate/migrations/diff` (see README); what SQL cannot
// do (encrypting) is a Go step of its migration, in steps.go.
package migrations

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/ferryhq/ferry/internal/adapter/secrets"
)

//go:embed *.sql
var files embed.FS

// lockID serialises concurrent migrators (several replicas starting at once).
const lockID = 7_340_233_411

// Migration is one versioned SQL file.
type Migration struct {
	Version string // file name without .sql
	SQL     string
}

// All returns the migrations in the order they are applied.
func All() ([]Migration, error) {
	names, err := fs.Glob(files, "*.sql")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	out := make([]Migration, 0, len(names))
	for _, n := range names {
		b, err := files.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: strings.TrimSuffix(n, ".sql"), SQL: string(b)})
	}
	return out, nil
}

// Hash identifies the whole set of migrations, e.g. for test template databases.
func Hash() string {
	h := sha256.New()
	all, _ := All()
	for _, m := range all {
		h.Write([]byte(m.Version))
		h.Write([]byte(m.SQL))
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// Apply runs every migration db has not seen yet and returns their versions.
// box (from FERRY_ENCRYPTION_KEY) seals what a migration encrypts; it may be
// nil while there is nothing to encrypt (a new database).
func Apply(ctx context.Context, db *sql.DB, box *secrets.Box) ([]string, error) {
	all, err := All()
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return apply(ctx, db, box, all)
}

// apply runs the migrations of all that db has not seen yet.
func apply(ctx context.Context, db *sql.DB, box *secrets.Box, all []Migration) ([]string, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, lockID); err != nil {
		return nil, fmt.Errorf("migrate: lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, lockID)

	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS ferry_schema_migrations (
		version text PRIMARY KEY,
		applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	done := map[string]bool{}
	rows, err := conn.QueryContext(ctx, `SELECT version FROM ferry_schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return nil, fmt.Errorf("migrate: %w", err)
		}
		done[v] = true
	}
	rows.Close()

	var applied []string
	for _, m := range all {
		if done[m.Version] {
			continue
		}
		if err := applyOne(ctx, conn, m, box); err != nil {
			return applied, err
		}
		applied = append(applied, m.Version)
	}
	return applied, nil
}

func applyOne(ctx context.Context, conn *sql.Conn, m Migration, box *secrets.Box) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", m.Version, err)
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("migrate %s: %w", m.Version, err)
	}
	if step := steps[m.Version]; step != nil {
		if err := step(ctx, tx, box); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("migrate %s: %w", m.Version, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO ferry_schema_migrations (version) VALUES ($1)`, m.Version); err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("migrate %s: %w", m.Version, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate %s: %w", m.Version, err)
	}
	return nil
}
