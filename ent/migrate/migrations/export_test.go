package migrations

import (
	"context"
	"database/sql"

	"github.com/ferryhq/ferry/internal/adapter/secrets"
)

// ApplyBefore applies the migrations older than version, leaving db as an
// older Ferry left it.
func ApplyBefore(ctx context.Context, db *sql.DB, version string, box *secrets.Box) ([]string, error) {
	all, err := All()
	if err != nil {
		return nil, err
	}
	var older []Migration
	for _, m := range all {
		if m.Version < version {
			older = append(older, m)
		}
	}
	return apply(ctx, db, box, older)
}
