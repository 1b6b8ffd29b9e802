// Package apptest runs a whole Ferry API for a test: its own PostgreSQL
// database (migrated), its own Redis DB, and an httptest server, with a small
// GraphQL client. Tests drive Ferry as users do, over HTTP.
package apptest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/ferryhq/ferry/ent/migrate/migrations"
	"github.com/ferryhq/ferry/internal/app"
	"github.com/ferryhq/ferry/internal/platform/config"
	"github.com/ferryhq/ferry/internal/testing/testenv"
	"github.com/ferryhq/ferry/internal/tools/devmode"
)

// AdminToken is the admin token of every test API.
const AdminToken = "test-admin-token-0123456789abcdefghijklmnop"

// Template migrates test databases once per migration set.
var Template = &testenv.Template{
	Key: "ferry_" + migrations.Hash(),
	Migrate: func(ctx context.Context, url string) error {
		db, err := app.OpenDB(ctx, url)
		if err != nil {
			return err
		}
		defer db.Close()
		_, err = migrations.Apply(ctx, db, nil)
		return err
	},
}

// Env is a running Ferry API for one test.
type Env struct {
	T      testing.TB
	App    *app.App
	Server *httptest.Server
	// EncryptionKey is the key secrets are sealed with.
	EncryptionKey []byte
	// Vars are the environment variables Ferry was configured with, for
	// starting another Ferry process on the same database and Redis.
	Vars map[string]string
	// Logs holds every line Ferry logged at FERRY_LOG_LEVEL (error unless
	// vars set it).
	Logs *Logs
}

// New starts Ferry for t. allowInsecure sets FERRY_ALLOW_INSECURE_URLS, which
// tests need to reach receivers on loopback.
func New(t testing.TB, allowInsecure bool) *Env {
	t.Helper()
	return NewWith(t, map[string]string{
		"FERRY_ALLOW_INSECURE_URLS": map[bool]string{true: "true", false: "false"}[allowInsecure],
	})
}

// NewWith starts Ferry for t with the environment variables of vars over
// the test defaults. Without DATABASE_URL or REDIS_URL in vars the test gets
// its own database and Redis DB.
func NewWith(t testing.TB, vars map[string]string) *Env {
	t.Helper()
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"FERRY_ADMIN_TOKEN":         AdminToken,
		"FERRY_ENCRYPTION_KEY":      base64.StdEncoding.EncodeToString(key),
		"FERRY_ALLOW_INSECURE_URLS": "true",
		"FERRY_LOG_LEVEL":           "error",
		"FERRY_RECOVERY_INTERVAL":   "200ms",
		"FERRY_RECOVERY_GRACE":      "1s",
		"FERRY_SHUTDOWN_TIMEOUT":    "5s",
		"FERRY_WORKER_CONCURRENCY":  "20",
		// Tests make many requests with one token; the rate-limit tests
		// turn these on.
		"FERRY_RATE_LIMIT":       "off",
		"FERRY_ADMIN_RATE_LIMIT": "off",
	}
	maps.Copy(env, vars)
	if env["DATABASE_URL"] == "" {
		env["DATABASE_URL"] = testenv.Postgres(t, Template)
	}
	if env["REDIS_URL"] == "" {
		env["REDIS_URL"] = testenv.Redis(t)
	}
	key, err := base64.StdEncoding.DecodeString(env["FERRY_ENCRYPTION_KEY"])
	if err != nil {
		t.Fatalf("FERRY_ENCRYPTION_KEY: %v", err)
	}
	cfg, err := config.Load(func(k string) string { return env[k] }, config.Need{Database: true, Redis: true, Admin: true, Encryption: true})
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	logs := &Logs{t: t}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: cfg.LogLevel}))
	a, err := app.Open(context.Background(), cfg, logger)
	if err != nil {
		t.Fatalf("open app: %v", err)
	}
	if a.Dialect == dialect.SQLite {
		if err := a.Migrate(context.Background()); err != nil {
			t.Fatalf("create the dev schema: %v", err)
		}
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() {
		srv.Close()
		_ = a.Close()
		_ = a.DB.Close()
	})
	return &Env{T: t, App: a, Server: srv, EncryptionKey: key, Vars: env, Logs: logs}
}

// NewDev starts Ferry for t as `ferry dev` runs it: on a SQLite file and an
// in-process Redis, with the same API and workers.
func NewDev(t testing.TB) *Env {
	t.Helper()
	rds, err := devmode.StartRedis()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rds.Close)
	return NewWith(t, map[string]string{
		"DATABASE_URL": app.SQLiteURL(filepath.Join(t.TempDir(), "ferry-dev.db")),
		"REDIS_URL":    rds.URL(),
	})
}

// InBothModes runs test in parallel subtests on a Ferry over PostgreSQL and
// Redis ("postgres") and on one as `ferry dev` runs it ("dev mode"), with
// FERRY_ALLOW_INSECURE_URLS on: dev mode has no second code path to drift.
func InBothModes(t *testing.T, test func(t *testing.T, e *Env)) {
	t.Helper()
	modes := []struct {
		name  string
		start func(testing.TB) *Env
	}{
		{"postgres", func(t testing.TB) *Env { return New(t, true) }},
		{"dev mode", NewDev},
	}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			test(t, m.start(t))
		})
	}
}

// Error is one GraphQL error as clients see it.
type Error struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// Code returns extensions.code.
func (e Error) Code() string { s, _ := e.Extensions["code"].(string); return s }

// Field returns extensions.field.
func (e Error) Field() string { s, _ := e.Extensions["field"].(string); return s }

// Response is a GraphQL response.
type Response struct {
	Data   json.RawMessage `json:"data"`
	Errors []Error         `json:"errors"`
}

// Do posts a GraphQL operation with token (none when empty).
func (e *Env) Do(token, query string, vars map[string]any) Response {
	e.T.Helper()
	_, out := e.Post(token, query, vars)
	return out
}

// Post is Do that also returns the HTTP response (its body read and
// closed), for its status and headers.
func (e *Env) Post(token, query string, vars map[string]any) (*http.Response, Response) {
	e.T.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, e.Server.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.T.Fatalf("graphql request: %v", err)
	}
	defer res.Body.Close()
	var out Response
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		e.T.Fatalf("graphql response (HTTP %d): %v", res.StatusCode, err)
	}
	return res, out
}

// MustDo is Do that fails the test on any GraphQL error and decodes data into v.
func (e *Env) MustDo(token, query string, vars map[string]any, v any) {
	e.T.Helper()
	res := e.Do(token, query, vars)
	if len(res.Errors) > 0 {
		e.T.Fatalf("graphql errors: %+v\nquery: %s", res.Errors, query)
	}
	if v != nil {
		if err := json.Unmarshal(res.Data, v); err != nil {
			e.T.Fatalf("decode data %s: %v", res.Data, err)
		}
	}
}

// OnlyError fails unless res has exactly one error, and returns it.
func OnlyError(t testing.TB, res Response) Error {
	t.Helper()
	if len(res.Errors) != 1 {
		t.Fatalf("want exactly one error, got %+v (data %s)", res.Errors, res.Data)
	}
	return res.Errors[0]
}

// Logs keeps what Ferry logs, and sends errors to the test's log, shown
// when it fails.
type Logs struct {
	t   testing.TB
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write implements io.Writer for slog's JSON handler (one line per call).
func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	l.buf.Write(p)
	l.mu.Unlock()
	// A fuzz target's *testing.F must not log from inside the target; its
	// failures show the error codes instead.
	if _, fuzz := l.t.(*testing.F); !fuzz && bytes.Contains(p, []byte(`"level":"ERROR"`)) {
		l.t.Log(string(bytes.TrimRight(p, "\n")))
	}
	return len(p), nil
}

// String returns everything logged so far.
func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
