package attempts

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"entgo.io/ent/dialect"

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
// multi-row INSERT of their attempts. SQLite (dev mode) updates row by row.
func SaveMany(ctx context.Context, client *ent.Client, dialectName string, ps []Pending) ([]*ent.Delivery, error) {
	moved := make([]bool, len(ps))
	linked := make([]*pulid.ID, len(ps)) // the configuration of each moved delivery, as its row says
	err := store.WithTx(ctx, client, func(tx *ent.Tx) error {
		var err error
		if dialectName == dialect.Postgres {
			err = moveMany(ctx, tx, ps, moved, linked)
		} else {
			for i, p := range ps {
				if moved[i], err = move(ctx, tx, p.Delivery, p.Number, p.Result, p.Outcome, true); err != nil {
					break
				}
				if moved[i] {
					if linked[i], err = configurationOf(ctx, tx, p.Delivery.ID); err != nil {
						break
					}
				}
			}
		}
		if err != nil {
			return err
		}
		var rows []*ent.DeliveryAttemptCreate
		for i, p := range ps {
			if moved[i] {
				d := *p.Delivery
				d.ConfigurationID = linked[i]
				rows = append(rows, create(tx.Client(), &d, p.Number, deliveryattempt.TriggerAUTOMATIC, p.Result))
			}
		}
		if len(rows) == 0 {
			return nil
		}
		return tx.DeliveryAttempt.CreateBulk(rows...).Exec(ctx)
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
	var q strings.Builder
	q.WriteString(`UPDATE deliveries AS d SET status = v.status, attempt_count = v.n,
  last_response_status = v.code, last_duration_ms = v.ms, last_attempt_at = v.at,
  next_attempt_at = v.next, updated_at = v.updated
FROM (VALUES `)
	args := make([]any, 0, len(ps)*9)
	now := time.Now()
	seen := make(map[pulid.ID]bool, len(ps))
	for i, p := range ps {
		if seen[p.Delivery.ID] {
			continue
		}
		seen[p.Delivery.ID] = true
		if len(args) > 0 {
			q.WriteString(", ")
		}
		b := len(args)
		fmt.Fprintf(&q, "($%d::int, $%d::text, $%d::bigint, $%d::text, $%d::bigint, $%d::bigint, $%d::timestamptz, $%d::timestamptz, $%d::timestamptz)",
			b+1, b+2, b+3, b+4, b+5, b+6, b+7, b+8, b+9)
		var code, next any
		if p.Result.StatusCode != 0 {
			code = p.Result.StatusCode
		}
		if !p.Outcome.Next.IsZero() {
			next = p.Outcome.Next
		}
		args = append(args, i, string(p.Delivery.ID), p.Number, string(p.Outcome.Status), code,
			p.Result.Duration.Milliseconds(), p.Result.StartedAt, next, now)
	}
	q.WriteString(`) AS v(i, id, n, status, code, ms, at, next, updated)
WHERE d.id = v.id AND d.attempt_count = v.n - 1 AND d.status IN (`)
	for i, st := range Waiting {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("'" + string(st) + "'") // constants, never input
	}
	q.WriteString(`)
RETURNING v.i, d.configuration_id`)
	rows, err := tx.QueryContext(ctx, q.String(), args...)
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
