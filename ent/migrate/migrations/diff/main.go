// Command diff prints the SQL that brings a database migrated with the
// checked-in migrations up to the current ent schema: the body of the next
// migration file. Run it against an empty scratch database:
//
//	DATABASE_URL=postgres://postgres@127.0.0.1:5432/scratch?sslmode=disable \
//	  go run ./ent/migrate/migrations/diff > ent/migrate/migrations/0002_what.sql
package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "github.com/lib/pq"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/migrate/migrations"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "diff:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	db, err := sql.Open("postgres", os.Getenv("DATABASE_URL"))
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := migrations.Apply(ctx, db, nil); err != nil {
		return err
	}
	client := ent.NewClient(ent.Driver(entsql.OpenDB(dialect.Postgres, db)))
	return client.Schema.WriteTo(ctx, os.Stdout, migrations.Options()...)
}
