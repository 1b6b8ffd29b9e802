package worker

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/hibiken/asynq"
	"go.opentelemetry.io/otel/attribute"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/configuration"
	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/deliveryattempt"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/attempts"
	"github.com/ferryhq/ferry/internal/limiter"
	"github.com/ferryhq/ferry/internal/queue"
	"github.com/ferryhq/ferry/internal/sender"
	"github.com/ferryhq/ferry/internal/tracing"
	"github.com/ferryhq/ferry/internal/viewer"
)

// leaseSlack keeps a concurrency slot a little longer than the request may take.
const leaseSlack = 15 * time.Second

// handleDeliver makes one attempt of one delivery: load, send, record.
func (w *Worker) handleDeliver(ctx context.Context, t *asynq.Task) error {
	a, err := queue.ParseAttempt(t.Payload())
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	ctx, span := tracing.Start(tracing.WithTraceparent(ctx, a.Trace), "ferry.deliver",
		attribute.String("ferry.delivery_id", string(a.DeliveryID)), attribute.Int("ferry.attempt", a.Number))
	defer span.End()
	sys := viewer.System(ctx)
	d, err := w.load(sys, a)
	if d == nil || err != nil {
		return err
	}
	log := w.Logger.With("delivery_id", d.ID, "event_id", d.EventID, "configuration_id", idOf(d.ConfigurationID), "attempt", a.Number)
	cfg := d.Edges.Configuration
	if cfg == nil || cfg.Status != configuration.StatusACTIVE {
		// Deleted or deactivated while this task waited.
		log.InfoContext(ctx, "configuration gone or inactive; delivery cancelled")
		return w.cancel(sys, d)
	}
	secrets, err := w.Keys.Secrets(cfg.Edges.SigningKey)
	if err != nil {
		log.WarnContext(ctx, "cannot sign; delivery cancelled", "err", err)
		return w.cancel(sys, d)
	}
	lease, err := w.slot(ctx, cfg)
	if err != nil {
		return err
	}
	done := w.Metrics.InFlight(string(cfg.ID))
	res := w.Sender.Send(ctx, sender.Message{
		URL: cfg.URL, Timeout: time.Duration(cfg.TimeoutSeconds) * time.Second, Headers: cfg.Headers,
		EventID: string(d.EventID), EventType: d.Edges.Event.Type, Data: d.Edges.Event.Data,
		OccurredAt: d.Edges.Event.OccurredAt, ConfigurationID: string(cfg.ID),
		DeliveryID: string(d.ID), Attempt: a.Number, Keys: secrets,
	})
	done()
	lease.Release()
	span.SetAttributes(attribute.Int("http.response.status_code", res.StatusCode), attribute.Bool("ferry.ok", res.OK()))
	if ctx.Err() != nil {
		// Shutting down: hand the task back unrecorded; it runs again.
		log.InfoContext(ctx, "attempt handed back at shutdown")
		return ctx.Err()
	}
	return w.record(sys, log, d, cfg, a, res)
}

// slotWait is how long a handler waits for one of its configuration's
// slots before handing its task back. Handing back costs most of a second
// (asynq scores retries in whole seconds), which is what kept a busy
// configuration under its maxParallel ceiling; waiting here, woken by the
// release of a slot, keeps every slot busy.
const slotWait = 2 * time.Second

// slot takes one of the configuration's maxParallel slots, waiting up to
// slotWait for one. It hands the task back with errSlotBusy when none
// frees up, or when maxParallel handlers of this process already wait for
// this configuration, so a busy one cannot hold every worker goroutine.
// Fewer waiters (a quarter of maxParallel) left slots idle: 90–95
// deliveries/s in slow-receivers instead of 100.
func (w *Worker) slot(ctx context.Context, cfg *ent.Configuration) (*limiter.Lease, error) {
	ttl := time.Duration(cfg.TimeoutSeconds)*time.Second + leaseSlack
	lease, err := w.Limiter.Wait(ctx, string(cfg.ID), cfg.MaxParallel, ttl, slotWait, cfg.MaxParallel)
	if err != nil {
		return nil, err
	}
	if lease == nil {
		return nil, errSlotBusy
	}
	return lease, nil
}

// load returns the delivery with its event and configuration, or nil when
// the task is stale (already attempted, ended, or deleted).
func (w *Worker) load(ctx context.Context, a queue.Attempt) (*ent.Delivery, error) {
	d, err := w.loads.Do(ctx, a.DeliveryID)
	if d == nil || err != nil {
		return nil, err
	}
	if d.AttemptCount != a.Number-1 || (d.Status != delivery.StatusPENDING && d.Status != delivery.StatusRETRYING) {
		return nil, nil
	}
	if d.ConfigurationID != nil {
		cfg, err := w.configuration(ctx, *d.ConfigurationID)
		if err != nil {
			return nil, err
		}
		d.Edges.Configuration = cfg
	}
	return d, nil
}

// record stores the attempt and moves the delivery on: SUCCEEDED, RETRYING
// with the next attempt scheduled, or FAILED. The update only applies while
// the delivery is still at this attempt, so nothing is marked twice.
func (w *Worker) record(ctx context.Context, log *slog.Logger, d *ent.Delivery, cfg *ent.Configuration, a queue.Attempt, res sender.Result) error {
	n := a.Number
	status, next := delivery.StatusSUCCEEDED, time.Time{}
	if !res.OK() {
		status = delivery.StatusFAILED
		if delay, ok := nextDelay(cfg.RetrySchedule, n, res.RetryAfter, rand.Float64()*2-1); ok && res.StatusCode != http.StatusGone {
			status, next = delivery.StatusRETRYING, w.now().Add(delay)
		}
	}
	moved, err := w.records.Do(ctx, attempts.Pending{Delivery: d, Number: n, Result: res,
		Outcome: attempts.Outcome{Status: status, Next: next}})
	if err != nil {
		return err
	}
	if moved == nil {
		log.WarnContext(ctx, "attempt already recorded by another worker; this one is dropped")
		return nil
	}
	w.Live.Deliveries(ctx, moved)
	w.Metrics.Attempt(string(deliveryattempt.TriggerAUTOMATIC), res.OK(), res.Duration)
	w.Metrics.Ended(string(status), string(cfg.ID))
	log.DebugContext(ctx, "attempt recorded", "status", status, "response_status", res.StatusCode,
		"duration_ms", res.Duration.Milliseconds(), "error", res.Error)
	if res.StatusCode == http.StatusGone {
		reason := fmt.Sprintf("the endpoint answered 410 Gone on %s (delivery %s)", w.now().UTC().Format(time.RFC3339), d.ID)
		log.WarnContext(ctx, "410 Gone: configuration deactivated")
		if _, err := w.Configs.Deactivate(ctx, cfg.ID, &reason); err != nil {
			log.ErrorContext(ctx, "deactivate after 410", "err", err)
		}
	}
	if status == delivery.StatusFAILED && res.StatusCode != http.StatusGone {
		// Best effort, logged inside: it never fails the task.
		w.AutoDisable.AfterFailure(ctx, cfg.ID)
	}
	if status == delivery.StatusRETRYING {
		// If this fails the recovery loop enqueues it once it is overdue.
		if err := w.Queue.Enqueue(ctx, queue.Attempt{DeliveryID: d.ID, Number: n + 1, Trace: a.Trace}, next); err != nil {
			log.WarnContext(ctx, "enqueue retry; recovery will retry", "err", err)
		}
	}
	return nil
}

// cancel ends a waiting delivery whose configuration can no longer take it.
func (w *Worker) cancel(ctx context.Context, d *ent.Delivery) error {
	n, err := w.Client.Delivery.Update().
		Where(delivery.ID(d.ID), delivery.StatusIn(attempts.Waiting...)).
		SetStatus(delivery.StatusCANCELLED).ClearNextAttemptAt().
		Save(ctx)
	if err != nil {
		return fmt.Errorf("cancel %s: %w", d.ID, err)
	}
	if n > 0 {
		c := *d
		c.Status, c.NextAttemptAt = delivery.StatusCANCELLED, nil
		w.Live.Deliveries(ctx, &c)
		w.Metrics.Ended(string(delivery.StatusCANCELLED), idOf(d.ConfigurationID))
	}
	return nil
}

// idOf is an optional id for a log line ("" when absent).
func idOf(id *pulid.ID) string {
	if id == nil {
		return ""
	}
	return string(*id)
}
