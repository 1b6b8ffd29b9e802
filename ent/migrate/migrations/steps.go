package migrations

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"entgo.io/ent/dialect"

	"github.com/ferryhq/ferry/internal/adapter/secrets"
)

// steps are the Go parts of migrations, for what SQL cannot do: each runs
// after its file's SQL, in the same transaction.
var steps = map[string]func(ctx context.Context, tx *sql.Tx, box *secrets.Box) error{
	"0006_configuration_headers_encrypted": func(ctx context.Context, tx *sql.Tx, box *secrets.Box) error {
		return SealHeaders(ctx, tx, dialect.Postgres, box)
	},
}

// SealHeaders moves the static headers of every configuration that still
// holds them in the clear to headers_encrypted, sealed by box, and leaves
// their redacted form in headers, as configurations are saved now. Dev
// mode's SQLite databases (whose schema ent creates) go through it too.
// box may be nil while no configuration has headers to seal.
func SealHeaders(ctx context.Context, tx *sql.Tx, dialectName string, box *secrets.Box) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, headers FROM configurations WHERE headers_encrypted IS NULL`)
	if err != nil {
		return fmt.Errorf("read headers: %w", err)
	}
	clear := map[string]map[string]string{}
	for rows.Next() {
		var (
			id  string
			raw []byte
			h   map[string]string
		)
		if err := rows.Scan(&id, &raw); err != nil {
			rows.Close()
			return fmt.Errorf("read headers: %w", err)
		}
		if err := json.Unmarshal(raw, &h); err != nil {
			rows.Close()
			return fmt.Errorf("read headers of %s: %w", id, err)
		}
		if len(h) > 0 {
			clear[id] = h
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read headers: %w", err)
	}
	if len(clear) == 0 {
		return nil
	}
	if box == nil {
		return fmt.Errorf("%d configurations have static headers to encrypt: set FERRY_ENCRYPTION_KEY", len(clear))
	}
	update := `UPDATE configurations SET headers = $1, headers_encrypted = $2 WHERE id = $3`
	if dialectName == dialect.SQLite {
		update = `UPDATE configurations SET headers = ?, headers_encrypted = ? WHERE id = ?`
	}
	for id, h := range clear {
		sealed, err := box.SealMap(h)
		if err != nil {
			return fmt.Errorf("seal headers of %s: %w", id, err)
		}
		hints, _ := json.Marshal(secrets.RedactMap(h)) // a map of strings always marshals
		if _, err := tx.ExecContext(ctx, update, string(hints), sealed, id); err != nil {
			return fmt.Errorf("seal headers of %s: %w", id, err)
		}
	}
	return nil
}
