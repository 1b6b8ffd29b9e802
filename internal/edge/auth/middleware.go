package auth

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

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
		if err != nil {
			if !IsUnauthenticated(err) {
				logger.ErrorContext(ctx, "authenticate", "err", err)
				err = errors.New("authentication is unavailable, try again")
			}
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
