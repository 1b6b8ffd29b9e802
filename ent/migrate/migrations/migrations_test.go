package migrations_test

import (
	"bytes"
	"context"
	"testing"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/migrate/migrations"
	"github.com/ferryhq/ferry/internal/app"
	"github.com/ferryhq/ferry/internal/testenv"
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
	applied, err := migrations.Apply(ctx, db)
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	all, _ := migrations.All()
	if len(applied) != len(all) || len(all) == 0 {
		t.Fatalf("applied %v of %d migrations", applied, len(all))
	}
	again, err := migrations.Apply(ctx, db)
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
