package delivery

import (
	"context"
	"fmt"
	"time"

	"github.com/ferryhq/ferry/ent"
	entdelivery "github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/queue"
	"github.com/ferryhq/ferry/internal/adapter/sqlstore"
)

// Waiting deliveries are cancelled here, and only here: those of a
// configuration that is switched off or deleted (CancelWaiting, in the
// transaction that changes it), and those whose configuration a worker
// finds gone or unable to sign when their attempt comes (cancel).

// maxAnnounced bounds how many cancelled deliveries are announced one by one
// to live subscribers; the rest are cancelled all the same.
const maxAnnounced = 10_000

// CancelWaiting cancels the deliveries to configuration id that have not
// ended, through client (a transaction's), and returns (up to
// maxAnnounced of) them as they are at now, for the caller to announce
// once it has committed.
func CancelWaiting(ctx context.Context, client *ent.Client, id pulid.ID, now time.Time) ([]*ent.Delivery, error) {
	waitingFor := entdelivery.And(entdelivery.ConfigurationID(id), entdelivery.StatusIn(sqlstore.Waiting...))
	ds, err := client.Delivery.Query().Where(waitingFor).Limit(maxAnnounced).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("cancel deliveries of %s: %w", id, err)
	}
	_, err = client.Delivery.Update().Where(waitingFor).
		SetStatus(entdelivery.StatusCANCELLED).
		ClearNextAttemptAt().
		Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("cancel deliveries of %s: %w", id, err)
	}
	for _, d := range ds {
		d.Status, d.NextAttemptAt, d.UpdatedAt = entdelivery.StatusCANCELLED, nil, now
	}
	return ds, nil
}

// cancelAll ends the waiting deliveries of as, whose configuration can no
// longer take them.
func (s *Service) cancelAll(ctx context.Context, as []queue.Attempt) error {
	ds, err := s.loadAll(ctx, as)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if d == nil {
			continue
		}
		if err := s.cancel(ctx, d); err != nil {
			return err
		}
	}
	return nil
}

// cancel ends a waiting delivery whose configuration can no longer take it.
func (s *Service) cancel(ctx context.Context, d *ent.Delivery) error {
	n, err := s.Client.Delivery.Update().
		Where(entdelivery.ID(d.ID), entdelivery.StatusIn(sqlstore.Waiting...)).
		SetStatus(entdelivery.StatusCANCELLED).ClearNextAttemptAt().
		Save(ctx)
	if err != nil {
		return fmt.Errorf("cancel %s: %w", d.ID, err)
	}
	if n > 0 {
		c := *d
		c.Status, c.NextAttemptAt = entdelivery.StatusCANCELLED, nil
		s.Live.Deliveries(ctx, &c)
		cfg := ""
		if d.ConfigurationID != nil {
			cfg = string(*d.ConfigurationID)
		}
		s.Metrics.Ended(string(entdelivery.StatusCANCELLED), cfg)
	}
	return nil
}
