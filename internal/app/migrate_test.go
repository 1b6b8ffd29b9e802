package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/ent/configuration"
	"github.com/ferryhq/ferry/internal/adapter/secrets"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// A dev database made before static headers were encrypted keeps working:
// starting dev mode seals them, as migration 0006 does on PostgreSQL.
func TestDevModeSealsStaticHeadersLeftInTheClear(t *testing.T) {
	t.Parallel()
	e := apptest.NewDev(t)
	ctx := context.Background()
	const auth = "Basic dXNlcjpwYXNzd29yZA=="
	for _, stmt := range []string{
		`INSERT INTO accounts (id, created_at, updated_at, name) VALUES ('acc_1', datetime('now'), datetime('now'), 'a')`,
		`INSERT INTO signing_keys (id, created_at, updated_at, name, secret_encrypted, hint, account_id) VALUES ('key_1', datetime('now'), datetime('now'), 'k', x'01', 'abcd', 'acc_1')`,
		`INSERT INTO configurations (id, created_at, updated_at, name, url, event_types, max_parallel, timeout_seconds, retry_schedule, headers, status, account_id, signing_key_id)
			VALUES ('cfg_1', datetime('now'), datetime('now'), 'old', 'https://example.com', '[]', 10, 30, '[]', '{"Authorization":"` + auth + `"}', 'INACTIVE', 'acc_1', 'key_1')`,
	} {
		if _, err := e.App.DB.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	if err := e.App.Migrate(ctx); err != nil {
		t.Fatalf("restart dev mode: %v", err)
	}
	cfg, err := e.App.Client.Configuration.Query().Where(configuration.ID("cfg_1")).Only(viewer.System(ctx))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.HeaderHints["Authorization"] != "••••ZA==" || cfg.HeadersEncrypted == nil {
		t.Fatalf("after the restart: hints %v, sealed %v; want the value redacted and sealed", cfg.HeaderHints, cfg.HeadersEncrypted != nil)
	}
	box, err := secrets.NewBox(e.App.Config.EncryptionKey)
	if err != nil {
		t.Fatal(err)
	}
	if h, err := box.OpenMap(*cfg.HeadersEncrypted); err != nil || h["Authorization"] != auth {
		t.Errorf("the sealed headers open to %v (%v), want the value they had", h, err)
	}
	var raw string
	if err := e.App.DB.QueryRowContext(ctx, `SELECT headers FROM configurations WHERE id = 'cfg_1'`).Scan(&raw); err != nil || strings.Contains(raw, "dXNlcjpwYXNz") {
		t.Errorf("the headers column still holds %s (%v)", raw, err)
	}
}
