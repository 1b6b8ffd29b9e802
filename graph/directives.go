package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/ferryhq/ferry/internal/edge/viewer"
)

// adminOnly implements @admin: fields only the admin token may use.
func adminOnly(ctx context.Context, _ any, next graphql.Resolver) (any, error) {
	v, ok := viewer.FromContext(ctx)
	switch {
	case !ok:
		return nil, viewer.ErrUnauthenticated
	case v.Role != viewer.RoleAdmin:
		return nil, viewer.ErrForbidden
	}
	return next(ctx)
}
