// Package app wires Ferry's parts together from a Config: the database, Redis,
// the domain services, the HTTP API and the workers.
package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/lib/pq"
	"github.com/redis/go-redis/v9"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/migrate/migrations"
	_ "github.com/ferryhq/ferry/ent/runtime" // privacy policies and hooks
	"github.com/ferryhq/ferry/internal/adapter/live"
	"github.com/ferryhq/ferry/internal/adapter/queue"
	"github.com/ferryhq/ferry/internal/adapter/redisconn"
	"github.com/ferryhq/ferry/internal/adapter/secrets"
	"github.com/ferryhq/ferry/internal/adapter/sender"
	"github.com/ferryhq/ferry/internal/adapter/sender/netguard"
	"github.com/ferryhq/ferry/internal/adapter/slots"
	"github.com/ferryhq/ferry/internal/adapter/sqlstore"
	"github.com/ferryhq/ferry/internal/domain/configurations"
	"github.com/ferryhq/ferry/internal/domain/delivery"
	"github.com/ferryhq/ferry/internal/domain/maintenance"
	"github.com/ferryhq/ferry/internal/domain/notices"
	"github.com/ferryhq/ferry/internal/domain/publish"
	"github.com/ferryhq/ferry/internal/domain/signingkeys"
	"github.com/ferryhq/ferry/internal/edge/auth"
	"github.com/ferryhq/ferry/internal/edge/ratelimit"
	"github.com/ferryhq/ferry/internal/edge/sockets"
	"github.com/ferryhq/ferry/internal/platform/config"
	"github.com/ferryhq/ferry/internal/platform/telemetry"
	"github.com/ferryhq/ferry/worker"
)

// Version is Ferry's version, sent in the User-Agent of every delivery.
var Version = "0.1.0"

// App holds Ferry's long-lived dependencies.
type App struct {
	Config config.Config
	Logger *slog.Logger
	DB     *sql.DB
	// Dialect is ent's name for the database: PostgreSQL, or SQLite in dev mode.
	Dialect string
	Client  *ent.Client
	Redis   *redis.Client
	Auth    *auth.Authenticator
	Keys    *signingkeys.Service
	Configs *configurations.Service
	Sender  *sender.Sender
	Queue   *queue.Queue
	Limiter *slots.Limiter
	Publish *publish.Publisher
	// Attempts makes every delivery attempt: the workers' automatic ones,
	// resends, activation pings and test events.
	Attempts *delivery.Service
	// AutoDisable switches off configurations that keep failing; nil when
	// FERRY_AUTO_DISABLE_AFTER is 0.
	AutoDisable *maintenance.AutoDisable
	Notices     *notices.Notifier
	// Live announces delivery changes; Hub receives them for subscriptions.
	Live *live.Notifier
	Hub  *live.Hub
	// RateLimiter keeps API request budgets in Redis.
	RateLimiter *ratelimit.Limiter
	// Metrics holds this process's Prometheus series, served at /metrics.
	Metrics *telemetry.Metrics
	// Sockets holds the API's open websockets.
	Sockets *sockets.Registry

	closers []func() error // of what Handler mounted
}

// Open connects to PostgreSQL and Redis and builds the services.
func Open(ctx context.Context, cfg config.Config, logger *slog.Logger) (*App, error) {
	db, dialectName, err := OpenDatabase(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	rdb, err := redisconn.Open(cfg.RedisURL)
	if err != nil {
		db.Close()
		return nil, err
	}
	box, err := secrets.NewBox(cfg.EncryptionKey)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("FERRY_ENCRYPTION_KEY: %w", err)
	}
	client := ent.NewClient(ent.Driver(entsql.OpenDB(dialectName, db)))
	policy := netguard.Policy{AllowInsecure: cfg.AllowInsecureURLs}
	snd := sender.New(policy, "Ferry-Webhooks/"+Version, sender.WithProxy(cfg.EgressProxy),
		sender.WithMaxConnections(cfg.MaxOutboundConns))
	k := signingkeys.New(client, box)
	k.MaxPerAccount = cfg.MaxSigningKeysPerAccount
	q := queue.New(rdb)
	notifier := live.NewNotifier(rdb, logger)
	m := telemetry.NewMetrics(q.Inspector(), queue.Name, queue.Parked)
	limiter := slots.New(rdb, "ferry:inflight:")
	attempts := delivery.New(delivery.Deps{Client: client, Dialect: dialectName, Keys: k, Box: box, Sender: snd,
		Queue: q, Slots: limiter, Live: notifier, Logger: logger, Metrics: m})
	cfgs := configurations.New(client, k, box, snd, policy, notifier, attempts)
	cfgs.MaxPerAccount = cfg.MaxConfigurationsPerAccount
	pub := publish.New(client, sqlstore.New(dialectName), q, notifier, logger)
	pub.Metrics = m
	// nil when FERRY_AUTO_DISABLE_AFTER is 0: nothing is switched off.
	notes := notices.New(client, pub, rdb, logger)
	autoDisable := maintenance.NewAutoDisable(client, cfgs, notes, logger, cfg.AutoDisableAfter, cfg.AutoDisableMin)
	if autoDisable != nil {
		autoDisable.Redis = rdb
	}
	attempts.Deactivator = cfgs
	attempts.Notices = notes
	if autoDisable != nil {
		attempts.Failures = autoDisable
	}
	authn := auth.NewAuthenticator(client, cfg.AdminToken, rdb, logger)
	ws := cfg.Websockets
	socks := sockets.New(rdb, sockets.Rules{
		InitTimeout: ws.InitTimeout, MaxLifetime: ws.MaxLifetime, IdleTimeout: ws.IdleTimeout,
		MaxPerCredential: ws.MaxPerToken, MaxSubscriptions: ws.MaxSubscriptions, MaxOperations: ws.MaxOperations,
	}, func(ctx context.Context, authorization string) error {
		_, err := authn.Authenticate(ctx, authorization)
		return err
	}, auth.IsUnauthenticated, logger)
	return &App{
		Config:      cfg,
		Logger:      logger,
		DB:          db,
		Dialect:     dialectName,
		Client:      client,
		Redis:       rdb,
		Auth:        authn,
		Sockets:     socks,
		Keys:        k,
		Configs:     cfgs,
		Sender:      snd,
		Queue:       q,
		Limiter:     limiter,
		Publish:     pub,
		Attempts:    attempts,
		AutoDisable: autoDisable,
		Notices:     notes,
		Live:        notifier,
		Hub:         live.NewHub(rdb, logger),
		Metrics:     m,
		RateLimiter: ratelimit.New(rdb, "ferry:ratelimit:"),
	}, nil
}

// PoolSize is the most connections OpenDB's pool opens, and keeps idle.
const PoolSize = 40

// OpenDB opens and pings a PostgreSQL pool, through lib/pq.
//
// With binary_parameters, a statement with parameters goes in one round
// trip (Parse to Sync) instead of being prepared first, always as the
// unnamed statement, so it is planned with its values and no generic plan
// is cached (those made while the tables were near empty stayed
// sequential scans, BENCHMARKS.md). The batch statements take a whole
// batch as one pq.Array per column, so their text does not grow with it.
func OpenDB(ctx context.Context, url string) (*sql.DB, error) {
	cfg, err := pq.NewConfig(url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	cfg.BinaryParameters = true
	conn, err := pq.NewConnectorConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	db := sql.OpenDB(textJSON{conn})
	db.SetMaxOpenConns(PoolSize)
	db.SetMaxIdleConns(PoolSize)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	return db, nil
}

// schemaCreate serialises ent's Schema.Create within the process.
var schemaCreate sync.Mutex

// Migrate applies pending migrations and logs them.
func (a *App) Migrate(ctx context.Context) error {
	if a.Dialect == dialect.SQLite {
		// Dev mode: ent creates the schema from the code; the versioned
		// migrations are PostgreSQL's.
		client := a.Client
		if client == nil {
			client = ent.NewClient(ent.Driver(entsql.OpenDB(dialect.SQLite, a.DB)))
		}
		// Schema.Create writes to ent's package-level table definitions:
		// two at once in one process (parallel tests) crash on a map.
		schemaCreate.Lock()
		err := client.Schema.Create(ctx)
		schemaCreate.Unlock()
		if err != nil {
			return fmt.Errorf("create SQLite schema: %w", err)
		}
		return a.sealSQLiteHeaders(ctx)
	}
	box, err := a.box()
	if err != nil {
		return err
	}
	applied, err := migrations.Apply(ctx, a.DB, box)
	for _, v := range applied {
		a.Logger.InfoContext(ctx, "migration applied", "version", v)
	}
	return err
}

// box is the Box of FERRY_ENCRYPTION_KEY, nil when it is not set
// (`ferry migrate` may run without it).
func (a *App) box() (*secrets.Box, error) {
	if len(a.Config.EncryptionKey) == 0 {
		return nil, nil
	}
	box, err := secrets.NewBox(a.Config.EncryptionKey)
	if err != nil {
		return nil, fmt.Errorf("FERRY_ENCRYPTION_KEY: %w", err)
	}
	return box, nil
}

// sealSQLiteHeaders encrypts the static headers a dev database made before
// they were encrypted, as migration 0006 does on PostgreSQL.
func (a *App) sealSQLiteHeaders(ctx context.Context) error {
	box, err := a.box()
	if err != nil {
		return err
	}
	tx, err := a.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("seal headers: %w", err)
	}
	if err := migrations.SealHeaders(ctx, tx, dialect.SQLite, box); err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("seal headers: %w", err)
	}
	return tx.Commit()
}

// Ready reports which of Ferry's dependencies ("postgresql", "redis") do not
// answer, with why; none when all answer. The causes are for the log: a
// driver's error names the database's user, name and host.
func (a *App) Ready(ctx context.Context) map[string]error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	down := map[string]error{}
	if err := a.DB.PingContext(ctx); err != nil {
		down["postgresql"] = err
	}
	if err := a.Redis.Ping(ctx).Err(); err != nil {
		down["redis"] = err
	}
	return down
}

// NewWorker returns a delivery worker sharing this app's dependencies.
func (a *App) NewWorker() (*worker.Worker, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.Notices.EnsureEventTypes(ctx); err != nil {
		// Ensured again before each event; until then none can subscribe.
		a.Logger.Warn("operational event types not in the catalog yet", "err", err)
	}
	recovery := maintenance.NewRecovery(a.Client, a.Queue, a.Logger)
	recovery.Redis, recovery.Metrics, recovery.Interrupted = a.Redis, a.Metrics, a.Attempts
	recovery.Interval, recovery.Grace = a.Config.RecoveryInterval, a.Config.RecoveryGrace
	retention := maintenance.NewRetention(a.Client, sqlstore.New(a.Dialect), a.Logger, a.Config.RetentionDays)
	retention.Redis, retention.Interval = a.Redis, a.Config.RetentionInterval
	return worker.New(a.Config.RedisURL, worker.Deps{
		Attempts: a.Attempts, Queue: a.Queue, Logger: a.Logger, Recovery: recovery, Retention: retention, AutoDisable: a.AutoDisable,
	}, worker.Options{
		Concurrency:     a.Config.WorkerConcurrency,
		MaxRequests:     a.Config.MaxOutboundConns,
		ShutdownTimeout: a.Config.ShutdownTimeout,
	})
}

// Close releases connections.
func (a *App) Close() error {
	a.Auth.Close()
	errs := []error{a.Sockets.Close(), a.Hub.Close(), a.Redis.Close(), a.Client.Close()}
	for _, c := range a.closers {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}
