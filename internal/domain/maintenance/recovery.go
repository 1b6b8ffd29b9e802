package maintenance

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/queue"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/platform/telemetry"
)

// maxRecoverPerRun bounds one pass so a huge backlog cannot stall the loop.
const maxRecoverPerRun = 100_000

// DefaultRecoveryBatch is how many deliveries RunOnce reads at a time.
const DefaultRecoveryBatch = 1000

// Recovery re-enqueues deliveries that should have run by now but have no
// live task: after Redis lost its data, a worker died, or an enqueue failed
// after commit. Task ids make re-enqueuing a live task a no-op.
type Recovery struct {
	Client   *ent.Client
	Queue    *queue.Queue
	Redis    redis.UniversalClient // elects one recoverer a pass among workers
	Logger   *slog.Logger
	Interval time.Duration
	Grace    time.Duration
	Batch    int                // deliveries read at a time
	Metrics  *telemetry.Metrics // nil counts nothing
	// Interrupted records an attempt whose claim ran out unsaved (its
	// worker died mid-request) and queues the next; nil only re-queues.
	Interrupted Interrupter

	now func() time.Time
}

// NewRecovery returns a Recovery of the waiting deliveries client holds
// onto q, on time.Now; the caller sets the rest.
func NewRecovery(client *ent.Client, q *queue.Queue, logger *slog.Logger) *Recovery {
	return &Recovery{Client: client, Queue: q, Logger: logger, Batch: DefaultRecoveryBatch, now: time.Now}
}

// SetClock replaces the clock that decides which deliveries are overdue.
func (r *Recovery) SetClock(now func() time.Time) { r.now = now }

// Run calls RunOnce at once, then every Interval until ctx is cancelled:
// what came due while no worker ran goes out when one starts.
func (r *Recovery) Run(ctx context.Context) {
	every(ctx, r.Interval, true, func(ctx context.Context) {
		if !elected(ctx, r.Redis, recoveryLock, r.Interval, r.Logger) {
			return
		}
		n, err := r.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			r.Logger.ErrorContext(ctx, "recovery pass failed", "err", err)
		}
		r.Metrics.Reenqueued(n)
		if n > 0 {
			r.Logger.InfoContext(ctx, "recovery re-enqueued deliveries", "count", n)
		}
	})
}

// Interrupter records an automatic attempt cut off by its worker's death.
// The delivery service is one.
type Interrupter interface {
	Interrupted(ctx context.Context, id pulid.ID, number int) error
}

// recoveryLock lets one worker process of many run each pass.
const recoveryLock = "ferry:recovery:lock"

// RunOnce enqueues every waiting delivery whose next attempt is overdue by
// more than Grace, and returns how many it enqueued (or found queued).
func (r *Recovery) RunOnce(ctx context.Context) (int, error) {
	ctx = viewer.System(ctx)
	cutoff := r.now().Add(-r.Grace)
	orphaned, err := r.Queue.Orphaned()
	if err != nil {
		return 0, fmt.Errorf("recover: %w", err)
	}
	parked, err := r.Queue.Parked()
	if err != nil {
		return 0, fmt.Errorf("recover: %w", err)
	}
	var after pulid.ID
	total := 0
	for total < maxRecoverPerRun {
		q := r.Client.Delivery.Query().
			Where(
				delivery.StatusIn(delivery.StatusPENDING, delivery.StatusRETRYING),
				delivery.NextAttemptAtLT(cutoff),
				// An attempt out now is its worker's, whatever Redis says.
				delivery.Or(delivery.ClaimedUntilIsNil(), delivery.ClaimedUntilLT(r.now())),
			).
			Order(ent.Asc(delivery.FieldID)).
			Limit(r.Batch).
			Select(delivery.FieldID, delivery.FieldAttemptCount, delivery.FieldConfigurationID, delivery.FieldClaimedUntil)
		if after != "" {
			q.Where(delivery.IDGT(after))
		}
		batch, err := q.All(ctx)
		if err != nil {
			return total, fmt.Errorf("recover: %w", err)
		}
		for _, d := range batch {
			if d.ClaimedUntil != nil && r.Interrupted != nil {
				// Claimed, never recorded: cut off. Recorded as such, and
				// the next attempt queued.
				if err := r.Interrupted.Interrupted(ctx, d.ID, d.AttemptCount+1); err != nil {
					return total, fmt.Errorf("recover %s: %w", d.ID, err)
				}
				total++
				continue
			}
			a := queue.Attempt{DeliveryID: d.ID, Number: d.AttemptCount + 1}
			if parked[a.TaskID()] {
				// Waiting for its account's share: it runs by itself.
				continue
			}
			if d.ConfigurationID != nil {
				a.Config = *d.ConfigurationID
			}
			// A task whose worker died stays "active" in asynq; it gets a
			// second task id so the attempt is not held up until asynq
			// itself gives up on the lease.
			a.Rescue = orphaned[a.TaskID()]
			if err := r.Queue.Enqueue(ctx, a, time.Time{}); err != nil {
				return total, fmt.Errorf("recover %s: %w", d.ID, err)
			}
			total++
		}
		if len(batch) < r.Batch {
			return total, nil
		}
		after = batch[len(batch)-1].ID
	}
	return total, nil
}
