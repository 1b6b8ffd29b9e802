package bench

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/ferryhq/ferry/internal/app"
	"github.com/ferryhq/ferry/internal/platform/config"
)

// Environment is what a Ferry under measurement runs with: a fresh admin
// token and encryption key, loopback receivers allowed, no rate limits,
// warnings-only logs, no dashboard.
func Environment() map[string]string {
	key := make([]byte, 32)
	tok := make([]byte, 24)
	_, _ = rand.Read(key)
	_, _ = rand.Read(tok)
	return map[string]string{
		"FERRY_ADMIN_TOKEN":         "bench-" + hex.EncodeToString(tok),
		"FERRY_ENCRYPTION_KEY":      base64.StdEncoding.EncodeToString(key),
		"FERRY_ALLOW_INSECURE_URLS": "true",
		"FERRY_RATE_LIMIT":          "off",
		"FERRY_ADMIN_RATE_LIMIT":    "off",
		"FERRY_LOG_LEVEL":           "warn",
		"FERRY_DASHBOARD":           "false",
	}
}

// StartFerry runs Ferry's API and workers in this process on databaseURL and
// redisURL, as `ferry serve` would, with what a benchmark needs: loopback
// receivers allowed, no rate limits, warnings-only logs. vars override the
// environment it is given. stop shuts it down.
func StartFerry(ctx context.Context, getenv func(string) string, vars map[string]string) (Target, func(), error) {
	env := Environment()
	for k, v := range vars {
		env[k] = v
	}
	cfg, err := config.Load(func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return getenv(k)
	}, config.Need{Database: true, Redis: true, Admin: true, Encryption: true})
	if err != nil {
		return Target{}, nil, err
	}
	cfg.ApplyGC()
	logger := cfg.Logger(os.Stderr)
	a, err := app.Open(ctx, cfg, logger)
	if err != nil {
		return Target{}, nil, err
	}
	if err := a.Migrate(ctx); err != nil {
		a.Close()
		return Target{}, nil, err
	}
	w, err := a.NewWorker()
	if err != nil {
		a.Close()
		return Target{}, nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		a.Close()
		return Target{}, nil, err
	}
	srv := a.Server("")
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	served := make(chan struct{})
	worked := make(chan struct{})
	go func() {
		defer close(served)
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			logger.Error("bench: api stopped", "err", err)
		}
	}()
	go func() {
		defer close(worked)
		if err := w.Run(runCtx); err != nil {
			logger.Error("bench: worker stopped", "err", err)
		}
	}()
	stop := func() {
		sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer scancel()
		_ = srv.Shutdown(sctx)
		cancel()
		<-served
		<-worked
		_ = a.Close()
		_ = a.DB.Close()
	}
	t := Target{URL: "http://" + ln.Addr().String(), AdminToken: cfg.AdminToken, PID: os.Getpid()}
	if a.Dialect == "postgres" {
		t.DB, t.OwnPool = a.DB, true
	}
	fmt.Fprintf(stderr, "ferry running in-process at %s\n", t.URL)
	return t, stop, nil
}
