package app

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/99designs/gqlgen/graphql/playground"

	"github.com/ferryhq/ferry/graph"
	"github.com/ferryhq/ferry/internal/httpguard"
	"github.com/ferryhq/ferry/internal/ratelimit"
	"github.com/ferryhq/ferry/internal/requestid"
)

// Handler is Ferry's HTTP API: the GraphQL endpoint, the playground and the
// health checks.
func (a *App) Handler() http.Handler {
	schema := graph.NewSchema(&graph.Resolver{
		Client: a.Client, Keys: a.Keys, Configs: a.Configs, Publish: a.Publish, Resend: a.Resend, Hub: a.Hub, Sockets: a.Sockets,
		Auth: a.Auth, PublicURL: a.Config.PublicURL,
	})
	origins := httpguard.NewOrigins(a.Config.AllowedOrigins)
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
	api := origins.Middleware(httpguard.BodyLimit(a.Config.MaxBodyBytes, authenticated))

	mux := http.NewServeMux()
	mux.Handle("/graphql", api)
	mux.Handle("GET /metrics", a.Metrics.Handler())
	mux.Handle("GET /{$}", playground.Handler("Ferry", "/graphql"))
	if a.Config.Dashboard {
		if h, closeDashboard, err := a.dashboard(); err != nil {
			a.Logger.Error("asynq dashboard not mounted", "err", err)
		} else {
			mux.Handle(dashboardPath+"/", h)
			a.closers = append(a.closers, closeDashboard)
		}
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", a.readyz)
	return requestid.Middleware(mux)
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
