package graph

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/metrics"
	"github.com/ferryhq/ferry/internal/viewer"
)

// HandlerOptions are what the GraphQL handler needs besides the schema.
type HandlerOptions struct {
	Auth    *auth.Authenticator
	Logger  *slog.Logger
	Metrics *metrics.Metrics // nil counts nothing
	Limits  QueryLimits
	// OriginPatterns are the browser origins, besides the API's own, allowed
	// to open a websocket (coder/websocket patterns; "*" allows any).
	OriginPatterns []string
}

// NewHandler serves schema over POST, GET and graphql-transport-ws. HTTP
// requests are authenticated by auth.Middleware; websocket connections by the
// Authorization key of their connection_init payload.
func NewHandler(schema graphql.ExecutableSchema, o HandlerOptions) http.Handler {
	authn, logger, m := o.Auth, o.Logger, o.Metrics
	srv := handler.New(schema)
	srv.AddTransport(transport.Websocket{
		Implementation: transport.CoderWebsocketImplementation{
			AcceptOptions: websocket.AcceptOptions{OriginPatterns: o.OriginPatterns},
		},
		KeepAlivePingInterval: 15 * time.Second,
		InitFunc: func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			v, err := authn.Authenticate(ctx, payload.Authorization())
			if err != nil {
				return ctx, nil, err
			}
			return viewer.NewContext(ctx, v), nil, nil
		},
	})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if m != nil {
		// Before requireViewer, so refused operations are counted too.
		srv.Use(m.GraphQL())
	}
	srv.Use(o.Limits)
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	srv.AroundOperations(requireViewer)
	srv.SetErrorPresenter(presentError(logger))
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		logger.ErrorContext(ctx, "graphql panic", "panic", v)
		return gqlerror.Errorf("internal error")
	})
	return srv
}

// requireViewer refuses every operation without a valid token, except
// schema introspection (so the playground can load the schema).
func requireViewer(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if _, ok := viewer.FromContext(ctx); ok || introspectionOnly(graphql.GetOperationContext(ctx)) {
		return next(ctx)
	}
	msg := auth.FailureMessage(ctx)
	return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
		Message:    msg,
		Extensions: map[string]any{"code": "UNAUTHENTICATED"},
	}}})
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
