// Package middleware wraps the API's HTTP handlers: every request gets an
// id (requestid.go), a bounded body, and an answer only for the browser
// origins allowed (CORS and websocket upgrades); pages opened with Basic
// auth keep to their own origin. Rate limiting is package ratelimit.
package middleware

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/ferryhq/ferry/internal/domain/apperr"
)

// BodyLimit refuses request bodies larger than limit bytes with HTTP 413
// before the handler reads any of them, whether the client declared the
// length or streams it. Websocket upgrades have no body and pass through;
// their messages are limited by the websocket transport.
func BodyLimit(limit int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		refuse := func() {
			w.Header().Set("Connection", "close")
			apperr.WriteHTTP(w, http.StatusRequestEntityTooLarge, apperr.New(apperr.RequestTooLarge,
				fmt.Sprintf("the request body is larger than %d bytes (FERRY_MAX_BODY_BYTES)", limit),
				map[string]any{"limit": limit}))
		}
		if r.ContentLength > limit {
			refuse()
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
		if err != nil {
			apperr.WriteHTTP(w, http.StatusBadRequest, apperr.New(apperr.BadRequest, "the request body could not be read", nil))
			return
		}
		if int64(len(body)) > limit {
			refuse()
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// Origins decides which browser origins may call the API. A request without
// an Origin header (a server, a script) and a same-origin request are always
// allowed; others only when listed, or when the list holds "*".
type Origins struct {
	allowed []string // lower-case scheme://host[:port], or "*"
}

// NewOrigins returns the policy for FERRY_ALLOWED_ORIGINS.
func NewOrigins(allowed []string) Origins {
	out := make([]string, 0, len(allowed))
	for _, o := range allowed {
		out = append(out, strings.ToLower(strings.TrimRight(o, "/")))
	}
	return Origins{allowed: out}
}

// Allowed reports whether r's origin may call the API.
func (o Origins) Allowed(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	return slices.Contains(o.allowed, "*") || slices.Contains(o.allowed, strings.ToLower(u.Scheme+"://"+u.Host))
}

// Patterns are the origin patterns for coder/websocket's AcceptOptions, the
// same policy as Allowed.
func (o Origins) Patterns() []string { return slices.Clone(o.allowed) }

// Middleware refuses requests from other origins with 403 and answers CORS
// for allowed ones, preflights included.
func (o Origins) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		w.Header().Add("Vary", "Origin")
		if !o.Allowed(r) {
			apperr.WriteHTTP(w, http.StatusForbidden, apperr.New(apperr.Forbidden,
				fmt.Sprintf("origin %q may not call this API (FERRY_ALLOWED_ORIGINS)", origin), nil))
			return
		}
		if origin != "" {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Expose-Headers", "X-Request-Id, Retry-After")
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
				h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
				h.Set("Access-Control-Max-Age", "600")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// SameOrigin refuses with 403 every request that may change state (any
// method but GET and HEAD) sent by a page of another origin. It is for
// pages a browser opens with cached credentials (HTTP Basic), which it would
// otherwise send along with a form posted from any site. The origin is the
// Origin header, else Sec-Fetch-Site, else the Referer; a request with none
// of them comes from no browser page and passes.
func SameOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !sameOrigin(r) {
			http.Error(w, "cross-origin request refused: this page changes state only from its own origin", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sameOrigin reports whether r comes from a page of r's own origin, or
// from no page at all.
func sameOrigin(r *http.Request) bool {
	if origin := r.Header.Get("Origin"); origin != "" {
		return sameHost(origin, r.Host) // "null" (a sandboxed or opaque origin) has no host
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin" || site == "none" // none: the user's own action, e.g. a bookmark
	}
	if referer := r.Header.Get("Referer"); referer != "" {
		return sameHost(referer, r.Host)
	}
	return true
}

// sameHost reports whether the URL raw names host (with its port).
func sameHost(raw, host string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, host)
}
