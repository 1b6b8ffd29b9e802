// Package softdelete keeps a deleted configuration's row, marked with
// deleted_at, and hides it from every query: the history that names it keeps
// its link (id and name), in PostgreSQL and in dev mode's SQLite alike,
// while the configuration itself is gone for every client.
package softdelete

import (
	"context"

	"entgo.io/ent"
	"entgo.io/ent/dialect/sql"

	"github.com/ferryhq/ferry/ent/intercept"
)

// Column marks a row deleted: null while it exists.
const Column = "deleted_at"

type includeKey struct{}

// Include lets queries under ctx find deleted rows too.
func Include(ctx context.Context) context.Context {
	return context.WithValue(ctx, includeKey{}, true)
}

// Included reports whether ctx came from Include.
func Included(ctx context.Context) bool {
	v, _ := ctx.Value(includeKey{}).(bool)
	return v
}

// Hide is the interceptor that leaves deleted rows out of every query,
// traversals and eager loads included, unless its context came from
// Include.
func Hide() ent.Interceptor {
	return ent.TraverseFunc(func(ctx context.Context, q ent.Query) error {
		if Included(ctx) {
			return nil
		}
		w, err := intercept.NewQuery(q)
		if err != nil {
			return err
		}
		w.WhereP(sql.FieldIsNull(Column))
		return nil
	})
}
