package delivery

import (
	"context"
	"fmt"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/configuration"
	entdelivery "github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/deliveryattempt"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/queue"
	"github.com/ferryhq/ferry/internal/domain/apperr"
	"github.com/ferryhq/ferry/internal/edge/viewer"
)

// Manual attempts resend a delivery whatever state it is in: one at once
// from the API (resendDelivery), or every delivery matching a filter,
// queued for the workers (resendDeliveries).

// MaxBulk is the most deliveries one resendDeliveries may queue.
const MaxBulk = 10_000

// bulkBatch is how many deliveries are read and queued at a time.
const bulkBatch = 500

// Resend makes one MANUAL attempt of the delivery now and returns it as it
// then is. Only the owning account (or the admin) finds it.
func (s *Service) Resend(ctx context.Context, id pulid.ID) (*ent.Delivery, error) {
	d, err := s.loadManual(ctx, id)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, apperr.Missing("delivery " + string(id))
	}
	if d.Edges.Configuration == nil {
		return nil, apperr.Invalid("id", "delivery %s cannot be resent: its configuration was deleted", id)
	}
	moved, err := s.resend(ctx, d)
	if err != nil {
		return nil, err
	}
	if moved == nil {
		return nil, &apperr.Error{Code: apperr.Conflict, Message: fmt.Sprintf("delivery %s was attempted meanwhile; resend it again", id)}
	}
	return s.Client.Delivery.Get(ctx, id)
}

// ResendQueued makes the MANUAL attempt a resendDeliveries queued, within
// the configuration's maxParallel and its account's share of this process
// like any other request to it.
func (e *Engine) ResendQueued(ctx context.Context, r queue.Resend) error {
	sys := viewer.System(ctx)
	d, err := e.loadManual(sys, r.DeliveryID)
	if err != nil {
		return err
	}
	if d == nil || d.Edges.Configuration == nil {
		return nil // deleted meanwhile: nothing to resend to
	}
	done, err := e.shares.admit(d.AccountID)
	if err != nil {
		return err
	}
	defer done()
	if e.shares.takeRequests(d.AccountID, 1) == 0 {
		return e.shares.busyRequests(d.AccountID)
	}
	defer e.shares.giveRequests(d.AccountID, 1)
	lease, err := e.slot(ctx, d.Edges.Configuration)
	if err != nil {
		return err
	}
	defer lease.Release()
	if e.Draining() {
		return ErrShuttingDown
	}
	moved, err := e.resend(sys, d)
	if err != nil {
		return err
	}
	if moved == nil {
		e.Logger.InfoContext(ctx, "delivery attempted meanwhile; resend recorded by the other attempt", "delivery_id", d.ID)
	}
	return nil
}

// loadManual reads a delivery with what a manual attempt needs (its event,
// its configuration and signing key), or nil when ctx may not see it.
func (s *Service) loadManual(ctx context.Context, id pulid.ID) (*ent.Delivery, error) {
	d, err := s.Client.Delivery.Query().
		Where(entdelivery.ID(id)).
		WithEvent().
		WithConfiguration(func(q *ent.ConfigurationQuery) { q.WithSigningKey() }).
		Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load delivery %s: %w", id, err)
	}
	return d, nil
}

// resend sends d (loaded by loadManual, with a configuration) once as a
// MANUAL attempt, and returns it as it now is, or nil when another attempt
// was recorded first.
func (s *Service) resend(ctx context.Context, d *ent.Delivery) (*ent.Delivery, error) {
	t, err := s.open(d.Edges.Configuration)
	if err != nil {
		return nil, fmt.Errorf("resend %s: %w", d.ID, err)
	}
	a := &attempt{d: d, number: d.AttemptCount + 1, trigger: deliveryattempt.TriggerMANUAL}
	s.send(ctx, t, a)
	moved, err := s.finish(ctx, t, []*attempt{a})
	if err != nil {
		return nil, err
	}
	return moved[0], nil
}

// ResendMatching queues one MANUAL attempt of every delivery matching where
// (and whose configuration was not deleted), for the workers, and returns
// how many it queued. A filter matching more than MaxBulk is refused.
func (s *Service) ResendMatching(ctx context.Context, where *ent.DeliveryWhereInput) (int, error) {
	q, err := where.Filter(s.Client.Delivery.Query())
	if err != nil {
		return 0, apperr.Invalid("where", "%v", err)
	}
	// A predicate is plain SQL, which softdelete's interceptor does not see.
	q = q.Where(entdelivery.HasConfigurationWith(configuration.DeletedAtIsNil()))
	total, err := q.Clone().Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("resend: count: %w", err)
	}
	if total > MaxBulk {
		return 0, apperr.Invalid("where", "matches %d deliveries; at most %d can be resent at once, narrow the filter", total, MaxBulk)
	}
	queued := 0
	var after pulid.ID
	for queued < MaxBulk {
		page := q.Clone().Order(ent.Asc(entdelivery.FieldID)).Limit(min(bulkBatch, MaxBulk-queued))
		if after != "" {
			page.Where(entdelivery.IDGT(after))
		}
		batch, err := page.Select(entdelivery.FieldID, entdelivery.FieldAttemptCount).All(ctx)
		if err != nil {
			return queued, fmt.Errorf("resend: read batch: %w", err)
		}
		for _, d := range batch {
			if err := s.Queue.EnqueueResend(ctx, queue.Resend{DeliveryID: d.ID, After: d.AttemptCount}); err != nil {
				return queued, fmt.Errorf("resend: %w", err)
			}
			queued++
		}
		if len(batch) < bulkBatch {
			break
		}
		after = batch[len(batch)-1].ID
	}
	return queued, nil
}
