package sqlstore

import (
	"context"
	"slices"

	"github.com/ferryhq/ferry/ent"
)

// insertEventsSQL is InsertEvents' statement on PostgreSQL: one array per
// column, so its text does not depend on the number of events.
const insertEventsSQL = `INSERT INTO events (id, created_at, updated_at, type, data, metadata, occurred_at, account_id)
SELECT u.id, $1, $1, u.type, u.data, u.metadata, $1, u.account
FROM unnest($2::text[], $3::text[], $4::jsonb[], $5::jsonb[], $6::text[]) AS u(id, type, data, metadata, account)`

// InsertEvents stores evts, built by the caller and created at one time,
// in tx. A batch holding an idempotency key goes through ent, whose
// constraint error tells a key already used; so does every batch on SQLite.
func (s Store) InsertEvents(ctx context.Context, tx *ent.Tx, evts []*ent.Event) error {
	if len(evts) == 0 {
		return nil
	}
	if keyed(evts) || !s.postgres() {
		builders := make([]*ent.EventCreate, len(evts))
		for i, e := range evts {
			builders[i] = tx.Event.Create().SetID(e.ID).SetCreatedAt(e.CreatedAt).SetUpdatedAt(e.UpdatedAt).
				SetAccountID(e.AccountID).SetType(e.Type).SetData(e.Data).SetMetadata(e.Metadata).
				SetNillableIdempotencyKey(e.IdempotencyKey).SetOccurredAt(e.OccurredAt)
		}
		return tx.Event.CreateBulk(builders...).Exec(ctx)
	}
	cols, err := eventArrays(evts)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, insertEventsSQL, append([]any{evts[0].CreatedAt}, cols...)...)
	return err
}

// keyed reports whether one of evts has an idempotency key.
func keyed(evts []*ent.Event) bool {
	return slices.ContainsFunc(evts, func(e *ent.Event) bool { return e.IdempotencyKey != nil })
}
