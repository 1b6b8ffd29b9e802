// Package sqlstore is Ferry's SQL beside ent: transactions and row locks,
// and the hand-written statements of the hot paths (storing published
// deliveries, reading a wave's deliveries, saving attempts), each written
// for PostgreSQL beside its SQLite twin (dev mode). No other package knows
// the dialects; a test holds every column list here against ent's schema.
package sqlstore

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/account"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/domain/apperr"
)

// Store runs the hand-written statements in the dialect of the database:
// dialect.Postgres, or dialect.SQLite in dev mode.
type Store struct{ dialect string }

// New returns a Store for the database of dialect.
func New(dialectName string) Store { return Store{dialect: dialectName} }

// postgres reports whether the statements of PostgreSQL apply.
func (s Store) postgres() bool { return s.dialect == dialect.Postgres }

// WithTx runs fn in a transaction, committing when it returns nil and rolling
// back otherwise (also on panic).
func WithTx(ctx context.Context, client *ent.Client, fn func(tx *ent.Tx) error) (err error) {
	tx, err := client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if v := recover(); v != nil {
			_ = tx.Rollback()
			panic(v)
		}
	}()
	if err := fn(tx); err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			return fmt.Errorf("%w (rollback: %v)", err, rerr)
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// WithAccountLocked runs fn in a transaction that holds the account's row
// (NoKeyUpdate), so that what fn counts of the account's and then creates
// cannot be raced by another such transaction: how quotas hold under
// concurrent creates. An account that does not exist (or that ctx may not
// see) is not found.
func WithAccountLocked(ctx context.Context, client *ent.Client, accountID pulid.ID, fn func(tx *ent.Tx) error) error {
	return WithTx(ctx, client, func(tx *ent.Tx) error {
		ok, err := tx.Account.Query().Where(account.ID(accountID)).Modify(NoKeyUpdate).Exist(ctx)
		if err != nil {
			return fmt.Errorf("lock account %s: %w", accountID, err)
		}
		if !ok {
			return apperr.Missing("account " + string(accountID))
		}
		return fn(tx)
	})
}
