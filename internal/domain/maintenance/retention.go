// Retention deletes old delivery history so the database does not
// grow forever.
//
// The rule: an event is deleted, and its deliveries and their attempts with
// it (in one statement), when all of these hold, for cutoff = now - Days:
//
//   - the event was created before the cutoff;
//   - none of its deliveries is still waiting (PENDING or RETRYING), so no
//     attempt that is yet to come loses its delivery;
//   - none of its deliveries was updated at or after the cutoff, so a
//     delivery resent recently keeps its event and its whole history.
//
// Nothing younger than the cutoff is touched. Events go in batches, each
// in its own short transaction, so a large backlog neither holds locks for
// long nor builds one huge transaction. A batch locks the deliveries it is
// about to delete and checks the rule again, so an attempt saved meanwhile
// (a resend of an old delivery) keeps its event instead of vanishing.
//
// Ids are a prefix and a ULID minted with created_at, so "created before the
// cutoff" is also "id below the ULID of the cutoff": batches walk the
// primary key over old events only, and the last batch of a pass stops at
// the cutoff instead of reading every young event. created_at stays the
// rule; the id bound only narrows the scan (an event whose id is younger
// than its created_at would merely be kept longer).
package maintenance

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/oklog/ulid/v2"
	"github.com/redis/go-redis/v9"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/internal/adapter/sqlstore"
	"github.com/ferryhq/ferry/internal/edge/viewer"
)

const (
	// DefaultRetentionBatch is how many events one batch deletes when
	// Batch is 0.
	DefaultRetentionBatch = 1000
	// DefaultRetentionInterval is how often Run sweeps when Interval is 0.
	DefaultRetentionInterval = time.Hour
	// maxPerPass bounds one pass so a huge first sweep cannot hold the
	// loop for hours; the next pass carries on.
	maxPerPass = 100_000
	// retentionLock elects one sweeper per interval among processes.
	retentionLock = "ferry:retention:lock"
	// eventIDPrefix is the prefix of event ids (see ent/schema/event.go).
	eventIDPrefix = "evt"
)

// Retention deletes events, deliveries and attempts older than Days.
type Retention struct {
	Client *ent.Client
	// Redis, when set, elects one sweeper per Interval across processes;
	// should Redis fail, every process sweeps: a sweep twice is harmless.
	Redis    redis.UniversalClient
	Logger   *slog.Logger  // slog.Default when nil
	Days     int           // history kept, in days; 0 or less keeps it forever
	Interval time.Duration // between passes of Run; DefaultRetentionInterval when 0
	Batch    int           // events per batch; DefaultRetentionBatch when 0

	store sqlstore.Store
	now   func() time.Time
}

// NewRetention returns a Retention keeping days of history in the database
// of client and store, on time.Now; the caller sets the rest.
func NewRetention(client *ent.Client, store sqlstore.Store, logger *slog.Logger, days int) *Retention {
	return &Retention{Client: client, store: store, Logger: logger, Days: days, now: time.Now}
}

// SetClock replaces the clock the history's age is measured by.
func (s *Retention) SetClock(now func() time.Time) { s.now = now }

// Run sweeps at once and then every Interval until ctx is done. Sweeping at
// start means deploys more frequent than Interval cannot starve it.
func (s *Retention) Run(ctx context.Context) {
	if s.Days <= 0 {
		s.logger().InfoContext(ctx, "retention disabled: history is kept forever")
		return
	}
	every(ctx, s.interval(), true, s.pass)
}

// pass runs one sweep and logs its outcome.
func (s *Retention) pass(ctx context.Context) {
	n, cutoff, err := s.runOnce(ctx)
	switch {
	case cutoff.IsZero():
		// Another process swept this interval.
	case err != nil && ctx.Err() == nil:
		s.logger().ErrorContext(ctx, "retention pass failed", "err", err, "events_deleted", n, "cutoff", cutoff)
	case err == nil:
		s.logger().InfoContext(ctx, "retention pass", "events_deleted", n, "cutoff", cutoff)
	}
}

// RunOnce deletes what the rule allows, in batches, and returns how many
// events it deleted. It does nothing when Days <= 0 or when another
// sweeper already ran this interval.
func (s *Retention) RunOnce(ctx context.Context) (deleted int, err error) {
	n, _, err := s.runOnce(ctx)
	return n, err
}

// runOnce is RunOnce that also returns the cutoff it swept to, zero when it
// did not sweep.
func (s *Retention) runOnce(ctx context.Context) (int, time.Time, error) {
	if s.Days <= 0 || !s.elected(ctx) {
		return 0, time.Time{}, nil
	}
	cutoff := s.now().Add(-time.Duration(s.Days) * 24 * time.Hour)
	n, err := s.sweep(viewer.System(ctx), cutoff)
	if err != nil {
		return n, cutoff, fmt.Errorf("retention: %w", err)
	}
	return n, cutoff, nil
}

// elected reports whether this process sweeps this interval.
func (s *Retention) elected(ctx context.Context) bool {
	return elected(ctx, s.Redis, retentionLock, s.interval(), s.logger())
}

// sweep deletes batch after batch until one comes back short, the pass cap
// is reached or ctx is done.
func (s *Retention) sweep(ctx context.Context, cutoff time.Time) (int, error) {
	bound := idBefore(eventIDPrefix, cutoff)
	after, total := "", 0
	for total < maxPerPass {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		n, ids, err := s.store.DeleteEndedHistory(ctx, s.Client, cutoff, after, bound, s.batch())
		if err != nil {
			return total, err
		}
		total += n
		if len(ids) < s.batch() {
			return total, nil
		}
		after = ids[len(ids)-1]
	}
	return total, nil
}

// idBefore returns the smallest id with prefix minted at t's millisecond:
// every id minted earlier sorts below it.
func idBefore(prefix string, t time.Time) string {
	var u ulid.ULID // zero entropy
	// SetTime fails only after the year 10889.
	_ = u.SetTime(ulid.Timestamp(t))
	return prefix + "_" + u.String()
}

func (s *Retention) batch() int {
	if s.Batch > 0 {
		return s.Batch
	}
	return DefaultRetentionBatch
}

func (s *Retention) interval() time.Duration {
	if s.Interval > 0 {
		return s.Interval
	}
	return DefaultRetentionInterval
}

func (s *Retention) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}
