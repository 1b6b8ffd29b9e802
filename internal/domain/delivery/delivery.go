// Package delivery makes delivery attempts, whatever triggered them
// (AUTOMATIC, MANUAL, PING, TEST): each is loaded, signed and sent,
// recorded, then followed up. One function builds every request (send) and
// one records and follows up every attempt (finish); the retry policy is
// retry.go, cancelling waiting deliveries cancel.go, and everything
// maxParallel shapes slots.go.
package delivery

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/live"
	"github.com/ferryhq/ferry/internal/adapter/queue"
	"github.com/ferryhq/ferry/internal/adapter/secrets"
	"github.com/ferryhq/ferry/internal/adapter/sender"
	"github.com/ferryhq/ferry/internal/adapter/slots"
	"github.com/ferryhq/ferry/internal/adapter/sqlstore"
	"github.com/ferryhq/ferry/internal/domain/signingkeys"
	"github.com/ferryhq/ferry/internal/platform/coalesce"
	"github.com/ferryhq/ferry/internal/platform/telemetry"
)

// Deps are what attempts need from the rest of Ferry.
type Deps struct {
	Client *ent.Client
	// Dialect is the database's (dialect.Postgres, or dialect.SQLite in
	// dev mode); on PostgreSQL deliveries are read and attempts saved in
	// statements of their own (load.go, arrays.go).
	Dialect string
	Keys    *signingkeys.Service
	Box     *secrets.Box // opens the configurations' static headers
	Sender  *sender.Sender
	Queue   *queue.Queue
	Slots   *slots.Limiter
	Live    *live.Notifier
	Logger  *slog.Logger
	Metrics *telemetry.Metrics // nil counts nothing
}

// Deactivator switches a configuration off, as its endpoint asked with 410
// Gone. The configurations service is one; the composition root wires it.
type Deactivator interface {
	// DeactivateIfActive returns the configuration switched off, nil when
	// it was not ACTIVE (another worker got there first).
	DeactivateIfActive(ctx context.Context, id pulid.ID, reason *string) (*ent.Configuration, error)
}

// FailureWatcher hears of every delivery an automatic attempt left FAILED,
// to switch off configurations that keep failing. It logs its own errors.
type FailureWatcher interface {
	AfterFailure(ctx context.Context, configurationID pulid.ID)
}

// Notices tells accounts what became of their deliveries (package
// notices); the composition root wires it. Each logs its own errors.
type Notices interface {
	// Failing hears of every failed automatic attempt.
	Failing(ctx context.Context, cfg *ent.Configuration, d *ent.Delivery, number int, res sender.Result)
	// Exhausted hears of a delivery whose last automatic attempt failed.
	Exhausted(ctx context.Context, cfg *ent.Configuration, d *ent.Delivery, number int, res sender.Result)
	// Gone hears of a configuration just switched off after a 410 Gone.
	Gone(ctx context.Context, cfg *ent.Configuration, d *ent.Delivery, res sender.Result)
}

// Service makes attempts.
type Service struct {
	Deps
	// Deactivator and Failures are wired after the services that use this
	// one; nil does nothing.
	Deactivator Deactivator
	Failures    FailureWatcher
	Notices     Notices
	now         func() time.Time
	// Concurrent handlers load their deliveries in one query and save
	// their automatic attempts in one transaction.
	loads   *coalesce.Batcher[pulid.ID, *ent.Delivery]
	records *coalesce.Batcher[sqlstore.Pending, *ent.Delivery]
	claims  *coalesce.Batcher[sqlstore.Claim, *ent.Delivery]
}

// New returns a Service.
func New(d Deps) *Service {
	s := &Service{Deps: d, now: time.Now}
	store := sqlstore.New(d.Dialect)
	s.loads = coalesce.New(func(ctx context.Context, ids []pulid.ID) ([]*ent.Delivery, error) {
		return deliveriesWithEvents(ctx, store, d.Client, ids)
	}, coalesce.Options{})
	s.records = coalesce.New(func(ctx context.Context, ps []sqlstore.Pending) ([]*ent.Delivery, error) {
		return store.SaveAttempts(ctx, d.Client, ps)
	}, coalesce.Options{})
	s.claims = coalesce.New(func(ctx context.Context, cs []sqlstore.Claim) ([]*ent.Delivery, error) {
		return store.ClaimAttempts(ctx, d.Client, cs)
	}, coalesce.Options{})
	return s
}

// target is a configuration opened for sending: its signing secrets and
// static headers, opened once for every attempt of a task.
type target struct {
	cfg     *ent.Configuration
	secrets [][]byte
	headers map[string]string
}

// open opens cfg, loaded with its signing key, for sending.
func (s *Service) open(cfg *ent.Configuration) (*target, error) {
	secrets, err := s.Keys.Secrets(cfg.AccountID, cfg.Edges.SigningKey)
	if err != nil {
		return nil, fmt.Errorf("signing secrets of configuration %s: %w", cfg.ID, err)
	}
	headers, err := s.headers(cfg)
	if err != nil {
		return nil, err
	}
	return &target{cfg: cfg, secrets: secrets, headers: headers}, nil
}

// headers returns the static headers cfg sends, opened. Only requests to
// the receiver carry them: everything shown or recorded is redacted.
func (s *Service) headers(cfg *ent.Configuration) (map[string]string, error) {
	h, err := s.Box.OpenColumn(cfg.HeadersEncrypted)
	if err != nil {
		return nil, fmt.Errorf("headers of configuration %s: %w", cfg.ID, err)
	}
	return h, nil
}
