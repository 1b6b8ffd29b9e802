package main

import (
	"context"
	"fmt"
	"io"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/app"
	"github.com/ferryhq/ferry/internal/domain/accounts"
	"github.com/ferryhq/ferry/internal/domain/catalog"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/platform/config"
)

const adminUsage = `usage: ferry admin <command>

  create-account NAME           create an account; prints its id and first token
  create-token ACCOUNT_ID [NAME] create another token for an account; prints it
  event-type create NAME        add an event type to the catalog

Works on DATABASE_URL directly (migrated), for operators who script set-up.
`

// runAdmin runs `ferry admin …`, printing results to out.
func runAdmin(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	cfg, err := config.Load(getenv, config.Need{Database: true})
	if err != nil {
		return err
	}
	db, dialectName, err := app.OpenDatabase(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	client := ent.NewClient(ent.Driver(entsql.OpenDB(dialectName, db)))
	ctx = viewer.System(ctx)
	switch {
	case len(args) == 2 && args[0] == "create-account":
		acc, token, err := accounts.Create(ctx, client, args[1])
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "account %s\ntoken %s\n", acc.ID, token)
	case (len(args) == 2 || len(args) == 3) && args[0] == "create-token":
		name := "cli"
		if len(args) == 3 {
			name = args[2]
		}
		_, token, err := accounts.CreateToken(ctx, client, pulid.ID(args[1]), name)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "token %s\n", token)
	case len(args) == 3 && args[0] == "event-type" && args[1] == "create":
		et, err := catalog.Create(ctx, client, catalog.CreateInput{Name: args[2]})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "event type %s %s\n", et.ID, et.Name)
	default:
		return fmt.Errorf("%s", adminUsage)
	}
	return nil
}
