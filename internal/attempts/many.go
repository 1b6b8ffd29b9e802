package attempts

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"entgo.io/ent/dialect"
	"github.com/lib/pq"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/deliveryattempt"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/sender"
	"github.com/ferryhq/ferry/internal/store"
)

// Pending is one automatic attempt waiting to be saved by SaveMany.
type Pending struct {
	Delivery *ent.Delivery
	Number   int
	Result   sender.Result
	Outcome  Outcome
}

// SaveMany saves many automatic attempts in one transaction, each exactly
// as Save with onlyWaiting would: an attempt is recorded only if its
// delivery is still waiting at the attempt before it. It returns, for each,
// the delivery as it now is, or nil when another attempt got there first.
//
// On PostgreSQL that is two statements whatever the number of attempts: one
// conditional multi-row UPDATE that returns the deliveries it moved, and one
// multi-row INSERT of their attempts, each taking its rows as arrays (see
// arrays.go). SQLite (dev mode) updates row by row.
func SaveMany(ctx context.Context, client *ent.Client, dialectName string, ps []Pending) ([]*ent.Delivery, error) {
	moved := make([]bool, len(ps))
	linked := make([]*pulid.ID, len(ps)) // the configuration of each moved delivery, as its row says
	err := store.WithTx(ctx, client, func(tx *ent.Tx) error {
		var err error
		if dialectName == dialect.Postgres {
			err = moveMany(ctx, tx, ps, moved, linked)
		} else {
			for i, p := range ps {
				if moved[i], linked[i], err = moveLinked(ctx, tx, p.Delivery, p.Number, p.Result, p.Outcome, true); err != nil {
					break
				}
			}
		}
		if err != nil {
			return err
		}
		var rows []row
		for i, p := range ps {
			if moved[i] {
				d := *p.Delivery
				d.ConfigurationID = linked[i]
				rows = append(rows, rowOf(&d, p.Number, deliveryattempt.TriggerAUTOMATIC, p.Result))
			}
		}
		switch {
		case len(rows) == 0:
			return nil
		case dialectName == dialect.Postgres:
			return insertRows(ctx, tx, rows)
		}
		creates := make([]*ent.DeliveryAttemptCreate, len(rows))
		for i, r := range rows {
			creates[i] = r.create(tx.Client())
		}
		return tx.DeliveryAttempt.CreateBulk(creates...).Exec(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("save %d attempts: %w", len(ps), err)
	}
	out := make([]*ent.Delivery, len(ps))
	for i, p := range ps {
		if moved[i] {
			out[i] = after(p.Delivery, p.Number, p.Result, p.Outcome)
			out[i].ConfigurationID = linked[i]
		}
	}
	return out, nil
}

// moveMany is move for many deliveries in one statement, with move's
// guard: still at the attempt before, still waiting. When one delivery is
// listed twice, the first wins, as it would one Save after the other. It
// sets linked to the configuration each moved delivery's row names.
func moveMany(ctx context.Context, tx *ent.Tx, ps []Pending, moved []bool, linked []*pulid.ID) error {
	var (
		idx, numbers, ms []int64
		ids, statuses    []string
		codes            []sql.NullInt64
		at               []time.Time
		next             []sql.NullTime
	)
	seen := make(map[pulid.ID]bool, len(ps))
	for i, p := range ps {
		if seen[p.Delivery.ID] {
			continue
		}
		seen[p.Delivery.ID] = true
		idx, ids, numbers = append(idx, int64(i)), append(ids, string(p.Delivery.ID)), append(numbers, int64(p.Number))
		statuses, ms, at = append(statuses, string(p.Outcome.Status)), append(ms, p.Result.Duration.Milliseconds()), append(at, p.Result.StartedAt)
		codes = append(codes, sql.NullInt64{Int64: int64(p.Result.StatusCode), Valid: p.Result.StatusCode != 0})
		next = append(next, sql.NullTime{Time: p.Outcome.Next, Valid: !p.Outcome.Next.IsZero()})
	}
	var waiting []string
	for _, st := range Waiting {
		waiting = append(waiting, string(st))
	}
	rows, err := tx.QueryContext(ctx, `UPDATE deliveries AS d SET status = v.status, attempt_count = v.n,
  last_response_status = v.code, last_duration_ms = v.ms, last_attempt_at = v.at,
  next_attempt_at = v.next, updated_at = $9
FROM unnest($1::int[], $2::text[], $3::bigint[], $4::text[], $5::bigint[], $6::bigint[],
  $7::timestamptz[], $8::timestamptz[]) AS v(i, id, n, status, code, ms, at, next)
WHERE d.id = v.id AND d.attempt_count = v.n - 1 AND d.status = ANY($10)
RETURNING v.i, d.configuration_id`,
		pq.Array(idx), pq.Array(ids), pq.Array(numbers), pq.Array(statuses), pq.Array(codes),
		pq.Array(ms), pq.Array(at), pq.Array(next), time.Now(), pq.Array(waiting))
	if err != nil {
		return fmt.Errorf("move deliveries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			i   int
			cfg sql.NullString
		)
		if err := rows.Scan(&i, &cfg); err != nil {
			return fmt.Errorf("move deliveries: %w", err)
		}
		moved[i] = true
		if cfg.Valid {
			id := pulid.ID(cfg.String)
			linked[i] = &id
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("move deliveries: %w", err)
	}
	return nil
}
