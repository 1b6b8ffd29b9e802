package delivery

import (
	"context"
	"fmt"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/configuration"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/queue"
	"github.com/ferryhq/ferry/internal/adapter/sqlstore"
	"github.com/ferryhq/ferry/internal/platform/coalesce"
)

// configTTL is how long a worker reuses a configuration (with its signing
// key) it has read, saving two queries per delivery to a busy one. A change to a
// URL, headers, timeout or key reaches deliveries within this time.
// Deactivating, deleting or revoking cancels waiting deliveries in the
// database, and the delivery row is always read fresh, so those take effect
// at once.
const configTTL = time.Second

// configuration returns the configuration id with its signing key, nil when
// it no longer exists, from e.configs while fresh.
func (e *Engine) configuration(ctx context.Context, id pulid.ID) (*ent.Configuration, error) {
	if cfg, ok := e.configs.Get(id); ok {
		return cfg, nil
	}
	cfg, err := e.Client.Configuration.Query().Where(configuration.ID(id)).WithSigningKey().Only(ctx)
	if ent.IsNotFound(err) {
		cfg, err = nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load configuration %s: %w", id, err)
	}
	e.configs.Add(id, cfg)
	return cfg, nil
}

// loadAll returns, for each automatic attempt, its delivery with its
// event, or nil when the attempt is no longer due (made already, ended, or
// deleted).
func (s *Service) loadAll(ctx context.Context, as []queue.Attempt) ([]*ent.Delivery, error) {
	ids := make([]pulid.ID, len(as))
	for i, a := range as {
		ids[i] = a.DeliveryID
	}
	ds, errs := s.loads.DoAll(ctx, ids)
	for i, d := range ds {
		if errs[i] != nil {
			return nil, errs[i]
		}
		if d != nil && !due(d, as[i]) {
			ds[i] = nil
		}
	}
	return ds, nil
}

// due reports whether attempt a of d is still to be made.
func due(d *ent.Delivery, a queue.Attempt) bool {
	return d.AttemptCount == a.Number-1 && waiting(d.Status)
}

// unattempted returns the attempts of as that are still due.
func (s *Service) unattempted(ctx context.Context, as []queue.Attempt) ([]queue.Attempt, error) {
	ds, err := s.loadAll(ctx, as)
	if err != nil {
		return nil, err
	}
	var out []queue.Attempt
	for i, d := range ds {
		if d != nil {
			out = append(out, as[i])
		}
	}
	return out, nil
}

// deliveriesWithEvents reads deliveries and the part of their events a
// request needs (type, data, time) in one query. The result follows ids; a
// delivery that does not exist is nil. Workers call it through a
// coalesce.Batcher, so concurrent handlers share one query.
func deliveriesWithEvents(ctx context.Context, store sqlstore.Store, client *ent.Client, ids []pulid.ID) ([]*ent.Delivery, error) {
	found, err := store.DeliveriesWithEvents(ctx, client, ids)
	if err != nil {
		return nil, fmt.Errorf("load %d deliveries: %w", len(ids), err)
	}
	return coalesce.InOrder(ids, found, func(d *ent.Delivery) pulid.ID { return d.ID }), nil
}
