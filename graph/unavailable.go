package graph

import (
	"bytes"
	"context"
	"net/http"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/ferryhq/ferry/internal/domain/apperr"
)

type unavailableKey struct{}

// unavailable is set when an answer has no data and only UNAVAILABLE
// errors: a dependency went away during the operation.
type unavailable struct{ set bool }

// withUnavailableStatus answers such an operation over HTTP with 503 and
// Retry-After, as the token check does when PostgreSQL is down, so that a
// client (or a proxy) retries the same way whichever step met the outage.
// An answer with data stays 200: part of it is worth having.
func withUnavailableStatus(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" { // websockets: errors go in messages
			next.ServeHTTP(w, r)
			return
		}
		u := &unavailable{}
		next.ServeHTTP(&unavailableWriter{ResponseWriter: w, u: u}, r.WithContext(context.WithValue(r.Context(), unavailableKey{}, u)))
	})
}

// markUnavailable is the response interceptor that sets the mark.
func markUnavailable(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	res := next(ctx)
	u, _ := ctx.Value(unavailableKey{}).(*unavailable)
	if u == nil || res == nil || len(res.Errors) == 0 || !noData(res.Data) {
		return res
	}
	for _, e := range res.Errors {
		if e.Extensions["code"] != string(apperr.Unavailable) {
			return res
		}
	}
	u.set = true
	return res
}

func noData(data []byte) bool {
	d := bytes.TrimSpace(data)
	return len(d) == 0 || bytes.Equal(d, []byte("null"))
}

// unavailableWriter turns the status gqlgen writes (200) into 503 once the
// mark is set.
type unavailableWriter struct {
	http.ResponseWriter
	u           *unavailable
	wroteHeader bool
}

func (w *unavailableWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.wroteHeader = true
		if w.u.set && code == http.StatusOK {
			w.Header().Set("Retry-After", strconv.Itoa(apperr.RetryAfter))
			code = http.StatusServiceUnavailable
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *unavailableWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController (the websocket upgrade, flushes)
// reach the connection.
func (w *unavailableWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
