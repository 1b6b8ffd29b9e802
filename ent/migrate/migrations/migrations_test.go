package migrations_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/lib/pq"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/migrate/migrations"
	"github.com/ferryhq/ferry/internal/adapter/secrets"
	"github.com/ferryhq/ferry/internal/app"
	"github.com/ferryhq/ferry/internal/testing/testenv"
)

// The checked-in migrations must produce exactly the schema ent expects;
// otherwise a schema change was made without its migration.
func TestMigrationsMatchTheEntSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := app.OpenDB(ctx, testenv.Postgres(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	applied, err := migrations.Apply(ctx, db, nil)
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	all, _ := migrations.All()
	if len(applied) != len(all) || len(all) == 0 {
		t.Fatalf("applied %v of %d migrations", applied, len(all))
	}
	again, err := migrations.Apply(ctx, db, nil)
	if err != nil || len(again) != 0 {
		t.Fatalf("second apply ran %v (err %v), want nothing", again, err)
	}
	client := ent.NewClient(ent.Driver(entsql.OpenDB(dialect.Postgres, db)))
	var diff bytes.Buffer
	if err := client.Schema.WriteTo(ctx, &diff, migrations.Options()...); err != nil {
		t.Fatalf("diff: %v", err)
	}
	if diff.Len() != 0 {
		t.Errorf("migrations lag behind ent/schema; add a migration with:\n%s", diff.String())
	}
}

// Upgrading a database whose configurations hold static headers in the
// clear seals them with FERRY_ENCRYPTION_KEY, keeps only their redacted
// form readable, and redacts the attempts recorded so far; without the key
// it refuses and changes nothing.
func TestUpgradeSealsStaticHeadersAndRedactsRecordedOnes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := app.OpenDB(ctx, testenv.Postgres(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const version = "0006_configuration_headers_encrypted"
	if _, err := migrations.ApplyBefore(ctx, db, version, nil); err != nil {
		t.Fatalf("apply the older migrations: %v", err)
	}
	const auth = "Basic dXNlcjpwYXNzd29yZA=="
	for _, stmt := range []string{
		`INSERT INTO accounts VALUES ('acc_1', now(), now(), 'a')`,
		`INSERT INTO signing_keys (id, created_at, updated_at, name, secret_encrypted, hint, account_id) VALUES ('key_1', now(), now(), 'k', '\x01', 'abcd', 'acc_1')`,
		`INSERT INTO configurations (id, created_at, updated_at, name, url, event_types, retry_schedule, headers, account_id, signing_key_id)
			VALUES ('cfg_1', now(), now(), 'with', 'https://example.com', '[]', '[]', '{"Authorization": "` + auth + `", "X-Pin": "12"}', 'acc_1', 'key_1'),
			       ('cfg_2', now(), now(), 'without', 'https://example.com', '[]', '[]', '{}', 'acc_1', 'key_1')`,
		`INSERT INTO events (id, created_at, updated_at, type, data, metadata, occurred_at, account_id) VALUES ('evt_1', now(), now(), 't', '{}', '{}', now(), 'acc_1')`,
		`INSERT INTO deliveries (id, created_at, updated_at, event_type, url, account_id, event_id)
			VALUES ('dlv_1', now(), now(), 't', 'https://example.com', 'acc_1', 'evt_1'), ('dlv_2', now(), now(), 't', 'https://example.com', 'acc_1', 'evt_1')`,
		`INSERT INTO delivery_attempts (id, number, trigger, request_url, request_headers, request_body, duration_ms, started_at, delivery_id, account_id)
			VALUES ('att_1', 1, 'AUTOMATIC', 'https://example.com', '{"Authorization": "` + auth + `", "X-Pin": "12", "Content-Type": "application/json",
				"User-Agent": "Ferry-Webhooks/0.1.0", "X-Signature": "0123456789abcdef", "Webhook-Signature": "v1,c2lnbmF0dXJl", "X-Ferry-Event-Id": "evt_1",
				"Traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}', '{}', 1, now(), 'dlv_1', 'acc_1'),
			       ('att_2', 1, 'AUTOMATIC', 'https://example.com', '{"X-Signature": "0123456789abcdef"}', '{}', 1, now(), 'dlv_2', 'acc_1')`,
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}

	if _, err := migrations.Apply(ctx, db, nil); err == nil || !strings.Contains(err.Error(), "FERRY_ENCRYPTION_KEY") {
		t.Fatalf("upgrade without a key: %v, want an error naming FERRY_ENCRYPTION_KEY", err)
	}
	var headers string
	if err := db.QueryRowContext(ctx, `SELECT headers::text FROM configurations WHERE id = 'cfg_1'`).Scan(&headers); err != nil || !strings.Contains(headers, auth) {
		t.Fatalf("the refused upgrade changed the headers to %s (%v)", headers, err)
	}

	key := make([]byte, secrets.KeySize)
	box, _ := secrets.NewBox(key)
	applied, err := migrations.Apply(ctx, db, box)
	if err != nil || len(applied) == 0 || applied[0] != version {
		t.Fatalf("upgrade: applied %v, %v", applied, err)
	}
	var sealed []byte
	if err := db.QueryRowContext(ctx, `SELECT headers::text, headers_encrypted FROM configurations WHERE id = 'cfg_1'`).Scan(&headers, &sealed); err != nil {
		t.Fatal(err)
	}
	if opened, err := box.OpenMap(sealed); err != nil || opened["Authorization"] != auth || opened["X-Pin"] != "12" || len(opened) != 2 {
		t.Errorf("sealed headers open to %v (%v), want the headers as they were", opened, err)
	}
	if want := `{"X-Pin": "••••", "Authorization": "••••ZA=="}`; headers != want {
		t.Errorf("headers = %s, want %s", headers, want)
	}
	var none []byte
	if err := db.QueryRowContext(ctx, `SELECT headers_encrypted FROM configurations WHERE id = 'cfg_2'`).Scan(&none); err != nil || none != nil {
		t.Errorf("a configuration without headers got headers_encrypted %x (%v), want NULL", none, err)
	}

	var recorded, untouched string
	if err := db.QueryRowContext(ctx, `SELECT (SELECT request_headers::text FROM delivery_attempts WHERE id = 'att_1'),
		(SELECT request_headers::text FROM delivery_attempts WHERE id = 'att_2')`).Scan(&recorded, &untouched); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"Authorization": "••••ZA=="`, `"X-Pin": "••••"`, `"Content-Type": "application/json"`, `"User-Agent": "Ferry-Webhooks/0.1.0"`,
		`"X-Signature": "0123456789abcdef"`, `"Webhook-Signature": "v1,c2lnbmF0dXJl"`, `"X-Ferry-Event-Id": "evt_1"`, `"Traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"`} {
		if !strings.Contains(recorded, want) {
			t.Errorf("recorded attempt headers %s, want %s in them", recorded, want)
		}
	}
	if untouched != `{"X-Signature": "0123456789abcdef"}` {
		t.Errorf("an attempt without static headers became %s", untouched)
	}
}

// Upgrading a database that holds history whose event or delivery is gone
// (stored while PostgreSQL did not check those links) deletes it, as the
// cascade would have, keeps the rest, and checks the links from then on.
func TestUpgradeDeletesOrphanedHistoryAndChecksItsLinks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := app.OpenDB(ctx, testenv.Postgres(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := migrations.ApplyBefore(ctx, db, "0010_history_foreign_keys", nil); err != nil {
		t.Fatalf("apply the older migrations: %v", err)
	}
	for _, stmt := range []string{
		`INSERT INTO accounts VALUES ('acc_1', now(), now(), 'a')`,
		`INSERT INTO events (id, created_at, updated_at, type, data, metadata, occurred_at, account_id) VALUES ('evt_1', now(), now(), 't', '{}', '{}', now(), 'acc_1')`,
		`INSERT INTO deliveries (id, created_at, updated_at, event_type, url, account_id, event_id)
			VALUES ('dlv_kept', now(), now(), 't', 'https://example.com', 'acc_1', 'evt_1'),
			       ('dlv_no_event', now(), now(), 't', 'https://example.com', 'acc_1', 'evt_gone')`,
		`INSERT INTO delivery_attempts (id, number, trigger, request_url, request_headers, request_body, duration_ms, started_at, delivery_id, account_id)
			VALUES ('att_kept', 1, 'AUTOMATIC', 'https://example.com', '{}', '{}', 1, now(), 'dlv_kept', 'acc_1'),
			       ('att_of_no_event', 1, 'AUTOMATIC', 'https://example.com', '{}', '{}', 1, now(), 'dlv_no_event', 'acc_1'),
			       ('att_no_delivery', 1, 'AUTOMATIC', 'https://example.com', '{}', '{}', 1, now(), 'dlv_gone', 'acc_1')`,
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}

	if _, err := migrations.Apply(ctx, db, nil); err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	var left string
	if err := db.QueryRowContext(ctx, `SELECT string_agg(id, ' ' ORDER BY id) FROM (
		SELECT id FROM events UNION ALL SELECT id FROM deliveries UNION ALL SELECT id FROM delivery_attempts) AS h`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if want := "att_kept dlv_kept evt_1"; left != want {
		t.Errorf("history after the upgrade: %s, want %s (the orphans deleted, the rest kept)", left, want)
	}
	var unchecked int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM pg_constraint WHERE conname IN
		('deliveries_events_deliveries', 'delivery_attempts_deliveries_attempts') AND contype = 'f' AND convalidated`).Scan(&unchecked); err != nil || unchecked != 2 {
		t.Fatalf("%d validated history foreign keys (%v), want 2", unchecked, err)
	}

	_, err = db.ExecContext(ctx, `INSERT INTO deliveries (id, created_at, updated_at, event_type, url, account_id, event_id)
		VALUES ('dlv_new', now(), now(), 't', 'https://example.com', 'acc_1', 'evt_gone')`)
	if pqErr := (*pq.Error)(nil); !errors.As(err, &pqErr) || pqErr.Code != "23503" {
		t.Errorf("a delivery of a missing event was stored (%v), want a foreign key violation", err)
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM events WHERE id = 'evt_1'`); err != nil {
		t.Fatal(err)
	}
	var rest int
	if err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM deliveries) + (SELECT count(*) FROM delivery_attempts)`).Scan(&rest); err != nil || rest != 0 {
		t.Errorf("deleting the event left %d deliveries and attempts (%v), want them deleted with it", rest, err)
	}
}
