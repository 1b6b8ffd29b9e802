package graph

import (
	"context"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/ferryhq/ferry/internal/domain/apperr"
	"github.com/ferryhq/ferry/internal/edge/viewer"
)

// sessionMutations maps each mutation a console session may use to the
// capability it needs. Every other mutation (tokens, accounts, sessions,
// the catalog, publishing) is refused to sessions, so a mutation added
// later stays closed to them until it is listed here.
var sessionMutations = map[string]viewer.Capability{
	"verifyURL":               viewer.CapManageConfigurations,
	"createConfiguration":     viewer.CapManageConfigurations,
	"updateConfiguration":     viewer.CapManageConfigurations,
	"deleteConfiguration":     viewer.CapManageConfigurations,
	"activateConfiguration":   viewer.CapManageConfigurations,
	"deactivateConfiguration": viewer.CapManageConfigurations,
	"sendTestEvent":           viewer.CapManageConfigurations,
	"createSigningKey":        viewer.CapManageKeys,
	"rotateSigningKey":        viewer.CapManageKeys,
	"revokeSigningKey":        viewer.CapManageKeys,
	"resendDelivery":          viewer.CapResend,
	"resendDeliveries":        viewer.CapResend,
}

// sessionHiddenQueries are the queries a console session may not run.
var sessionHiddenQueries = map[string]bool{"accountTokens": true}

// sessionRules is where console sessions' capabilities are enforced, for
// HTTP and websockets alike: every root field of every operation passes
// here, and a session's is refused FORBIDDEN unless its capabilities allow
// it. Tokens pass through.
func sessionRules(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	v, ok := viewer.FromContext(ctx)
	if !ok || !v.IsSession() {
		return next(ctx)
	}
	rc := graphql.GetRootFieldContext(ctx)
	// RootFieldContext.Object holds the field's name, not its type's: the
	// operation says which root type this is.
	op := graphql.GetOperationContext(ctx).Operation.Operation
	if err := sessionMay(v, op, rc.Field.Name); err != nil {
		graphql.AddError(ctx, gqlerror.WrapPath(ast.Path{ast.PathName(rc.Field.Alias)}, err))
		return graphql.Null
	}
	return next(ctx)
}

// sessionMay says whether session v may resolve field of an operation of type op.
func sessionMay(v viewer.Viewer, op ast.Operation, field string) error {
	switch op {
	case ast.Query:
		if sessionHiddenQueries[field] {
			return apperr.Denied("%s is not available to console sessions", field)
		}
		return nil
	case ast.Subscription:
		return nil
	}
	need, ok := sessionMutations[field]
	switch {
	case !ok:
		return apperr.Denied("%s is not available to console sessions", field)
	case !v.Can(need):
		return apperr.Denied("%s needs the console session capability %s", field, need)
	}
	return nil
}

type requestBaseKey struct{}

// withRequestBase remembers the scheme and host a request came to, the
// base of console URLs when FERRY_PUBLIC_URL is unset. Proxies' headers
// are not trusted: behind one, set FERRY_PUBLIC_URL.
func withRequestBase(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestBaseKey{}, scheme+"://"+r.Host)))
	})
}

// consoleURL opens the console with token. The token goes in the fragment,
// which browsers never send to a server: it stays out of access logs,
// proxies and Referer headers.
func consoleURL(ctx context.Context, publicURL, token string) string {
	base := publicURL
	if base == "" {
		base, _ = ctx.Value(requestBaseKey{}).(string)
	}
	return base + "/console/#session=" + token
}
