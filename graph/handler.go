package graph

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/ferryhq/ferry/internal/domain/apperr"
	"github.com/ferryhq/ferry/internal/edge/auth"
	"github.com/ferryhq/ferry/internal/edge/ratelimit"
	"github.com/ferryhq/ferry/internal/edge/sockets"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/platform/telemetry"
)

// HandlerOptions are what the GraphQL handler needs besides the schema.
type HandlerOptions struct {
	Auth    *auth.Authenticator
	Logger  *slog.Logger
	Metrics *telemetry.Metrics // nil counts nothing
	Limits  QueryLimits
	// MaxResponseBytes bounds the answer of a query or subscription.
	MaxResponseBytes int
	// OriginPatterns are the browser origins, besides the API's own, allowed
	// to open a websocket (coder/websocket patterns; "*" allows any).
	OriginPatterns []string
	// Sockets holds the open websockets and their rules.
	Sockets *sockets.Registry
	// RateLimiter and Rates limit operations on websockets as HTTP's
	// middleware limits requests.
	RateLimiter *ratelimit.Limiter
	Rates       ratelimit.Rates
}

// Bounds of the caches of parsed documents and of persisted queries.
const (
	documentCacheBytes  = 32 << 20
	persistedCacheBytes = 8 << 20
)

// NewHandler serves schema over POST, GET and graphql-transport-ws. HTTP
// requests are authenticated by auth.Middleware; websocket connections by the
// Authorization key of their connection_init payload, and again before each
// operation.
func NewHandler(schema graphql.ExecutableSchema, o HandlerOptions) http.Handler {
	logger, m := o.Logger, o.Metrics
	srv := handler.New(schema)
	srv.AddTransport(o.websocketTransport())
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetParserTokenLimit(MaxTokens)
	srv.SetQueryCache(newByteCache(documentCacheBytes, documentCost))
	if m != nil {
		// Before requireViewer, so refused operations are counted too.
		srv.Use(m.GraphQL())
	}
	srv.Use(o.Limits)
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: newByteCache(persistedCacheBytes, persistedCost)})
	srv.Use(ResponseLimit{MaxBytes: o.MaxResponseBytes})
	srv.AroundOperations(o.socketRules)
	srv.AroundOperations(requireViewer)
	srv.AroundRootFields(sessionRules)
	srv.AroundResponses(markUnavailable)
	srv.SetErrorPresenter(presentError(logger))
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		logger.ErrorContext(ctx, "graphql panic", "panic", v)
		return gqlerror.Errorf("internal error")
	})
	return withRequestBase(withUnavailableStatus(withConnSlot(srv)))
}

// requireViewer refuses every operation without a valid token, except
// schema introspection (so the playground can load the schema).
func requireViewer(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if _, ok := viewer.FromContext(ctx); ok || introspectionOnly(graphql.GetOperationContext(ctx)) {
		return next(ctx)
	}
	msg := auth.FailureMessage(ctx)
	return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{apperr.New(apperr.Unauthenticated, msg, nil).GraphQL()}})
}

func introspectionOnly(oc *graphql.OperationContext) bool {
	if oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Query {
		return false
	}
	for _, sel := range oc.Operation.SelectionSet {
		f, ok := sel.(*ast.Field)
		if !ok || (f.Name != "__schema" && f.Name != "__type" && f.Name != "__typename") {
			return false
		}
	}
	return true
}
