package graph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/ferryhq/ferry/internal/domain/apperr"
	"github.com/ferryhq/ferry/internal/edge/auth"
	"github.com/ferryhq/ferry/internal/edge/ratelimit"
	"github.com/ferryhq/ferry/internal/edge/sockets"
	"github.com/ferryhq/ferry/internal/edge/viewer"
)

// keepAlive is how often an open socket is pinged; a peer that stops
// answering is dropped after twice as long, so dead sockets do not pin
// descriptors.
const keepAlive = 15 * time.Second

// websocketTransport serves graphql-transport-ws under the same rules as
// HTTP: the credential is checked at connection_init and again before every
// operation, operations pass the token's rate limit, and the socket
// registry enforces lifetimes, idle timeouts and caps.
func (o HandlerOptions) websocketTransport() transport.Websocket {
	return transport.Websocket{
		Implementation: trackedImplementation{transport.CoderWebsocketImplementation{
			AcceptOptions: websocket.AcceptOptions{OriginPatterns: o.OriginPatterns},
		}},
		KeepAlivePingInterval: keepAlive,
		PingPongInterval:      keepAlive,
		InitTimeout:           o.Sockets.Rules().InitTimeout,
		InitFunc:              o.initSocket,
		CloseFunc: func(ctx context.Context, _ int) {
			if s, ok := sockets.FromContext(ctx); ok {
				o.Sockets.Forget(s)
			}
		},
	}
}

type connSlotKey struct{}

// connSlot carries an accepted connection from the transport's Accept to
// InitFunc, which sees only the request's context.
type connSlot struct {
	conn transport.WebsocketConn
	ip   string // the client's address, for the sign-in rate limit
}

// withConnSlot gives each websocket upgrade a slot for its connection.
func withConnSlot(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" {
			r = r.WithContext(context.WithValue(r.Context(), connSlotKey{}, &connSlot{ip: ratelimit.ClientIP(r)}))
		}
		next.ServeHTTP(w, r)
	})
}

// trackedImplementation accepts connections as coder/websocket does and
// keeps each in its request's slot, so the registry can close it with a
// code of its choosing.
type trackedImplementation struct {
	transport.CoderWebsocketImplementation
}

// Accept implements transport.WebsocketImplementation.
func (t trackedImplementation) Accept(w http.ResponseWriter, r *http.Request, o transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	conn, err := t.CoderWebsocketImplementation.Accept(w, r, o)
	if slot, ok := r.Context().Value(connSlotKey{}).(*connSlot); ok && err == nil {
		slot.conn = conn
	}
	return conn, err
}

// initSocket signs a socket in with its connection_init Authorization.
// Refusals close it with graphql-transport-ws codes: 4401 for a missing,
// invalid or revoked token (clients stop), 4429 over a cap, 1011 when the
// token cannot be checked now (clients retry).
func (o HandlerOptions) initSocket(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
	slot, _ := ctx.Value(connSlotKey{}).(*connSlot)
	if slot == nil {
		slot = &connSlot{}
	}
	if wait := o.RateLimiter.Blocked(slot.ip); wait > 0 {
		return transport.WithWebsocketCloseCode(ctx, sockets.CodeTooMany), nil,
			fmt.Errorf("too many requests without a valid token from this address; retry in %d s", ratelimit.RetryAfter(wait))
	}
	authorization := payload.Authorization()
	v, err := o.Auth.Authenticate(ctx, authorization)
	switch {
	case auth.IsUnauthenticated(err):
		o.RateLimiter.Refused(ctx, slot.ip, o.Rates.Account)
		return transport.WithWebsocketCloseCode(ctx, sockets.CodeUnauthorized), nil, err
	case err != nil:
		o.Logger.ErrorContext(ctx, "websocket: authenticate", "err", err)
		return transport.WithWebsocketCloseCode(ctx, sockets.CodeUnavailable), nil, errors.New("authentication is unavailable, try again")
	}
	s, err := o.Sockets.Open(credential(v), authorization, slot.conn)
	if err != nil {
		return transport.WithWebsocketCloseCode(ctx, sockets.CodeTooMany), nil, err
	}
	if v.IsSession() {
		// A console session's socket ends with the session, not at the next
		// re-check; the timer goes with the connection.
		end := time.AfterFunc(v.SessionExpiresAt.Sub(o.Auth.Now()), func() {
			s.Close(sockets.CodeUnauthorized, "the console session has ended")
		})
		context.AfterFunc(ctx, func() { end.Stop() })
	}
	return sockets.NewContext(viewer.NewContext(ctx, v), s), nil, nil
}

// credential names what a viewer signed in with, for the socket registry
// and revocation.
func credential(v viewer.Viewer) string {
	switch {
	case v.Role == viewer.RoleAdmin:
		return "admin"
	case v.IsSession():
		return string(v.SessionID)
	}
	return string(v.TokenID)
}

// socketRules holds each operation on a socket to HTTP's rules: its token
// is checked again (a revoked one closes the socket), it passes the token's
// rate limit, and it must fit the socket's caps. HTTP operations pass
// through: their middleware did all this.
func (o HandlerOptions) socketRules(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	s, ok := sockets.FromContext(ctx)
	if !ok {
		return next(ctx)
	}
	v, err := o.Auth.Authenticate(ctx, s.Authorization)
	switch {
	case auth.IsUnauthenticated(err):
		answer := refuse(apperr.Unauthenticated, "the token is no longer valid", nil)
		// Closed once the answer is sent: the transport asks for the next one.
		return func(ctx context.Context) *graphql.Response {
			resp := answer(ctx)
			if resp == nil {
				s.Close(sockets.CodeUnauthorized, "the token is no longer valid")
			}
			return resp
		}
	case err != nil:
		o.Logger.ErrorContext(ctx, "websocket: authenticate", "err", err)
		return refuse(apperr.Unavailable, "authentication is unavailable, try again", nil)
	}
	ctx = viewer.NewContext(ctx, v)
	subject, rate := ratelimit.Subject(v, o.Rates)
	if allowed, wait := o.RateLimiter.Admit(ctx, o.Logger, subject, rate); !allowed {
		msg, secs := ratelimit.Refusal(rate, wait)
		return refuse(apperr.RateLimited, msg, map[string]any{"retryAfter": secs})
	}
	end, err := s.Begin(graphql.GetOperationContext(ctx).Operation.Operation == ast.Subscription)
	if err != nil {
		return refuse(apperr.TooManyOperations, err.Error(), nil)
	}
	// The transport cancels an operation's context once it is over.
	context.AfterFunc(ctx, end)
	return next(ctx)
}

// refuse answers an operation with one error.
func refuse(code apperr.Code, msg string, detail map[string]any) graphql.ResponseHandler {
	return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{apperr.New(code, msg, detail).GraphQL()}})
}
