package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/lib/pq"

	"github.com/ferryhq/ferry/ent"
	entdelivery "github.com/ferryhq/ferry/ent/delivery"
)

// insertPublishedSQL is InsertPublished's statement on PostgreSQL: the
// events' insert as a data-modifying WITH, the deliveries' after it. Both
// are one statement, so they commit together without a transaction to
// open and commit; the deliveries' foreign key is checked once both are in.
var insertPublishedSQL = `WITH e AS (` + insertEventsSQL + `)
` + insertDeliveriesFrom(7, 8)

// InsertPublished stores evts, built by the caller and created at one
// time, and ds, their deliveries, all or none. On PostgreSQL that is one
// statement, a round trip where a transaction took five. A batch holding
// an idempotency key, and every batch on SQLite, goes through InsertEvents
// and InsertDeliveries in a transaction, so that a key already used gives
// ent's constraint error.
func (s Store) InsertPublished(ctx context.Context, client *ent.Client, evts []*ent.Event, ds []*ent.Delivery) error {
	if len(evts) == 0 {
		return nil
	}
	if keyed(evts) || !s.postgres() {
		return WithTx(ctx, client, func(tx *ent.Tx) error {
			if err := s.InsertEvents(ctx, tx, evts); err != nil {
				return fmt.Errorf("store events: %w", err)
			}
			if err := s.InsertDeliveries(ctx, tx, ds); err != nil {
				return fmt.Errorf("store deliveries: %w", err)
			}
			return nil
		})
	}
	ev, err := eventArrays(evts)
	if err != nil {
		return err
	}
	dl := deliveryArrays(ds)
	args := append([]any{evts[0].CreatedAt}, ev...)
	args = append(args, string(entdelivery.StatusPENDING))
	args = append(args, dl...)
	// The client's driver runs queries, not Exec, outside a transaction.
	rows, err := client.QueryContext(ctx, insertPublishedSQL, args...)
	if err != nil {
		return fmt.Errorf("store events and deliveries: %w", err)
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("store events and deliveries: %w", err)
	}
	return nil
}

// eventArrays are the columns of evts as insertEventsSQL takes them ($2 to $6).
func eventArrays(evts []*ent.Event) ([]any, error) {
	n := len(evts)
	ids, types, data, metadata, accounts := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, e := range evts {
		raw, err := json.Marshal(e.Metadata)
		if err != nil {
			return nil, fmt.Errorf("metadata of %s: %w", e.ID, err)
		}
		ids[i], types[i], data[i], metadata[i], accounts[i] = string(e.ID), e.Type, string(e.Data), string(raw), string(e.AccountID)
	}
	return []any{pq.Array(ids), pq.Array(types), pq.Array(data), pq.Array(metadata), pq.Array(accounts)}, nil
}

// deliveryArrays are the columns of ds as insertDeliveriesFrom takes them.
func deliveryArrays(ds []*ent.Delivery) []any {
	n := len(ds)
	ids, types, urls, configs := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	names, accounts, events := make([]string, n), make([]string, n), make([]string, n)
	for i, d := range ds {
		ids[i], types[i], urls[i] = string(d.ID), d.EventType, d.URL
		configs[i], names[i] = string(*d.ConfigurationID), *d.ConfigurationName
		accounts[i], events[i] = string(d.AccountID), string(d.EventID)
	}
	return []any{pq.Array(ids), pq.Array(types), pq.Array(urls), pq.Array(configs), pq.Array(names), pq.Array(accounts), pq.Array(events)}
}
