package app

import (
	"encoding/json"
	"net/http"

	"github.com/99designs/gqlgen/graphql/playground"

	"github.com/ferryhq/ferry/graph"
	"github.com/ferryhq/ferry/internal/requestid"
)

// Handler is Ferry's HTTP API: the GraphQL endpoint, the playground and the
// health checks.
func (a *App) Handler() http.Handler {
	schema := graph.NewSchema(&graph.Resolver{
		Client: a.Client, Keys: a.Keys, Configs: a.Configs, Publish: a.Publish, Resend: a.Resend, Hub: a.Hub,
	})
	gql := a.Auth.Middleware(a.Logger, graph.NewHandler(schema, a.Auth, a.Logger, a.Metrics))

	mux := http.NewServeMux()
	mux.Handle("/graphql", gql)
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
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := a.Ready(r.Context()); err != nil {
			a.Logger.WarnContext(r.Context(), "not ready", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	return requestid.Middleware(mux)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
