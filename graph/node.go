package graph

import (
	"context"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/domain/apperr"
)

// nodeType finds the table of an id from its prefix; an id with no known
// prefix names nothing, so it is not found rather than an internal error.
func nodeType(ctx context.Context, id pulid.ID) (string, error) {
	table, err := ent.IDToType(ctx, id)
	if err != nil {
		return "", apperr.Missing(string(id))
	}
	return table, nil
}
