// Package store holds the small helpers every domain package needs around the
// ent client: transactions and opening the PostgreSQL connection.
package store

import (
	"context"
	"fmt"

	"github.com/ferryhq/ferry/ent"
)

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
