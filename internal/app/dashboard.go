package app

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/hibiken/asynq"
	"github.com/hibiken/asynqmon"

	"github.com/ferryhq/ferry/internal/edge/middleware"
)

// dashboardPath is where asynqmon, asynq's web dashboard, is mounted.
const dashboardPath = "/asynq"

// dashboard serves asynqmon for the admin token only. A browser sends it as
// the password of HTTP Basic auth (any user name); scripts may send it as a
// Bearer token. A browser sends cached Basic credentials with a form posted
// from any site, so changes (pausing a queue, deleting tasks) are taken only
// from the dashboard's own origin.
func (a *App) dashboard() (http.Handler, func() error, error) {
	opt, err := asynq.ParseRedisURI(a.Config.RedisURL)
	if err != nil {
		return nil, nil, err
	}
	mon := asynqmon.New(asynqmon.Options{RootPath: dashboardPath, RedisConnOpt: opt})
	admin := []byte(a.Config.AdminToken)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if _, pass, ok := r.BasicAuth(); ok {
			token = pass
		}
		if len(admin) == 0 || subtle.ConstantTimeCompare([]byte(token), admin) != 1 {
			w.Header().Set("WWW-Authenticate", `Basic realm="Ferry asynq dashboard (password: the admin token)"`)
			http.Error(w, "the asynq dashboard needs the admin token", http.StatusUnauthorized)
			return
		}
		mon.ServeHTTP(w, r)
	})
	return middleware.SameOrigin(h), mon.Close, nil
}
