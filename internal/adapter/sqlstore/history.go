package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/ferryhq/ferry/ent"
	entdelivery "github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/deliveryattempt"
	"github.com/ferryhq/ferry/ent/event"
	"github.com/ferryhq/ferry/ent/schema/pulid"
)

// candidatesSQL picks the next batch of events the rule allows deleting:
// $1 is the cutoff, $2 the waiting statuses, $3 the last id of the previous
// batch and $4 the cutoff's id. PostgreSQL does not carry the id range
// over to d.event_id by itself; stated for both, each batch reads only its
// own deliveries instead of every older one again.
const candidatesSQL = `SELECT e.id FROM events e
WHERE e.id > $3 AND e.id < $4 AND e.created_at < $1
	AND NOT EXISTS (
		SELECT 1 FROM deliveries d
		WHERE d.event_id = e.id AND d.event_id > $3 AND d.event_id < $4
			AND (d.status = ANY($2) OR d.updated_at >= $1))
ORDER BY e.id LIMIT $5`

// lockHistorySQL waits for attempts being saved on the candidates'
// deliveries and keeps new ones out until commit: without it a resend saved
// during the delete would be deleted with its delivery.
const lockHistorySQL = `SELECT d.id FROM deliveries d WHERE d.event_id = ANY($1) ORDER BY d.id FOR UPDATE`

// deleteHistorySQL deletes the candidates ($3) while checking the rule
// again (it sees what committed while lockHistorySQL waited), then their
// deliveries and those deliveries' attempts, and counts the events deleted.
// Deleting the children here rather than by the foreign keys' cascade
// deletes them as sets, not one row at a time.
const deleteHistorySQL = `WITH gone AS (
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

// DeleteEndedHistory deletes, in one transaction, up to limit events with
// ids between after and bound (both excluded) that were created before
// cutoff and none of whose deliveries is waiting or was updated at or after
// cutoff, together with their deliveries and those deliveries' attempts.
// It returns how many events it deleted and the ids it considered, in
// order: the next batch starts after the last, and a full batch means more
// may follow. ctx must allow deleting history (viewer.System).
func (s Store) DeleteEndedHistory(ctx context.Context, client *ent.Client, cutoff time.Time, after, bound string, limit int) (n int, ids []string, err error) {
	err = WithTx(ctx, client, func(tx *ent.Tx) error {
		var err error
		if s.postgres() {
			n, ids, err = deleteHistoryPostgres(ctx, tx, cutoff, after, bound, limit)
		} else {
			n, ids, err = deleteHistoryEnt(ctx, tx, cutoff, after, bound, limit)
		}
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return n, ids, nil
}

func deleteHistoryPostgres(ctx context.Context, tx *ent.Tx, cutoff time.Time, after, bound string, limit int) (int, []string, error) {
	rows, err := tx.QueryContext(ctx, candidatesSQL, cutoff, waitingArg, after, bound, limit)
	if err != nil {
		return 0, nil, fmt.Errorf("select events: %w", err)
	}
	ids, err := scanIDs(rows)
	if err != nil || len(ids) == 0 {
		return 0, ids, err
	}
	if _, err := tx.ExecContext(ctx, lockHistorySQL, pq.Array(ids)); err != nil {
		return 0, nil, fmt.Errorf("lock deliveries: %w", err)
	}
	rows, err = tx.QueryContext(ctx, deleteHistorySQL, cutoff, waitingArg, pq.Array(ids))
	if err != nil {
		return 0, nil, fmt.Errorf("delete events: %w", err)
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
		return 0, nil, fmt.Errorf("delete events: %w", err)
	}
	return n, ids, nil
}

// deleteHistoryEnt is the SQLite twin: SQLite has one writer at a time, so
// no attempt can be saved between the choice and the delete.
func deleteHistoryEnt(ctx context.Context, tx *ent.Tx, cutoff time.Time, after, bound string, limit int) (int, []string, error) {
	keep := entdelivery.Or(entdelivery.StatusIn(Waiting...), entdelivery.UpdatedAtGTE(cutoff))
	found, err := tx.Event.Query().
		Where(event.IDGT(pulid.ID(after)), event.IDLT(pulid.ID(bound)), event.CreatedAtLT(cutoff),
			event.Not(event.HasDeliveriesWith(keep))).
		Order(event.ByID()).Limit(limit).IDs(ctx)
	if err != nil {
		return 0, nil, fmt.Errorf("select events: %w", err)
	}
	ids := make([]string, len(found))
	for i, id := range found {
		ids[i] = string(id)
	}
	if len(found) == 0 {
		return 0, ids, nil
	}
	if _, err := tx.DeliveryAttempt.Delete().
		Where(deliveryattempt.HasDeliveryWith(entdelivery.EventIDIn(found...))).Exec(ctx); err != nil {
		return 0, nil, fmt.Errorf("delete attempts: %w", err)
	}
	if _, err := tx.Delivery.Delete().Where(entdelivery.EventIDIn(found...)).Exec(ctx); err != nil {
		return 0, nil, fmt.Errorf("delete deliveries: %w", err)
	}
	n, err := tx.Event.Delete().Where(event.IDIn(found...)).Exec(ctx)
	if err != nil {
		return 0, nil, fmt.Errorf("delete events: %w", err)
	}
	return n, ids, nil
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
