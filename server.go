// Command ferry is the Ferry webhook platform.
//
//	ferry dev       everything in one process on SQLite and an in-process Redis
//	ferry serve     API and workers in one process (migrates first)
//	ferry api       the GraphQL API only
//	ferry worker    the delivery workers only
//	ferry migrate   apply database migrations and exit
//	ferry admin     create accounts, tokens and event types from a shell
//	ferry bench     measure throughput and latency end to end (BENCHMARKS.md)
//	ferry faults    break Ferry's processes under load and account for every event (RELIABILITY.md)
//	ferry version   print the version
//
// Everything else is configured by environment variables (see README).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ferryhq/ferry/internal/app"
	"github.com/ferryhq/ferry/internal/platform/config"
	"github.com/ferryhq/ferry/internal/platform/telemetry"
	"github.com/ferryhq/ferry/internal/tools/devmode"
)

const usage = `usage: ferry <dev|serve|api|worker|migrate|admin|bench|faults|version>

  dev       try Ferry with nothing installed: SQLite file + in-process Redis,
            seeded, with an echo receiver (flags: --data FILE, --port N);
            for trying and developing, not for production
  serve     run the GraphQL API and the workers in one process (migrates first)
  api       run the GraphQL API only
  worker    run the delivery workers only
  migrate   apply database migrations and exit
  admin     create-account NAME | create-token ACCOUNT_ID | event-type create NAME
  bench     measure Ferry end to end: --scenario throughput|fanout|paced|
            slow-receivers|idle-latency|history, --json (see BENCHMARKS.md)
  faults    run this binary as an API and two workers on a PostgreSQL and a
            Redis of its own, break them under load (--faults flushall,
            kill-worker,kill-api,pg-restart,redis-down,pg-down,sigterm-worker)
            and account for every event; --json, --check (see RELIABILITY.md)
  version   print the version
  healthcheck  exit 0 when the local API answers /healthz (for containers)

Environment:
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage, config.Usage())
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := runCommand(ctx, os.Args[1:], os.Getenv, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "ferry:", err)
		os.Exit(1)
	}
}

// runCommand runs `ferry args...`. `ferry <command> --help` (or -h, or
// help) prints that command's help and succeeds, whatever the command.
func runCommand(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	cmd, rest := args[0], args[1:]
	if slices.ContainsFunc(rest, isHelp) {
		switch cmd {
		case "dev", "bench", "faults":
			rest = []string{"-h"} // their flags print themselves
		case "admin":
			fmt.Fprint(out, adminUsage)
			return nil
		default:
			help, ok := commandHelp(cmd)
			if !ok {
				return fmt.Errorf("unknown command %q\n\n%s", cmd, usage)
			}
			fmt.Fprint(out, help)
			return nil
		}
	}
	var err error
	switch cmd {
	case "dev":
		err = runDev(ctx, rest, getenv, out)
	case "admin":
		err = runAdmin(ctx, rest, getenv, out)
	case "bench":
		err = runBench(ctx, rest, getenv, out)
	case "faults":
		err = runFaults(ctx, rest, out)
	default:
		err = run(ctx, cmd)
	}
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

func isHelp(arg string) bool {
	return arg == "-h" || arg == "--help" || arg == "-help" || arg == "help"
}

// commandHelp is cmd's lines of usage, and the environment it reads.
func commandHelp(cmd string) (string, bool) {
	var b strings.Builder
	in := false
	for line := range strings.SplitSeq(usage, "\n") {
		switch {
		case strings.HasPrefix(line, "  "+cmd+" "):
			in = true
		case in && !strings.HasPrefix(line, "      "):
			in = false
		}
		if in {
			b.WriteString(line + "\n")
		}
	}
	if b.Len() == 0 {
		return "", false
	}
	return "usage: ferry " + cmd + "\n\n" + b.String() + "\nEnvironment:\n" + config.Usage(), true
}

func run(ctx context.Context, cmd string) error {
	switch cmd {
	case "version":
		fmt.Println("ferry", app.Version)
		return nil
	case "healthcheck":
		return healthcheck(ctx)
	case "help", "-h", "--help":
		fmt.Print(usage, config.Usage())
		return nil
	case "serve", "api", "worker", "migrate":
	default:
		return fmt.Errorf("unknown command %q\n\n%s", cmd, usage)
	}
	need := config.Need{Database: true, Redis: cmd != "migrate", Admin: cmd == "serve" || cmd == "api", Encryption: cmd != "migrate"}
	cfg, err := config.Load(os.Getenv, need)
	if err != nil {
		return err
	}
	cfg.ApplyGC()
	logger := cfg.Logger(os.Stderr)
	slog.SetDefault(logger)
	stopTracing, err := startTracing(ctx, os.Getenv)
	if err != nil {
		return err
	}
	defer stopTracing()
	if cfg.CPUProfile != "" {
		stop, err := startCPUProfile(cfg.CPUProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	if cmd == "migrate" {
		db, dialectName, err := app.OpenDatabase(ctx, cfg.DatabaseURL)
		if err != nil {
			return err
		}
		defer db.Close()
		a := &app.App{Config: cfg, DB: db, Logger: logger, Dialect: dialectName}
		return a.Migrate(ctx)
	}
	a, err := app.Open(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer a.Close()
	if cmd == "serve" {
		if err := a.Migrate(ctx); err != nil {
			return err
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	if cmd == "serve" || cmd == "api" {
		g.Go(func() error { return serveHTTP(gctx, a) })
	}
	if cmd == "serve" || cmd == "worker" {
		w, err := a.NewWorker()
		if err != nil {
			return err
		}
		g.Go(func() error { return w.Run(gctx) })
	}
	if cmd == "worker" && cfg.WorkerAddr != "" {
		g.Go(func() error { return serveOperations(gctx, a, cfg.WorkerAddr) })
	}
	return g.Wait()
}

// flagGiven reports whether name was set on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// startCPUProfile writes a CPU profile to path until stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("FERRY_CPU_PROFILE: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("FERRY_CPU_PROFILE: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// runDev runs `ferry dev [--data FILE] [--port N]`.
func runDev(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	fs.SetOutput(out)
	data := fs.String("data", "ferry-dev.db", "the SQLite file that keeps the dev data")
	port := fs.Int("port", 8080, "HTTP port (0 picks a free one); PORT when the flag is not given")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if p := getenv("PORT"); p != "" && !flagGiven(fs, "port") {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 65535 {
			return fmt.Errorf("PORT must be a port number, got %q", p)
		}
		*port = n
	}
	stopTracing, err := startTracing(ctx, getenv)
	if err != nil {
		return err
	}
	defer stopTracing()
	return devmode.Run(ctx, devmode.Options{
		DataPath: *data, Port: *port, Getenv: getenv, Out: out,
		Logger: func(cfg config.Config) *slog.Logger {
			logger := cfg.Logger(os.Stderr)
			slog.SetDefault(logger)
			return logger
		},
	})
}

// startTracing exports traces when OTEL_EXPORTER_OTLP_ENDPOINT is set, and
// returns what flushes them at exit.
func startTracing(ctx context.Context, getenv func(string) string) (stop func(), err error) {
	shutdown, err := telemetry.SetupTracing(ctx, getenv, app.Version)
	if err != nil {
		return nil, err
	}
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = shutdown(sctx)
	}, nil
}

// serveHTTP serves the API until ctx is cancelled, then drains connections.
func serveHTTP(ctx context.Context, a *app.App) error {
	srv := a.Server(net.JoinHostPort("", strconv.Itoa(a.Config.Port)))
	return serveUntilDone(ctx, a, srv, "api", "playground", fmt.Sprintf("http://localhost:%d/", a.Config.Port))
}

// serveOperations serves a worker's /metrics, /healthz and /readyz on addr
// until ctx is cancelled.
func serveOperations(ctx context.Context, a *app.App, addr string) error {
	srv := &http.Server{Addr: addr, Handler: a.OperationsHandler(), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(a.Logger.Handler(), slog.LevelDebug)}
	return serveUntilDone(ctx, a, srv, "worker endpoints")
}

// serveUntilDone runs srv until ctx is cancelled, then drains its
// connections within the shutdown timeout.
func serveUntilDone(ctx context.Context, a *app.App, srv *http.Server, name string, logArgs ...any) error {
	srv.BaseContext = func(net.Listener) context.Context { return context.WithoutCancel(ctx) }
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	a.Logger.InfoContext(ctx, name+" listening", append([]any{"addr", srv.Addr}, logArgs...)...)
	select {
	case err := <-errc:
		return fmt.Errorf("%s: %w", name, err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("%s shutdown: %w", name, err)
	}
	a.Logger.Info(name + " stopped")
	return nil
}

// healthcheck asks the API on this host's PORT for /healthz; container images
// have no curl, so the binary checks itself.
func healthcheck(ctx context.Context) error {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.1:"+port+"/healthz", nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthz answered %d", res.StatusCode)
	}
	return nil
}
