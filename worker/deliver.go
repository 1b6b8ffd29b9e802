package worker

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"go.opentelemetry.io/otel/attribute"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/configuration"
	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/deliveryattempt"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/queue"
	"github.com/ferryhq/ferry/internal/adapter/sender"
	"github.com/ferryhq/ferry/internal/adapter/slots"
	"github.com/ferryhq/ferry/internal/domain/attempts"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/platform/tracing"
)

// leaseSlack keeps a concurrency slot a little longer than the request may take.
const leaseSlack = 15 * time.Second

// handleDeliver makes one attempt of one delivery.
func (w *Worker) handleDeliver(ctx context.Context, t *asynq.Task) error {
	a, err := queue.ParseAttempt(t.Payload())
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	if a.Config == "" {
		// Queued before tasks named their configuration: read it first.
		sys := viewer.System(ctx)
		d, err := w.loadOne(sys, a)
		if d == nil || err != nil {
			return err
		}
		if d.ConfigurationID == nil {
			return w.cancel(sys, d)
		}
		a.Config = *d.ConfigurationID
	}
	return w.attempt(ctx, a.Config, []queue.Attempt{a}, -1)
}

// handleDeliverMany makes the first attempts of deliveries published
// together to one configuration.
func (w *Worker) handleDeliverMany(ctx context.Context, t *asynq.Task) error {
	m, err := queue.ParseMany(t.Payload())
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	as := make([]queue.Attempt, len(m.Deliveries))
	for i, id := range m.Deliveries {
		as[i] = queue.Attempt{DeliveryID: id, Number: 1, Config: m.Config}
		if i < len(m.Traces) {
			as[i].Trace = m.Traces[i]
		}
	}
	return w.attempt(ctx, m.Config, as, m.HandOff)
}

// attempt makes attempts as, all to the configuration cfgID, in waves of at
// most maxParallel: claim each, read the deliveries, send each once it
// holds one of the configuration's slots, record. Each attempt is claimed
// before its delivery is read, so an attempt that another task also
// carries is made once: the other task finds it claimed, or, once it is
// recorded, no longer due. The slots are taken after the read, so they are
// held only while requests are out.
//
// The task holds one of this process's handlers for the configuration's
// account meanwhile, and each request one of its requests: when the
// account holds its share of either, the task is handed back (parked).
//
// handOff is the task's queue.Many.HandOff, -1 for a task of one attempt.
func (w *Worker) attempt(ctx context.Context, cfgID pulid.ID, as []queue.Attempt, handOff int) error {
	sys := viewer.System(ctx)
	cfg, err := w.configuration(sys, cfgID)
	if err != nil {
		return err
	}
	if cfg == nil || cfg.Status != configuration.StatusACTIVE {
		// Deleted or deactivated while these tasks waited.
		w.Logger.InfoContext(ctx, "configuration gone or inactive; deliveries cancelled", "configuration_id", cfgID)
		return w.cancelAll(sys, as)
	}
	done, err := w.admit(cfg.AccountID)
	if err != nil {
		return err
	}
	defer done()
	if n, _ := asynq.GetRetryCount(ctx); n > 0 && handOff >= 0 {
		// Handed back part done: drop what was attempted since. An attempt
		// once made stays made, so this is safe before claiming.
		if as, err = w.unattempted(sys, as); err != nil {
			return err
		}
	}
	secrets, err := w.Keys.Secrets(cfg.AccountID, cfg.Edges.SigningKey)
	if err != nil {
		w.Logger.WarnContext(ctx, "cannot sign; deliveries cancelled", "configuration_id", cfgID, "err", err)
		return w.cancelAll(sys, as)
	}
	headers, err := w.Configs.Headers(cfg)
	if err != nil {
		w.Logger.WarnContext(ctx, "cannot open the static headers; deliveries cancelled", "configuration_id", cfgID, "err", err)
		return w.cancelAll(sys, as)
	}
	made := false
	for len(as) > 0 {
		wave := as[:min(len(as), cfg.MaxParallel)]
		claimed, err := w.Limiter.Claim(ctx, string(cfg.ID), claimIDs(wave), leaseTTL(cfg)+slotWait)
		if err != nil {
			return err
		}
		granted, rest := sortOut(as, claimed)
		if len(granted) == 0 {
			as = rest
			continue
		}
		unsent, refused, err := w.wave(ctx, cfg, secrets, headers, granted, claimed.Leases)
		if err != nil {
			return err
		}
		as = append(unsent, rest...)
		if len(unsent) == len(granted) {
			// No slot freed up in time, or the account has its share of
			// requests out.
			switch {
			case made && handOff >= 0:
				return w.handOn(ctx, cfgID, as, handOff+1)
			case refused:
				return &errAccountBusy{pool: w.fair.requests, account: string(cfg.AccountID)}
			}
			return errSlotBusy
		}
		made = true
	}
	return nil
}

// sortOut splits as, in order, by what claimed says of each: the attempts
// claimed, and those still to be made, which were not looked at. Attempts
// claimed elsewhere are in neither: they are that worker's to make.
func sortOut(as []queue.Attempt, claimed slots.Taken) (granted, rest []queue.Attempt) {
	got := make(map[string]bool, len(claimed.Leases)+len(claimed.Held))
	for _, l := range claimed.Leases {
		got[l.ID] = true
	}
	for _, id := range claimed.Held {
		got[id] = false
	}
	for _, a := range as {
		switch ok, seen := got[claimID(a)]; {
		case !seen:
			rest = append(rest, a)
		case ok:
			granted = append(granted, a)
		}
	}
	return granted, rest
}

// handOn queues attempts as, which found no slot after others of their task
// were made, as a new task at the back of the queue. Handed back instead,
// they would wait out asynq's retry delay (most of a second), while the
// configuration's slots went unused: 85–90 deliveries/s instead of 100 in
// slow-receivers.
func (w *Worker) handOn(ctx context.Context, cfgID pulid.ID, as []queue.Attempt, n int) error {
	m := queue.Many{Config: cfgID, HandOff: n}
	for _, a := range as {
		m.Deliveries = append(m.Deliveries, a.DeliveryID)
		m.Traces = append(m.Traces, a.Trace)
	}
	if err := w.Queue.EnqueueMany(ctx, m); err != nil {
		w.Logger.WarnContext(ctx, "hand on first attempts; the task is handed back instead", "configuration_id", cfgID, "err", err)
		return errSlotBusy
	}
	return nil
}

// wave makes attempts as, each claimed by its lease in leases: it reads
// their deliveries, sends each as soon as it gets a slot of the
// configuration and one of the account's requests, frees the slots of
// each group sent together once its requests are over, records what was
// sent and then ends the claims. It returns the attempts that got no slot
// in time, unmade and unclaimed, and whether the account's share of
// requests held some of them back.
func (w *Worker) wave(ctx context.Context, cfg *ent.Configuration, secrets [][]byte, headers map[string]string, as []queue.Attempt, leases []*slots.Lease) (unsent []queue.Attempt, refused bool, err error) {
	sys := viewer.System(ctx)
	// The claims last until the attempts are recorded, so no other task
	// makes them meanwhile.
	defer w.Limiter.End(leases...)
	ds, err := w.loadAll(sys, as)
	if err != nil {
		return nil, false, err
	}
	var todo []int // index in as of each attempt to send
	for i, d := range ds {
		if d == nil {
			continue
		}
		if d.ConfigurationID == nil {
			// The configuration was deleted since it was read.
			if err := w.cancel(sys, d); err != nil {
				return nil, false, err
			}
			ds[i] = nil
			continue
		}
		d.Edges.Configuration = cfg
		todo = append(todo, i)
	}
	results := make([]sender.Result, len(as))
	var wg sync.WaitGroup
	for len(todo) > 0 && !refused {
		group := make([]*slots.Lease, len(todo))
		for j, i := range todo {
			group[j] = leases[i]
		}
		n, err := w.Limiter.WaitSlots(ctx, string(cfg.ID), group, cfg.MaxParallel, leaseTTL(cfg), slotWait, cfg.MaxParallel)
		if err != nil && ctx.Err() == nil {
			// Redis failed: the attempts left go on as if no slot had
			// come in time, and they are made later.
			w.Logger.WarnContext(ctx, "waiting for slots failed", "configuration_id", cfg.ID, "attempts", len(todo), "err", err)
		}
		if err != nil || n == 0 {
			break
		}
		if k := w.takeRequests(cfg.AccountID, n); k < n {
			w.Limiter.Free(group[k:n]...)
			n, refused = k, true
			if n == 0 {
				break
			}
		}
		sending := todo[:n]
		todo = todo[n:]
		wg.Go(func() {
			var reqs sync.WaitGroup
			reqs.Add(len(sending))
			for _, i := range sending {
				w.sends.Go(func() {
					defer reqs.Done()
					results[i] = w.send(ctx, ds[i], cfg, secrets, headers, as[i])
				})
			}
			reqs.Wait()
			w.Limiter.Free(group[:n]...)
			w.giveRequests(cfg.AccountID, n)
		})
	}
	wg.Wait()
	for _, i := range todo {
		unsent = append(unsent, as[i])
		ds[i] = nil
	}
	if ctx.Err() != nil {
		// Shutting down: hand the task back unrecorded; it runs again.
		w.Logger.InfoContext(ctx, "attempts handed back at shutdown", "configuration_id", cfg.ID, "count", len(as))
		return nil, false, ctx.Err()
	}
	return unsent, refused, w.record(sys, cfg, as, ds, results)
}

// send makes one request for attempt a of d.
func (w *Worker) send(ctx context.Context, d *ent.Delivery, cfg *ent.Configuration, secrets [][]byte, headers map[string]string, a queue.Attempt) sender.Result {
	ctx, span := tracing.Start(tracing.WithTraceparent(ctx, a.Trace), "ferry.deliver",
		attribute.String("ferry.delivery_id", string(d.ID)), attribute.Int("ferry.attempt", a.Number))
	defer span.End()
	done := w.Metrics.InFlight(string(cfg.ID))
	res := w.Sender.Send(ctx, sender.Message{
		URL: cfg.URL, Timeout: time.Duration(cfg.TimeoutSeconds) * time.Second, Headers: headers,
		EventID: string(d.EventID), EventType: d.Edges.Event.Type, Data: d.Edges.Event.Data,
		OccurredAt: d.Edges.Event.OccurredAt, ConfigurationID: string(cfg.ID),
		DeliveryID: string(d.ID), Attempt: a.Number, Keys: secrets,
	})
	done()
	span.SetAttributes(attribute.Int("http.response.status_code", res.StatusCode), attribute.Bool("ferry.ok", res.OK()))
	return res
}

// slotWait is how long a handler waits for one of its configuration's
// slots before handing its task back. Handing back costs most of a second
// (asynq scores retries in whole seconds), which is what kept a busy
// configuration under its maxParallel ceiling; waiting here, woken by the
// release of a slot, keeps every slot busy. At most maxParallel handlers
// of a process wait for one configuration, so a busy one cannot hold every
// worker goroutine; fewer waiters (a quarter of maxParallel) left slots
// idle: 90–95 deliveries/s in slow-receivers instead of 100.
const slotWait = 2 * time.Second

// claimIDs names the leases of as.
func claimIDs(as []queue.Attempt) []string {
	ids := make([]string, len(as))
	for i, a := range as {
		ids[i] = claimID(a)
	}
	return ids
}

// slot takes one slot of the configuration for a request that is no
// automatic attempt (a manual resend).
func (w *Worker) slot(ctx context.Context, cfg *ent.Configuration) (*slots.Lease, error) {
	taken, err := w.Limiter.Wait(ctx, string(cfg.ID), []string{slots.UnnamedID()}, cfg.MaxParallel, leaseTTL(cfg), slotWait, cfg.MaxParallel)
	if err != nil {
		return nil, err
	}
	if len(taken.Leases) == 0 {
		return nil, errSlotBusy
	}
	return taken.Leases[0], nil
}

// leaseTTL is how long a slot of cfg is held at most: its request timeout
// and some slack.
func leaseTTL(cfg *ent.Configuration) time.Duration {
	return time.Duration(cfg.TimeoutSeconds)*time.Second + leaseSlack
}

// claimID names the lease of an attempt: while it is live, no other worker
// makes that attempt.
func claimID(a queue.Attempt) string {
	return string(a.DeliveryID) + "/" + fmt.Sprint(a.Number)
}

// loadAll returns, for each attempt, its delivery with its event, or nil
// when the attempt is no longer due (made already, ended, or deleted).
func (w *Worker) loadAll(ctx context.Context, as []queue.Attempt) ([]*ent.Delivery, error) {
	ids := make([]pulid.ID, len(as))
	for i, a := range as {
		ids[i] = a.DeliveryID
	}
	ds, errs := w.loads.DoAll(ctx, ids)
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
	return d.AttemptCount == a.Number-1 && (d.Status == delivery.StatusPENDING || d.Status == delivery.StatusRETRYING)
}

// loadOne is loadAll for one attempt.
func (w *Worker) loadOne(ctx context.Context, a queue.Attempt) (*ent.Delivery, error) {
	ds, err := w.loadAll(ctx, []queue.Attempt{a})
	if err != nil {
		return nil, err
	}
	return ds[0], nil
}

// unattempted returns the attempts of as that are still due.
func (w *Worker) unattempted(ctx context.Context, as []queue.Attempt) ([]queue.Attempt, error) {
	ds, err := w.loadAll(ctx, as)
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

// record stores the attempts of a wave (ds[i] nil: not made) and moves each
// delivery on: SUCCEEDED, RETRYING with the next attempt scheduled, or
// FAILED. Each update only applies while the delivery is still at its
// attempt, so nothing is marked twice.
func (w *Worker) record(ctx context.Context, cfg *ent.Configuration, as []queue.Attempt, ds []*ent.Delivery, results []sender.Result) error {
	var (
		ps   []attempts.Pending
		made []int // index in as of each of ps
	)
	for i, d := range ds {
		if d == nil {
			continue
		}
		ps = append(ps, attempts.Pending{Delivery: d, Number: as[i].Number, Result: results[i],
			Outcome: w.outcome(cfg, as[i].Number, results[i])})
		made = append(made, i)
	}
	if len(ps) == 0 {
		return nil
	}
	moved, errs := w.records.DoAll(ctx, ps)
	if err := firstError(errs); err != nil {
		return err
	}
	var changed []*ent.Delivery
	for j, p := range ps {
		a, res := as[made[j]], p.Result
		log := &attemptLog{base: w.Logger, d: p.Delivery, cfg: cfg.ID, n: a.Number}
		if moved[j] == nil {
			log.get().WarnContext(ctx, "attempt already recorded by another worker; this one is dropped")
			continue
		}
		changed = append(changed, moved[j])
		w.after(ctx, log, cfg, a, p.Outcome, res)
	}
	w.Live.Deliveries(ctx, changed...)
	return nil
}

// outcome is where attempt n of a delivery to cfg leaves it.
func (w *Worker) outcome(cfg *ent.Configuration, n int, res sender.Result) attempts.Outcome {
	if res.OK() {
		return attempts.Outcome{Status: delivery.StatusSUCCEEDED}
	}
	if delay, ok := nextDelay(cfg.RetrySchedule, n, res.RetryAfter, rand.Float64()*2-1); ok && res.StatusCode != http.StatusGone {
		return attempts.Outcome{Status: delivery.StatusRETRYING, Next: w.now().Add(delay)}
	}
	return attempts.Outcome{Status: delivery.StatusFAILED}
}

// after does what follows a recorded attempt: metrics, deactivating on
// 410 Gone, auto-disable, and queuing the next attempt.
func (w *Worker) after(ctx context.Context, log *attemptLog, cfg *ent.Configuration, a queue.Attempt, o attempts.Outcome, res sender.Result) {
	w.Metrics.Attempt(string(deliveryattempt.TriggerAUTOMATIC), res.OK(), res.Duration)
	w.Metrics.Ended(string(o.Status), string(cfg.ID))
	if log.base.Enabled(ctx, slog.LevelDebug) {
		log.get().DebugContext(ctx, "attempt recorded", "status", o.Status, "response_status", res.StatusCode,
			"duration_ms", res.Duration.Milliseconds(), "error", res.Error)
	}
	if res.StatusCode == http.StatusGone {
		reason := fmt.Sprintf("the endpoint answered 410 Gone on %s (delivery %s)", w.now().UTC().Format(time.RFC3339), a.DeliveryID)
		log.get().WarnContext(ctx, "410 Gone: configuration deactivated")
		if _, err := w.Configs.Deactivate(ctx, cfg.ID, &reason); err != nil {
			log.get().ErrorContext(ctx, "deactivate after 410", "err", err)
		}
	}
	if o.Status == delivery.StatusFAILED && res.StatusCode != http.StatusGone {
		// Best effort, logged inside: it never fails the task.
		w.AutoDisable.AfterFailure(ctx, cfg.ID)
	}
	if o.Status == delivery.StatusRETRYING {
		// If this fails the recovery loop enqueues it once it is overdue.
		next := queue.Attempt{DeliveryID: a.DeliveryID, Number: a.Number + 1, Config: cfg.ID, Trace: a.Trace}
		if err := w.Queue.Enqueue(ctx, next, o.Next); err != nil {
			log.get().WarnContext(ctx, "enqueue retry; recovery will retry", "err", err)
		}
	}
}

// cancelAll ends the waiting deliveries of as, whose configuration can no
// longer take them.
func (w *Worker) cancelAll(ctx context.Context, as []queue.Attempt) error {
	ds, err := w.loadAll(ctx, as)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if d == nil {
			continue
		}
		if err := w.cancel(ctx, d); err != nil {
			return err
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

func firstError(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// attemptLog is the logger of one recorded attempt, made on first use:
// most attempts log nothing, and slog's With was ~1 % of the worker's CPU.
type attemptLog struct {
	base *slog.Logger
	d    *ent.Delivery
	cfg  pulid.ID
	n    int
	l    *slog.Logger
}

func (a *attemptLog) get() *slog.Logger {
	if a.l == nil {
		a.l = a.base.With("delivery_id", a.d.ID, "event_id", a.d.EventID, "configuration_id", a.cfg, "attempt", a.n)
	}
	return a.l
}

// idOf is an optional id for a log line ("" when absent).
func idOf(id *pulid.ID) string {
	if id == nil {
		return ""
	}
	return string(*id)
}
