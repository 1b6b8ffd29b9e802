// Package devmode runs `ferry dev`: all of Ferry in one process with nothing
// to install. PostgreSQL is replaced by a SQLite file and Redis by an
// in-process Redis, behind the same ent client, the same asynq workers and
// the same GraphQL API as production. It is for trying and developing Ferry,
// not for production.
package devmode

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"

	"golang.org/x/sync/errgroup"

	"github.com/ferryhq/ferry/internal/app"
	"github.com/ferryhq/ferry/internal/platform/config"
)

// Options configure a dev server.
type Options struct {
	DataPath string              // the SQLite file; its secrets go next to it
	Port     int                 // HTTP port; 0 picks a free one
	Getenv   func(string) string // other settings (log level...), usually os.Getenv
	Out      io.Writer           // where the welcome banner goes
	Logger   func(config.Config) *slog.Logger
}

// env returns the environment dev mode runs Ferry with: the given one,
// over which it sets the database, Redis, secrets (the user's, when set)
// and insecure URLs (the echo receiver is on loopback). Retention is off unless set: the dev
// database is the user's own to clear.
func env(getenv func(string) string, dataPath, redisURL string, s *settings, port int) func(string) string {
	set := map[string]string{
		"DATABASE_URL":              app.SQLiteURL(dataPath),
		"REDIS_URL":                 redisURL,
		"FERRY_ADMIN_TOKEN":         s.AdminToken,
		"FERRY_ENCRYPTION_KEY":      s.EncryptionKey,
		"FERRY_ALLOW_INSECURE_URLS": "true",
		"PORT":                      strconv.Itoa(port),
	}
	defaults := map[string]string{
		"FERRY_LOG_FORMAT":     "text",
		"FERRY_RETENTION_DAYS": "0",
		// The in-process Redis starts empty: what came due while dev mode
		// was stopped is queued again as soon as it starts.
		"FERRY_RECOVERY_GRACE": "1s",
	}
	return func(name string) string {
		if v, ok := set[name]; ok {
			return v
		}
		if v := getenv(name); v != "" {
			return v
		}
		return defaults[name]
	}
}

// Run serves Ferry in dev mode until ctx is cancelled.
func Run(ctx context.Context, o Options) error {
	s, err := loadSettings(o.DataPath)
	if err != nil {
		return err
	}
	// What the user sets wins over what dev mode generated and keeps.
	s.AdminToken = cmp.Or(o.Getenv("FERRY_ADMIN_TOKEN"), s.AdminToken)
	s.EncryptionKey = cmp.Or(o.Getenv("FERRY_ENCRYPTION_KEY"), s.EncryptionKey)
	rds, err := StartRedis()
	if err != nil {
		return err
	}
	defer rds.Close()
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(o.Port)))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	cfg, err := config.Load(env(o.Getenv, o.DataPath, rds.URL(), s, port),
		config.Need{Database: true, Redis: true, Admin: true, Encryption: true})
	if err != nil {
		ln.Close()
		return err
	}
	logger := o.Logger(cfg)
	a, err := app.Open(ctx, cfg, logger)
	if err != nil {
		ln.Close()
		return err
	}
	defer a.Close()
	if err := a.Migrate(ctx); err != nil {
		ln.Close()
		return err
	}
	w, err := a.NewWorker()
	if err != nil {
		ln.Close()
		return err
	}
	mux := http.NewServeMux()
	mux.Handle(echoPath, echo(logger))
	mux.Handle("/", a.Handler())
	srv := a.Server("")
	srv.Handler = mux
	srv.BaseContext = func(net.Listener) context.Context { return context.WithoutCancel(ctx) }

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("http: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		<-gctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
		defer cancel()
		return srv.Shutdown(sctx)
	})
	g.Go(func() error { return w.Run(gctx) })
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	if err := seed(gctx, base, s, o.DataPath); err != nil {
		cancel()
		return errors.Join(fmt.Errorf("seed the dev database: %w", err), g.Wait())
	}
	console, err := consoleURL(gctx, base, s)
	if err != nil {
		cancel()
		return errors.Join(err, g.Wait())
	}
	banner(o.Out, base, console, s, o.DataPath)
	return g.Wait()
}

func banner(w io.Writer, base, console string, s *settings, dataPath string) {
	fmt.Fprintf(w, `
Ferry dev mode: for trying and developing Ferry, NOT for production.
  data           %s (secrets in %s)
  console        %s   (the demo account, signed in for 24 h)
  playground     %s/
  admin token    %s
  demo token     %s   (account "Demo"; set {"Authorization": "Bearer <token>"} in the playground)
  echo receiver  %s%s  (an ACTIVE configuration "Dev echo" subscribes to %v)

Try it in the playground with the demo token:
  mutation { publishEvent(input: {type: "QUESTION_ANSWERED", data: {hello: "world"}}) { id } }
  query { deliveries(first: 5) { edges { node { status eventType attempts { responseStatus } } } } }
  subscription { deliveryUpdated { id status eventType } }   (live; the token goes to the websocket too)

`, dataPath, settingsPath(dataPath), console, base, s.AdminToken, s.DemoToken, base, echoPath, SeedEventTypes)
}

// echo is the built-in receiver: it answers 200 to anything and logs what
// it got, so a delivery shows up at once.
func echo(logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		logger.Info("echo receiver got a request",
			"event_id", r.Header.Get("X-Ferry-Event-Id"), "delivery_id", r.Header.Get("X-Ferry-Delivery-Id"),
			"attempt", r.Header.Get("X-Ferry-Attempt"), "bytes", len(body))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true,"receiver":"ferry dev echo"}`))
	})
}
