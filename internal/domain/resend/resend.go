// Package resend makes MANUAL attempts: one delivery at once from the API
// (resendDelivery), or every delivery matching a filter in the background
// (resendDeliveries), whatever state the deliveries are in.
package resend

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/deliveryattempt"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/live"
	"github.com/ferryhq/ferry/internal/adapter/queue"
	"github.com/ferryhq/ferry/internal/adapter/sender"
	"github.com/ferryhq/ferry/internal/domain/apperr"
	"github.com/ferryhq/ferry/internal/domain/attempts"
	"github.com/ferryhq/ferry/internal/domain/configurations"
	"github.com/ferryhq/ferry/internal/domain/signingkeys"
	"github.com/ferryhq/ferry/internal/platform/metrics"
)

// MaxBulk is the most deliveries one resendDeliveries may queue.
const MaxBulk = 10_000

// bulkBatch is how many deliveries are read and queued at a time.
const bulkBatch = 500

// Service resends deliveries.
type Service struct {
	client  *ent.Client
	keys    *signingkeys.Service
	configs *configurations.Service // opens the static headers
	sender  *sender.Sender
	queue   *queue.Queue
	live    *live.Notifier
	logger  *slog.Logger
	now     func() time.Time
	// Metrics counts manual attempts; nil counts nothing.
	Metrics *metrics.Metrics
}

// New returns a Service.
func New(client *ent.Client, k *signingkeys.Service, c *configurations.Service, s *sender.Sender, q *queue.Queue, n *live.Notifier, logger *slog.Logger) *Service {
	return &Service{client: client, keys: k, configs: c, sender: s, queue: q, live: n, logger: logger, now: time.Now}
}

// Resend makes one MANUAL attempt of the delivery now and returns it as it
// then is. Only the owning account (or the admin) finds it.
func (s *Service) Resend(ctx context.Context, id pulid.ID) (*ent.Delivery, error) {
	d, err := s.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, apperr.Missing("delivery " + string(id))
	}
	if d.Edges.Configuration == nil {
		return nil, apperr.Invalid("id", "delivery %s cannot be resent: its configuration was deleted", id)
	}
	moved, err := s.Attempt(ctx, d)
	if err != nil {
		return nil, err
	}
	if moved == nil {
		return nil, &apperr.Error{Code: apperr.Conflict, Message: fmt.Sprintf("delivery %s was attempted meanwhile; resend it again", id)}
	}
	return s.client.Delivery.Get(ctx, id)
}

// Load reads a delivery with what an attempt needs (its event, its
// configuration and signing key), or nil when ctx may not see it.
func (s *Service) Load(ctx context.Context, id pulid.ID) (*ent.Delivery, error) {
	d, err := s.client.Delivery.Query().
		Where(delivery.ID(id)).
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

// Attempt sends d (loaded by Load, with a configuration) once, records it
// as a MANUAL attempt and moves the delivery: SUCCEEDED on a 2xx; otherwise
// FAILED, or, when automatic attempts were still to come, RETRYING with the
// next one where it was. It returns nil when another attempt was recorded
// first.
func (s *Service) Attempt(ctx context.Context, d *ent.Delivery) (*ent.Delivery, error) {
	cfg := d.Edges.Configuration
	secrets, err := s.keys.Secrets(cfg.AccountID, cfg.Edges.SigningKey)
	if err != nil {
		return nil, fmt.Errorf("resend %s: %w", d.ID, err)
	}
	headers, err := s.configs.Headers(cfg)
	if err != nil {
		return nil, fmt.Errorf("resend %s: %w", d.ID, err)
	}
	n := d.AttemptCount + 1
	res := s.sender.Send(ctx, sender.Message{
		URL: cfg.URL, Timeout: time.Duration(cfg.TimeoutSeconds) * time.Second, Headers: headers,
		EventID: string(d.EventID), EventType: d.Edges.Event.Type, Data: d.Edges.Event.Data,
		OccurredAt: d.Edges.Event.OccurredAt, ConfigurationID: string(cfg.ID),
		DeliveryID: string(d.ID), Attempt: n, Keys: secrets,
	})
	out := s.outcome(d, res)
	moved, err := attempts.Save(ctx, s.client, d, n, deliveryattempt.TriggerMANUAL, res, out, false)
	if err != nil || moved == nil {
		return nil, err
	}
	s.live.Deliveries(ctx, moved)
	s.Metrics.Attempt(string(deliveryattempt.TriggerMANUAL), res.OK(), res.Duration)
	s.Metrics.Ended(string(out.Status), string(cfg.ID))
	if out.Status == delivery.StatusRETRYING {
		// The queued automatic attempt was for number n; it is stale now.
		if err := s.queue.Enqueue(ctx, queue.Attempt{DeliveryID: d.ID, Number: n + 1}, out.Next); err != nil {
			s.logger.WarnContext(ctx, "enqueue after resend; recovery will retry", "delivery_id", d.ID, "err", err)
		}
	}
	return moved, nil
}

func (s *Service) outcome(d *ent.Delivery, res sender.Result) attempts.Outcome {
	if res.OK() {
		return attempts.Outcome{Status: delivery.StatusSUCCEEDED}
	}
	if d.Status != delivery.StatusPENDING && d.Status != delivery.StatusRETRYING {
		return attempts.Outcome{Status: delivery.StatusFAILED}
	}
	next := s.now()
	if d.NextAttemptAt != nil && d.NextAttemptAt.After(next) {
		next = *d.NextAttemptAt
	}
	return attempts.Outcome{Status: delivery.StatusRETRYING, Next: next}
}

// ResendMatching queues one MANUAL attempt of every delivery matching where
// (and still having a configuration), for the workers, and returns how many
// it queued. A filter matching more than MaxBulk is refused.
func (s *Service) ResendMatching(ctx context.Context, where *ent.DeliveryWhereInput) (int, error) {
	q, err := where.Filter(s.client.Delivery.Query())
	if err != nil {
		return 0, apperr.Invalid("where", "%v", err)
	}
	q = q.Where(delivery.ConfigurationIDNotNil())
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
		page := q.Clone().Order(ent.Asc(delivery.FieldID)).Limit(min(bulkBatch, MaxBulk-queued))
		if after != "" {
			page.Where(delivery.IDGT(after))
		}
		batch, err := page.Select(delivery.FieldID, delivery.FieldAttemptCount).All(ctx)
		if err != nil {
			return queued, fmt.Errorf("resend: read batch: %w", err)
		}
		for _, d := range batch {
			if err := s.queue.EnqueueResend(ctx, queue.Resend{DeliveryID: d.ID, After: d.AttemptCount}); err != nil {
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
