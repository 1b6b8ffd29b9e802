package delivery

import (
	"cmp"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/configuration"
	"github.com/ferryhq/ferry/ent/deliveryattempt"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/queue"
	"github.com/ferryhq/ferry/internal/adapter/sender"
	"github.com/ferryhq/ferry/internal/adapter/slots"
	"github.com/ferryhq/ferry/internal/adapter/sqlstore"
	"github.com/ferryhq/ferry/internal/edge/viewer"
)

// Engine makes the attempts of one worker process's tasks, sharing the
// process among accounts (shares.go).
type Engine struct {
	*Service
	shares   *shares
	configs  *expirable.LRU[pulid.ID, *ent.Configuration] // see configTTL
	draining atomic.Bool
}

// NewEngine returns an engine for a process running concurrency handlers
// (plus HandlerReserve) with at most maxRequests requests out (0: no cap).
func (s *Service) NewEngine(concurrency, maxRequests int) *Engine {
	return &Engine{Service: s, shares: newShares(concurrency, maxRequests),
		configs: expirable.NewLRU[pulid.ID, *ent.Configuration](100_000, nil, configTTL)}
}

// Drain makes the engine start no request from now on: attempts not yet
// sent are handed back (ErrShuttingDown), those out finish and are
// recorded. A worker calls it when it is told to stop.
func (e *Engine) Drain() { e.draining.Store(true) }

// Draining reports whether Drain was called.
func (e *Engine) Draining() bool { return e.draining.Load() }

// Wakes are the ids of parked tasks whose account may go on now.
func (e *Engine) Wakes() <-chan string { return e.shares.wakes }

// Deliver makes attempt a, queued on its own (a retry, or a recovered
// attempt).
func (e *Engine) Deliver(ctx context.Context, a queue.Attempt) error {
	if a.Config == "" {
		// Queued before tasks named their configuration: read it first.
		sys := viewer.System(ctx)
		d, err := e.loadOne(sys, a)
		if d == nil || err != nil {
			return err
		}
		if d.ConfigurationID == nil {
			return e.cancel(sys, d)
		}
		a.Config = *d.ConfigurationID
	}
	return e.deliver(ctx, a.Config, []queue.Attempt{a}, -1, false)
}

// DeliverMany makes the first attempts of deliveries published together to
// one configuration; retried is whether the task was handed back before.
func (e *Engine) DeliverMany(ctx context.Context, m queue.Many, retried bool) error {
	as := make([]queue.Attempt, len(m.Deliveries))
	for i, id := range m.Deliveries {
		as[i] = queue.Attempt{DeliveryID: id, Number: 1, Config: m.Config}
		if i < len(m.Traces) {
			as[i].Trace = m.Traces[i]
		}
	}
	return e.deliver(ctx, m.Config, as, m.HandOff, retried)
}

// deliver makes automatic attempts as, all to the configuration cfgID, in
// waves of at most maxParallel: claim each in Redis, take the
// configuration's slots, claim each in PostgreSQL, which reads its delivery
// in the same statement, send, record. An attempt that another task also
// carries is made once: the other task finds it claimed, or, once it is
// recorded, no longer due. The slots are held from the database's claim to
// the request's end.
//
// The task holds one of this process's handlers for the configuration's
// account meanwhile, and each request one of its requests: when the
// account holds its share of either, the task is handed back (AccountBusy).
//
// handOff is the task's queue.Many.HandOff, -1 for a task of one attempt.
func (e *Engine) deliver(ctx context.Context, cfgID pulid.ID, as []queue.Attempt, handOff int, retried bool) error {
	sys := viewer.System(ctx)
	cfg, err := e.configuration(sys, cfgID)
	if err != nil {
		return err
	}
	if cfg == nil || cfg.Status != configuration.StatusACTIVE {
		// Deleted or deactivated while these tasks waited.
		e.Logger.InfoContext(ctx, "configuration gone or inactive; deliveries cancelled", "configuration_id", cfgID)
		return e.cancelAll(sys, as)
	}
	done, err := e.shares.admit(cfg.AccountID)
	if err != nil {
		return err
	}
	defer done()
	if retried && handOff >= 0 {
		// Handed back part done: drop what was attempted since. An attempt
		// once made stays made, so this is safe before claiming.
		if as, err = e.unattempted(sys, as); err != nil {
			return err
		}
	}
	t, err := e.open(cfg)
	if err != nil {
		e.Logger.WarnContext(ctx, "cannot open the configuration to send; deliveries cancelled", "configuration_id", cfgID, "err", err)
		return e.cancelAll(sys, as)
	}
	made := false
	for len(as) > 0 {
		if e.Draining() {
			return ErrShuttingDown
		}
		claimed, err := e.claimAll(ctx, cfg, as[:min(len(as), cfg.MaxParallel)])
		if err != nil {
			return err
		}
		granted, rest := sortOut(as, claimed)
		if len(granted) == 0 {
			as = rest
			continue
		}
		unsent, refused, err := e.wave(ctx, t, granted, claimed.Leases)
		if err != nil {
			return err
		}
		as = append(unsent, rest...)
		if len(unsent) == len(granted) {
			// No slot freed up in time, or the account has its share of
			// requests out.
			switch {
			case made && handOff >= 0:
				return e.handOn(ctx, cfgID, as, handOff+1)
			case refused:
				return e.shares.busyRequests(cfg.AccountID)
			}
			return ErrSlotBusy
		}
		made = true
	}
	return nil
}

// handOn queues attempts as, which found no slot after others of their task
// were made, as a new task at the back of the queue. Handed back instead,
// they would wait out asynq's retry delay while the configuration's slots
// went unused.
func (e *Engine) handOn(ctx context.Context, cfgID pulid.ID, as []queue.Attempt, n int) error {
	m := queue.Many{Config: cfgID, HandOff: n}
	for _, a := range as {
		m.Deliveries = append(m.Deliveries, a.DeliveryID)
		m.Traces = append(m.Traces, a.Trace)
	}
	if err := e.Queue.EnqueueMany(ctx, m); err != nil {
		e.Logger.WarnContext(ctx, "hand on first attempts; the task is handed back instead", "configuration_id", cfgID, "err", err)
		return ErrSlotBusy
	}
	return nil
}

// wave makes attempts as, each claimed by its lease in leases: it sends
// each as soon as it gets a slot of the configuration, one of the
// account's requests and its claim in the database (which reads its
// delivery), frees the slots of each group sent together once its requests
// are over, records what was sent and then ends the claims. It returns the
// attempts that got no slot in time, unmade and unclaimed, and whether the
// account's share of requests held some of them back.
func (e *Engine) wave(ctx context.Context, t *target, as []queue.Attempt, leases []*slots.Lease) (unsent []queue.Attempt, refused bool, err error) {
	sys := viewer.System(ctx)
	cfg := t.cfg
	defer e.Slots.End(leases...)
	todo := make([]int, len(as)) // index in as of each attempt to send
	for i := range as {
		todo[i] = i
	}
	made := make([]*attempt, len(as))
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		lostErr error // the first attempt that could not be recorded
	)
	for len(todo) > 0 && !refused && !e.Draining() {
		group := make([]*slots.Lease, len(todo))
		for j, i := range todo {
			group[j] = leases[i]
		}
		n, err := e.waitSlots(ctx, cfg, group)
		if err != nil && ctx.Err() == nil {
			// Redis failed: the attempts left go on as if no slot had
			// come in time, and they are made later.
			e.Logger.WarnContext(ctx, "waiting for slots failed", "configuration_id", cfg.ID, "attempts", len(todo), "err", err)
		}
		if err != nil || n == 0 {
			break
		}
		if e.Draining() {
			e.Slots.Free(group[:n]...)
			break
		}
		if k := e.shares.takeRequests(cfg.AccountID, n); k < n {
			e.Slots.Free(group[k:n]...)
			n, refused = k, true
			if n == 0 {
				break
			}
		}
		sending, held, ds, err := e.claimRequests(sys, cfg, as, todo[:n], group[:n])
		if err != nil {
			// The database failed: what cannot be claimed could not be
			// recorded either; it goes back to the queue unmade.
			e.Slots.Free(group[:n]...)
			e.shares.giveRequests(cfg.AccountID, n)
			e.Logger.WarnContext(ctx, "claiming attempts failed", "configuration_id", cfg.ID, "attempts", n, "err", err)
			break
		}
		todo = todo[n:]
		n = len(sending)
		for j, i := range sending {
			made[i] = &attempt{d: ds[j], number: as[i].Number, trigger: deliveryattempt.TriggerAUTOMATIC, trace: as[i].Trace}
		}
		wg.Go(func() {
			// The slots go back once the requests are over, not once they
			// are recorded: a slot is for a request.
			var reqs, recs sync.WaitGroup
			for _, i := range sending {
				reqs.Go(func() {
					e.send(ctx, t, made[i])
					recs.Go(func() {
						if err := e.record(ctx, t, made[i]); err != nil {
							mu.Lock()
							lostErr = cmp.Or(lostErr, err)
							mu.Unlock()
						}
					})
				})
			}
			reqs.Wait()
			e.Slots.Free(held...)
			e.shares.giveRequests(cfg.AccountID, n)
			recs.Wait()
		})
	}
	wg.Wait()
	for _, i := range todo {
		unsent = append(unsent, as[i])
	}
	switch {
	case lostErr != nil:
		return nil, false, lostErr
	case ctx.Err() != nil || (len(unsent) > 0 && e.Draining()):
		// Shutting down: what was not sent goes back to the queue.
		if len(unsent) > 0 {
			e.Logger.InfoContext(ctx, "attempts handed back at shutdown", "configuration_id", cfg.ID, "count", len(unsent))
		}
		return nil, false, ErrShuttingDown
	}
	return unsent, refused, nil
}

// claimRequests claims in the database the attempts at indexes sending of
// as, each holding the slot in group at the same place, before their
// requests leave, so that recovery, which decides from the database alone,
// leaves them be while they are out, and finds them cut off if this worker
// dies. It returns the indexes it claimed, their slots and their
// deliveries, read as claimed; the others (made elsewhere, or no longer
// due) give their slot and request back.
func (e *Engine) claimRequests(ctx context.Context, cfg *ent.Configuration, as []queue.Attempt, sending []int, group []*slots.Lease) (claimed []int, held []*slots.Lease, ds []*ent.Delivery, err error) {
	until := e.now().Add(time.Duration(cfg.TimeoutSeconds)*time.Second + leaseSlack)
	cs := make([]sqlstore.Claim, len(sending))
	for j, i := range sending {
		cs[j] = sqlstore.Claim{DeliveryID: as[i].DeliveryID, Number: as[i].Number, Until: until}
	}
	got, errs := e.claims.DoAll(ctx, cs)
	for j := range sending {
		if errs[j] != nil {
			return nil, nil, nil, errs[j]
		}
	}
	for j, i := range sending {
		d := got[j]
		if d != nil && d.ConfigurationID == nil {
			// The configuration was deleted since the attempt was queued.
			if err := e.cancel(ctx, d); err != nil {
				e.Logger.WarnContext(ctx, "cancel a delivery of a deleted configuration", "delivery_id", d.ID, "err", err)
			}
			d = nil
		}
		if d == nil {
			e.Slots.Free(group[j])
			e.shares.giveRequests(cfg.AccountID, 1)
			continue
		}
		d.Edges.Configuration = cfg
		claimed, held, ds = append(claimed, i), append(held, group[j]), append(ds, d)
	}
	return claimed, held, ds, nil
}

// record records attempt a, just made to t, as soon as its answer is in:
// concurrent attempts of the process share one transaction (s.records), so
// an answer is on the record within a round trip of the database. An
// attempt cut off by a shutdown is recorded as interrupted. A failing
// database is tried again for up to recordPatience, within the attempt's
// claim, so that a short outage does not make the attempt again unseen.
func (e *Engine) record(ctx context.Context, t *target, a *attempt) error {
	if ctx.Err() != nil && !a.res.OK() {
		a.res.ErrorKind = sender.ErrInterrupted
		a.res.Error = "Ferry stopped before the receiver answered; the attempt is made again"
	}
	sys := viewer.System(context.WithoutCancel(ctx))
	deadline := time.Now().Add(recordPatience)
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 2*time.Second) {
		_, err := e.finish(sys, t, []*attempt{a})
		if err == nil || time.Now().Add(wait).After(deadline) {
			return err
		}
		e.attemptLogger(t, a).WarnContext(ctx, "recording the attempt failed; trying again", "err", err, "in", wait)
		time.Sleep(wait)
	}
}

// recordPatience is how long an attempt's answer waits for the database to
// take it: well within the attempt's claim (leaseSlack), after which
// another worker could make it again.
const recordPatience = 10 * time.Second

// ErrShuttingDown hands a task back, unmade or part made, when its worker
// stops. It is not a failure.
var ErrShuttingDown = errors.New("worker shutting down")

// loadOne reads attempt a's delivery with its event, or nil when it is no
// longer due.
func (s *Service) loadOne(ctx context.Context, a queue.Attempt) (*ent.Delivery, error) {
	ds, err := s.loadAll(ctx, []queue.Attempt{a})
	if err != nil {
		return nil, err
	}
	return ds[0], nil
}
