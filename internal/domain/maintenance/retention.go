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
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/lib/pq"
	"github.com/oklog/ulid/v2"
	"github.com/redis/go-redis/v9"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/internal/adapter/sqlstore"
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
	Client *ent.Client // raw SQL only, so the privacy policies do not apply
	// Redis, when set, elects one sweeper per Interval across processes;
	// should Redis fail, every process sweeps: a sweep twice is harmless.
	Redis    redis.UniversalClient
	Logger   *slog.Logger     // slog.Default when nil
	Days     int              // history kept, in days; 0 or less keeps it forever
	Interval time.Duration    // between passes of Run; DefaultRetentionInterval when 0
	Batch    int              // events per batch; DefaultRetentionBatch when 0
	Now      func() time.Time // the clock; time.Now when nil
}

// Run sweeps at once and then every Interval until ctx is done. Sweeping at
// start means deploys more frequent than Interval cannot starve it.
func (s *Retention) Run(ctx context.Context) {
	if s.Days <= 0 {
		s.logger().InfoContext(ctx, "retention disabled: history is kept forever")
		return
	}
	t := time.NewTicker(s.interval())
	defer t.Stop()
	for {
		s.pass(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
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
	n, err := s.sweep(ctx, cutoff)
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
		n, ids, err := s.deleteBatch(ctx, cutoff, after, bound)
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

// candidatesSQL picks the next batch of events the rule allows deleting:
// $1 is the cutoff, $2 the waiting statuses, $3 the last id of the previous
// batch and $4 the cutoff's id, so events are a range scan of the primary
// key and deliveries a range scan of delivery_event_id. PostgreSQL plans a
// merge anti-join and does not carry a range from e.id over to d.event_id
// by itself; stated for both, the deliveries side starts at the batch
// instead of reading every older delivery again on every batch.
const candidatesSQL = `SELECT e.id FROM events e
WHERE e.id > $3 AND e.id < $4 AND e.created_at < $1
	AND NOT EXISTS (
		SELECT 1 FROM deliveries d
		WHERE d.event_id = e.id AND d.event_id > $3 AND d.event_id < $4
			AND (d.status = ANY($2) OR d.updated_at >= $1))
ORDER BY e.id LIMIT $5`

// lockSQL waits for attempts being saved on the candidates' deliveries and
// keeps new ones out until commit: without it a resend saved during the
// delete would be deleted with its delivery.
const lockSQL = `SELECT d.id FROM deliveries d WHERE d.event_id = ANY($1) ORDER BY d.id FOR UPDATE`

// deleteSQL deletes the candidates ($3) while checking the rule again, for
// the statement sees what committed while lockSQL waited, then their
// deliveries and those deliveries' attempts, and counts the events deleted.
// The foreign keys would cascade to them one row at a time; they fire at
// the end of the statement and find nothing left. Every delivery of an
// event was written with it, and lockSQL keeps attempts of these
// deliveries from being saved meanwhile, so the statement's snapshot holds
// them all.
const deleteSQL = `WITH gone AS (
	DELETE FROM events e
	WHERE e.id = ANY($3) AND e.created_at < $1
		AND NOT EXISTS (
			SELECT 1 FROM deliveries d
			WHERE d.event_id = e.id AND (d.status = ANY($2) OR d.updated_at >= $1))
	RETURNING e.id
), deliveries_gone AS (
	DELETE FROM deliveries d USING gone WHERE d.event_id = gone.id RETURNING d.id
), attempts_gone AS (
	DELETE FROM delivery_attempts a USING deliveries_gone WHERE a.delivery_id = deliveries_gone.id
)
SELECT count(*) FROM gone`

// deleteBatch deletes one batch of events in a transaction. It returns how
// many it deleted and the ids it considered: the next batch starts after
// the last, and a full batch means more may follow.
func (s *Retention) deleteBatch(ctx context.Context, cutoff time.Time, after, bound string) (n int, ids []string, err error) {
	err = sqlstore.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		var err error
		ids, err = candidates(ctx, tx, cutoff, after, bound, s.batch())
		if err != nil || len(ids) == 0 {
			return err
		}
		n, err = deleteLocked(ctx, tx, cutoff, ids)
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return n, ids, nil
}

// deleteLocked locks the deliveries of ids, then deletes those of ids the
// rule still allows and returns how many it deleted.
func deleteLocked(ctx context.Context, tx *ent.Tx, cutoff time.Time, ids []string) (int, error) {
	if _, err := tx.ExecContext(ctx, lockSQL, pq.Array(ids)); err != nil {
		return 0, fmt.Errorf("lock deliveries: %w", err)
	}
	rows, err := tx.QueryContext(ctx, deleteSQL, cutoff, sqlstore.WaitingArg(), pq.Array(ids))
	if err != nil {
		return 0, fmt.Errorf("delete events: %w", err)
	}
	defer rows.Close()
	n := 0
	if rows.Next() {
		err = rows.Scan(&n)
	}
	if err == nil {
		err = rows.Err()
	}
	if err != nil {
		return 0, fmt.Errorf("delete events: %w", err)
	}
	return n, nil
}

// candidates returns the ids of up to limit events the rule allows deleting.
func candidates(ctx context.Context, tx *ent.Tx, cutoff time.Time, after, bound string, limit int) ([]string, error) {
	rows, err := tx.QueryContext(ctx, candidatesSQL, cutoff, sqlstore.WaitingArg(), after, bound, limit)
	if err != nil {
		return nil, fmt.Errorf("select events: %w", err)
	}
	return scanIDs(rows)
}

func scanIDs(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("scan event id: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select events: %w", err)
	}
	return ids, nil
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

func (s *Retention) now() time.Time { return now(s.Now) }

func (s *Retention) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}
