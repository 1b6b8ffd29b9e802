package app

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/ferryhq/ferry/graph"
	"github.com/ferryhq/ferry/internal/edge/middleware"
	"github.com/ferryhq/ferry/internal/edge/ratelimit"
	"github.com/ferryhq/ferry/web"
)

// Handler is Ferry's HTTP API: the GraphQL endpoint, the playground, the
// customer console and the health checks.
func (a *App) Handler() http.Handler {
	schema := graph.NewSchema(&graph.Resolver{
		Client: a.Client, Keys: a.Keys, Configs: a.Configs, Publish: a.Publish, Attempts: a.Attempts, Hub: a.Hub, Sockets: a.Sockets,
		Auth: a.Auth, PublicURL: a.Config.PublicURL, Branding: a.Config.Branding,
	})
	origins := middleware.NewOrigins(a.Config.AllowedOrigins)
	rates := ratelimit.Rates{Account: a.Config.RateLimit, Admin: a.Config.AdminRateLimit}
	gql := graph.NewHandler(schema, graph.HandlerOptions{
		Auth: a.Auth, Logger: a.Logger, Metrics: a.Metrics,
		Limits:           graph.QueryLimits{MaxDepth: a.Config.MaxQueryDepth, MaxComplexity: a.Config.MaxQueryComplexity},
		MaxResponseBytes: a.Config.MaxResponseBytes,
		OriginPatterns:   origins.Patterns(),
		Sockets:          a.Sockets, RateLimiter: a.RateLimiter, Rates: rates,
	})
	limited := a.RateLimiter.Middleware(rates, a.Logger, gql)
	authenticated := a.RateLimiter.Guard(rates, a.Auth.Middleware(a.Logger, limited))
	api := origins.Middleware(middleware.BodyLimit(a.Config.MaxBodyBytes, authenticated))

	mux := http.NewServeMux()
	mux.Handle("/graphql", api)
	mux.Handle("GET /{$}", playgroundHandler(web.Dist()))
	mux.Handle("GET /console/", consoleHandler(web.Dist(), a.Config.AllowedOrigins))
	// The playground's page is built with the console's but served at / with
	// its own policy.
	mux.Handle("GET /console/playground.html", http.RedirectHandler("/", http.StatusMovedPermanently))
	mux.Handle("GET /console", http.RedirectHandler("/console/", http.StatusMovedPermanently))
	if a.Config.Dashboard {
		if h, closeDashboard, err := a.dashboard(); err != nil {
			a.Logger.Error("asynq dashboard not mounted", "err", err)
		} else {
			mux.Handle(dashboardPath+"/", h)
			a.closers = append(a.closers, closeDashboard)
		}
	}
	a.operations(mux)
	return middleware.RequestIDs(mux)
}

// OperationsHandler serves what operators watch a process by: /metrics,
// /healthz and /readyz. A worker serves it on its own (FERRY_WORKER_ADDR);
// the API serves it beside the API.
func (a *App) OperationsHandler() http.Handler {
	mux := http.NewServeMux()
	a.operations(mux)
	return middleware.RequestIDs(mux)
}

func (a *App) operations(mux *http.ServeMux) {
	mux.Handle("GET /metrics", a.Metrics.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", a.readyz)
}

// readyz answers whether Ferry can serve: which dependency is down, and
// nothing of why, which only the log says (the endpoint is unauthenticated).
func (a *App) readyz(w http.ResponseWriter, r *http.Request) {
	down := a.Ready(r.Context())
	out := map[string]string{"status": "ready", "postgresql": "up", "redis": "up"}
	for name, err := range down {
		a.Logger.WarnContext(r.Context(), "not ready", "dependency", name, "err", err)
		out["status"], out[name] = "unavailable", "down"
	}
	status := http.StatusOK
	if len(down) > 0 {
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, out)
}

// consoleHandler serves the console's single-page app: its files as they are,
// and index.html for every other path under /console/, which are the app's
// own routes. Hashed assets never change, so they are cached for good;
// index.html is revalidated so a new build is picked up at once.
func consoleHandler(assets fs.FS, allowedOrigins []string) http.Handler {
	index, err := fs.ReadFile(assets, "index.html")
	if err != nil {
		panic("web: the console build has no index.html: " + err.Error())
	}
	frameAncestors := consoleFrameAncestors(allowedOrigins)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		setPageHeaders(h, r.Host, consoleMedia, frameAncestors)
		name := strings.TrimPrefix(r.URL.Path, "/console/")
		if name != "" && name != "index.html" {
			if st, err := fs.Stat(assets, name); err == nil && !st.IsDir() {
				if strings.HasPrefix(name, "assets/") {
					h.Set("Cache-Control", "public, max-age=31536000, immutable")
				} else {
					h.Set("Cache-Control", "no-cache")
				}
				http.ServeFileFS(w, r, assets, name)
				return
			}
			// A missing script or stylesheet must not be answered with HTML.
			if strings.HasPrefix(name, "assets/") {
				http.NotFound(w, r)
				return
			}
		}
		h.Set("Cache-Control", "no-cache")
		h.Set("Content-Type", "text/html; charset=utf-8")
		http.ServeContent(w, r, "index.html", time.Time{}, bytes.NewReader(index))
	})
}

// playgroundHandler serves GraphiQL, built with the console (its scripts and
// styles are under /console/assets/), so nothing loads from another host.
// GraphiQL's stylesheet carries its fonts and icons as data: URLs, which the
// policy allows for fonts and images only. It is never framed: it holds
// whatever token the user types.
func playgroundHandler(assets fs.FS) http.Handler {
	page, err := fs.ReadFile(assets, "playground.html")
	if err != nil {
		panic("web: the console build has no playground.html: " + err.Error())
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		setPageHeaders(h, r.Host, playgroundMedia, "'none'")
		h.Set("Cache-Control", "no-cache")
		h.Set("Content-Type", "text/html; charset=utf-8")
		http.ServeContent(w, r, "playground.html", time.Time{}, bytes.NewReader(page))
	})
}

// consoleFrameAncestors lets the operator's own pages (FERRY_ALLOWED_ORIGINS)
// embed the console in an iframe, and nobody else.
func consoleFrameAncestors(allowedOrigins []string) string {
	sources := []string{"'self'"}
	for _, o := range allowedOrigins {
		if o == "*" {
			return "*"
		}
		sources = append(sources, o)
	}
	return strings.Join(sources, " ")
}

// plainHost is a host[:port] that can go into a header as it is.
var plainHost = regexp.MustCompile(`^[A-Za-z0-9.\-]+(:[0-9]+)?$|^\[[0-9A-Fa-f:.]+\](:[0-9]+)?$`)

// The pages' media policies. The console shows the operator's logo, from
// any https:// host or inline as a data: URL (Viewer.branding); GraphiQL's
// stylesheet carries its fonts and icons as data: URLs.
const (
	consoleMedia    = "img-src 'self' data: https:"
	playgroundMedia = "img-src 'self' data:; font-src 'self' data:"
)

// setPageHeaders gives a page of Ferry's own (the console, the playground)
// its security headers: a policy allowing only Ferry's own files and API,
// the media sources of media, and framing by frameAncestors.
func setPageHeaders(h http.Header, host, media, frameAncestors string) {
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; "+media+"; connect-src "+connectSources(host)+
		"; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors "+frameAncestors)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
}

// connectSources is the page's own API, its websocket named because not every
// browser counts ws: under 'self'.
func connectSources(host string) string {
	if plainHost.MatchString(host) {
		return "'self' ws://" + host + " wss://" + host
	}
	return "'self'"
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Server is the HTTP server of the API on addr, with Ferry's timeouts.
// Websocket connections are hijacked and so outlive the read and write
// timeouts; their liveness is kept by pings.
func (a *App) Server(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           a.Handler(),
		ReadHeaderTimeout: a.Config.ReadHeaderTimeout,
		ReadTimeout:       a.Config.ReadTimeout,
		WriteTimeout:      a.Config.WriteTimeout,
		IdleTimeout:       a.Config.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.Logger.Handler(), slog.LevelDebug),
	}
}
