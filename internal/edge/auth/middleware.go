package auth

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/ferryhq/ferry/internal/domain/apperr"
	"github.com/ferryhq/ferry/internal/edge/middleware"
	"github.com/ferryhq/ferry/internal/edge/viewer"
)

type failureKey struct{}

// Middleware authenticates the Authorization header of each request. A
// request without a valid token goes on without a viewer (and the reason is
// kept for FailureMessage), so the GraphQL layer answers UNAUTHENTICATED in
// its own format and the playground still loads.
func (a *Authenticator) Middleware(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header := r.Header.Get("Authorization")
		if header == "" {
			next.ServeHTTP(w, r)
			return
		}
		ctx := r.Context()
		v, err := a.Authenticate(ctx, header)
		if err != nil && !IsUnauthenticated(err) {
			// The token could not be checked (the database is down): that is
			// no verdict on the token, and the client should retry.
			id := middleware.RequestID(ctx)
			logger.ErrorContext(ctx, "authenticate", "err", err, "request_id", id)
			w.Header().Set("Retry-After", strconv.Itoa(apperr.RetryAfter))
			apperr.WriteHTTP(w, http.StatusServiceUnavailable, apperr.New(apperr.Unavailable,
				"authentication is unavailable, try again", map[string]any{"retryAfter": apperr.RetryAfter, "requestId": id}))
			return
		}
		if err != nil {
			next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, failureKey{}, err.Error())))
			return
		}
		next.ServeHTTP(w, r.WithContext(viewer.NewContext(ctx, v)))
	})
}

// FailureMessage says why a request has no viewer, for the UNAUTHENTICATED error.
func FailureMessage(ctx context.Context) string {
	if msg, ok := ctx.Value(failureKey{}).(string); ok {
		return msg
	}
	return "a valid API token is required (Authorization: Bearer <token>)"
}
