package graph

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/ferryhq/ferry/internal/domain/apperr"
	"github.com/ferryhq/ferry/internal/edge/middleware"
)

// presentError is the one place where errors become what clients see: a
// code in extensions.code, the field at fault, and a safe message. Internal
// errors are logged with the request id and shown only as that id.
func presentError(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var gqlErr *gqlerror.Error
		if errors.As(err, &gqlErr) && gqlErr.Err == nil {
			// Parse and validation errors from gqlgen itself.
			if gqlErr.Extensions == nil {
				gqlErr.Extensions = map[string]any{}
			}
			if isVariableError(gqlErr.Path) {
				// A variable of the wrong shape (null, wrong type) is bad
				// input like any other: name the field.
				e := apperr.Invalid(lastName(gqlErr.Path), "%s", gqlErr.Message)
				gqlErr.Message = e.Message
				maps.Copy(gqlErr.Extensions, e.Extensions())
			}
			if _, ok := gqlErr.Extensions["code"]; !ok {
				maps.Copy(gqlErr.Extensions, apperr.New(apperr.GraphQLValidationFailed, "", nil).Extensions())
			}
			return gqlErr
		}
		e := apperr.From(err)
		if e.Code == apperr.Internal || e.Code == apperr.Unavailable {
			// Log before the presented error (often the same value) is rewritten.
			logger.ErrorContext(ctx, "graphql "+strings.ToLower(string(e.Code))+" error", "request_id", middleware.RequestID(ctx), "err", err.Error())
		}
		out := graphql.DefaultErrorPresenter(ctx, err)
		if e.Code == apperr.BadInput && e.Field == "" {
			// Input coercion errors (scalars) know their place only by path.
			e = apperr.Invalid(lastName(out.Path), "%s", e.Message)
		}
		out.Message = e.Message
		out.Extensions = e.Extensions()
		switch e.Code {
		case apperr.Internal:
			id := middleware.RequestID(ctx)
			out.Message = "internal error (request id " + id + ")"
			out.Extensions["requestId"] = id
		case apperr.Unavailable:
			out.Extensions["requestId"] = middleware.RequestID(ctx)
		}
		return out
	}
}

// isVariableError reports whether path points into an operation's
// variables, where gqlgen puts its variable coercion errors.
func isVariableError(path ast.Path) bool {
	if len(path) < 2 {
		return false
	}
	name, ok := path[0].(ast.PathName)
	return ok && name == "variable"
}

// lastName returns the last field name in an error path.
func lastName(path ast.Path) string {
	for i := len(path) - 1; i >= 0; i-- {
		if name, ok := path[i].(ast.PathName); ok {
			return string(name)
		}
	}
	return "input"
}
