package delivery

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/lib/pq"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/configuration"
	entdelivery "github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/event"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/queue"
	"github.com/ferryhq/ferry/internal/platform/coalesce"
)

// configTTL is how long a worker reuses a configuration (with its signing
// key) it has read, saving two queries per delivery to a busy one. A change to a
// URL, headers, timeout or key reaches deliveries within this time.
// Deactivating, deleting or revoking cancels waiting deliveries in the
// database, and the delivery row is always read fresh, so those take effect
// at once.
const configTTL = time.Second

// configuration returns the configuration id with its signing key, nil when
// it no longer exists, from e.configs while fresh.
func (e *Engine) configuration(ctx context.Context, id pulid.ID) (*ent.Configuration, error) {
	if cfg, ok := e.configs.Get(id); ok {
		return cfg, nil
	}
	cfg, err := e.Client.Configuration.Query().Where(configuration.ID(id)).WithSigningKey().Only(ctx)
	if ent.IsNotFound(err) {
		cfg, err = nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load configuration %s: %w", id, err)
	}
	e.configs.Add(id, cfg)
	return cfg, nil
}

// loadAll returns, for each automatic attempt, its delivery with its
// event, or nil when the attempt is no longer due (made already, ended, or
// deleted).
func (s *Service) loadAll(ctx context.Context, as []queue.Attempt) ([]*ent.Delivery, error) {
	ids := make([]pulid.ID, len(as))
	for i, a := range as {
		ids[i] = a.DeliveryID
	}
	ds, errs := s.loads.DoAll(ctx, ids)
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
	return d.AttemptCount == a.Number-1 && waiting(d.Status)
}

// unattempted returns the attempts of as that are still due.
func (s *Service) unattempted(ctx context.Context, as []queue.Attempt) ([]queue.Attempt, error) {
	ds, err := s.loadAll(ctx, as)
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

// Columns of the event read with its delivery, in one query.
const (
	eventDataColumn       = "ferry_event_data"
	eventOccurredAtColumn = "ferry_event_occurred_at"
)

// deliveriesWithEvents reads deliveries and the part of their events a
// request needs (type, data, time) in one query, where ent's eager loading
// would take two per delivery. The result follows ids; a delivery that does
// not exist is nil. Workers call it through a coalesce.Batcher, so concurrent
// handlers share one query.
func deliveriesWithEvents(ctx context.Context, client *ent.Client, dia string, ids []pulid.ID) ([]*ent.Delivery, error) {
	read := readEnt
	if dia == dialect.Postgres {
		read = readPostgres
	}
	found, err := read(ctx, client, ids)
	if err != nil {
		return nil, fmt.Errorf("load %d deliveries: %w", len(ids), err)
	}
	return coalesce.InOrder(ids, found, func(d *ent.Delivery) pulid.ID { return d.ID }), nil
}

// readEnt reads through ent, for SQLite (dev mode).
func readEnt(ctx context.Context, client *ent.Client, ids []pulid.ID) ([]*ent.Delivery, error) {
	found, err := client.Delivery.Query().
		Where(entdelivery.IDIn(ids...)).
		Modify(func(s *entsql.Selector) {
			t := entsql.Table(event.Table)
			s.Join(t).On(s.C(entdelivery.FieldEventID), t.C(event.FieldID))
			s.AppendSelectAs(t.C(event.FieldData), eventDataColumn)
			s.AppendSelectAs(t.C(event.FieldOccurredAt), eventOccurredAtColumn)
		}).
		All(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range found {
		if d.Edges.Event, err = eventOf(d); err != nil {
			return nil, fmt.Errorf("load %s: %w", d.ID, err)
		}
	}
	return found, nil
}

// readQuery is readPostgres's statement. The ids are one array parameter:
// an IN list of a hundred took ~1 ms to plan, five times as long. Each
// delivery, then its event, is looked up by id, in subqueries OFFSET 0
// keeps apart: as a plain join, PostgreSQL read whole tables while they
// were small enough (up to ~20,000 deliveries, ~40,000 events) that its
// cost model preferred it, which is every installation's first hours. It
// hashed the deliveries and read every event in 135 of 263 reads of a
// 30,000-delivery bench run.
const readQuery = `SELECT d.id, d.created_at, d.updated_at, d.account_id, d.event_id, d.configuration_id,
  d.status, d.event_type, d.url, d.attempt_count, d.last_response_status, d.last_duration_ms,
  d.last_attempt_at, d.next_attempt_at, e.data, e.occurred_at
FROM unnest($1::text[]) AS k(id)
CROSS JOIN LATERAL (SELECT * FROM deliveries WHERE id = k.id OFFSET 0) AS d
CROSS JOIN LATERAL (SELECT data, occurred_at FROM events WHERE id = d.event_id OFFSET 0) AS e`

// readPostgres reads every column of the deliveries straight into ent's
// entities. Through ent, each row's two event columns made ent ask
// database/sql for the column types of the whole row, ~3 KB of garbage a
// delivery, and ent's scanning was ~5 % of the worker's CPU.
func readPostgres(ctx context.Context, client *ent.Client, ids []pulid.ID) ([]*ent.Delivery, error) {
	arr := make([]string, len(ids))
	for i, id := range ids {
		arr[i] = string(id)
	}
	rows, err := client.QueryContext(ctx, readQuery, pq.Array(arr))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := make([]*ent.Delivery, 0, len(ids))
	for rows.Next() {
		var (
			d              ent.Delivery
			evt            ent.Event
			cfg            sql.NullString
			status, ms     sql.NullInt64
			lastAt, nextAt sql.NullTime
			data           []byte
		)
		if err := rows.Scan(&d.ID, &d.CreatedAt, &d.UpdatedAt, &d.AccountID, &d.EventID, &cfg,
			&d.Status, &d.EventType, &d.URL, &d.AttemptCount, &status, &ms,
			&lastAt, &nextAt, &data, &evt.OccurredAt); err != nil {
			return nil, err
		}
		if cfg.Valid {
			id := pulid.ID(cfg.String)
			d.ConfigurationID = &id
		}
		if status.Valid {
			v := int(status.Int64)
			d.LastResponseStatus = &v
		}
		if ms.Valid {
			v := int(ms.Int64)
			d.LastDurationMs = &v
		}
		if lastAt.Valid {
			d.LastAttemptAt = &lastAt.Time
		}
		if nextAt.Valid {
			d.NextAttemptAt = &nextAt.Time
		}
		evt.ID, evt.Type, evt.AccountID, evt.Data = d.EventID, d.EventType, d.AccountID, json.RawMessage(data)
		d.Edges.Event = &evt
		found = append(found, &d)
	}
	return found, rows.Err()
}

// eventOf is the event read along with d.
func eventOf(d *ent.Delivery) (*ent.Event, error) {
	evt := &ent.Event{ID: d.EventID, Type: d.EventType, AccountID: d.AccountID}
	data, err := d.Value(eventDataColumn)
	if err != nil {
		return nil, fmt.Errorf("event data: %w", err)
	}
	switch v := data.(type) {
	case []byte:
		evt.Data = json.RawMessage(append([]byte(nil), v...))
	case string:
		evt.Data = json.RawMessage(v)
	default:
		return nil, fmt.Errorf("event data is %T", data)
	}
	at, err := d.Value(eventOccurredAtColumn)
	if err != nil {
		return nil, fmt.Errorf("event time: %w", err)
	}
	switch v := at.(type) {
	case time.Time:
		evt.OccurredAt = v
	case string: // SQLite (dev mode) may hand times back as text
		if evt.OccurredAt, err = parseTime(v); err != nil {
			return nil, fmt.Errorf("event time %q: %w", v, err)
		}
	default:
		return nil, fmt.Errorf("event time is %T", at)
	}
	return evt, nil
}

func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("unknown time format")
}
