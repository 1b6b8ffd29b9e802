package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	entsql "entgo.io/ent/dialect/sql"
	"github.com/lib/pq"

	"github.com/ferryhq/ferry/ent"
	entdelivery "github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/event"
	"github.com/ferryhq/ferry/ent/schema/pulid"
)

// InsertDeliveries stores ds, built by the caller, in tx: on PostgreSQL in
// one statement that takes each column as one array, so its text is the
// same whatever the number of deliveries (PostgreSQL parses and plans a few
// parameters instead of a VALUES list of thousands); on SQLite through
// ent, deliveriesPerInsert at a time.
func (s Store) InsertDeliveries(ctx context.Context, tx *ent.Tx, ds []*ent.Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	if s.postgres() {
		return insertArrays(ctx, tx, ds)
	}
	return insertEach(ctx, tx, ds)
}

// deliveriesPerInsert bounds one multi-row insert of deliveries, so that it
// stays far below SQLite's bind-parameter limit (32766) at a dozen columns
// a row.
const deliveriesPerInsert = 1000

// insertDeliveriesSQL is InsertDeliveries' statement on PostgreSQL.
var insertDeliveriesSQL = insertDeliveriesFrom(2, 3)

// insertDeliveriesFrom is the deliveries' insert from arrays, in a statement
// whose $1 is their creation time, $status their status, and whose
// deliveryArrays start at $first: alone, or after the events' insert.
func insertDeliveriesFrom(status, first int) string {
	return fmt.Sprintf(`INSERT INTO deliveries (id, created_at, updated_at, status, event_type,
  url, attempt_count, next_attempt_at, configuration_id, configuration_name, account_id, event_id)
SELECT u.id, $1, $1, $%d, u.type, u.url, 0, $1, u.cfg, u.cfg_name, u.account, u.event
FROM unnest($%d::text[], $%d::text[], $%d::text[], $%d::text[], $%d::text[], $%d::text[], $%d::text[])
  AS u(id, type, url, cfg, cfg_name, account, event)`, status, first, first+1, first+2, first+3, first+4, first+5, first+6)
}

func insertArrays(ctx context.Context, tx *ent.Tx, ds []*ent.Delivery) error {
	args := append([]any{ds[0].CreatedAt, string(entdelivery.StatusPENDING)}, deliveryArrays(ds)...)
	_, err := tx.ExecContext(ctx, insertDeliveriesSQL, args...)
	return err
}

func insertEach(ctx context.Context, tx *ent.Tx, ds []*ent.Delivery) error {
	for start := 0; start < len(ds); start += deliveriesPerInsert {
		end := min(start+deliveriesPerInsert, len(ds))
		builders := make([]*ent.DeliveryCreate, 0, end-start)
		for _, d := range ds[start:end] {
			builders = append(builders, tx.Delivery.Create().SetID(d.ID).SetCreatedAt(d.CreatedAt).
				SetUpdatedAt(d.UpdatedAt).SetAccountID(d.AccountID).SetEventID(d.EventID).
				SetNillableConfigurationID(d.ConfigurationID).SetNillableConfigurationName(d.ConfigurationName).
				SetEventType(d.EventType).SetURL(d.URL).
				SetNillableNextAttemptAt(d.NextAttemptAt))
		}
		if err := tx.Delivery.CreateBulk(builders...).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// DeliveriesWithEvents reads the deliveries ids, each with the part of its
// event a request needs (type, data, time), in one query, in no particular
// order; ids not found are left out.
func (s Store) DeliveriesWithEvents(ctx context.Context, client *ent.Client, ids []pulid.ID) ([]*ent.Delivery, error) {
	if s.postgres() {
		return readPostgres(ctx, client, ids)
	}
	return readEnt(ctx, client, ids)
}

// Columns of the event read with its delivery, in one query.
const (
	eventDataColumn       = "ferry_event_data"
	eventOccurredAtColumn = "ferry_event_occurred_at"
)

// readEnt is DeliveriesWithEvents through ent, for SQLite.
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

// readQuery is readPostgres's statement: the ids as one array, each
// delivery and then its event looked up by id in subqueries that OFFSET 0
// keeps from becoming a join PostgreSQL would hash while the tables are
// small (BENCHMARKS.md, "Plans that depended on the tables' size").
const readQuery = `SELECT ` + readColumns + `
FROM unnest($1::text[]) AS k(id)
CROSS JOIN LATERAL (SELECT * FROM deliveries WHERE id = k.id OFFSET 0) AS d
CROSS JOIN LATERAL (SELECT data, occurred_at FROM events WHERE id = d.event_id OFFSET 0) AS e`

// readColumns are what a wave reads of a delivery (d) and its event (e),
// in the order scanDeliveries scans them.
const readColumns = `d.id, d.created_at, d.updated_at, d.account_id, d.event_id, d.configuration_id,
  d.configuration_name, d.status, d.event_type, d.url, d.attempt_count, d.last_response_status, d.last_duration_ms,
  d.last_attempt_at, d.next_attempt_at, d.claimed_until, e.data, e.occurred_at`

// readPostgres scans every column straight into ent's entities, which
// ent's own scanning of the joined columns made costly.
func readPostgres(ctx context.Context, client *ent.Client, ids []pulid.ID) ([]*ent.Delivery, error) {
	arr := make([]string, len(ids))
	for i, id := range ids {
		arr[i] = string(id)
	}
	rows, err := client.QueryContext(ctx, readQuery, pq.Array(arr))
	if err != nil {
		return nil, err
	}
	return scanDeliveries(rows, len(ids))
}

// scanDeliveries scans and closes rows of readColumns.
func scanDeliveries(rows *sql.Rows, n int) ([]*ent.Delivery, error) {
	defer rows.Close()
	found := make([]*ent.Delivery, 0, n)
	for rows.Next() {
		var (
			d              ent.Delivery
			evt            ent.Event
			cfg, cfgName   sql.NullString
			status, ms     sql.NullInt64
			lastAt, nextAt sql.NullTime
			claimed        sql.NullTime
			data           []byte
		)
		if err := rows.Scan(&d.ID, &d.CreatedAt, &d.UpdatedAt, &d.AccountID, &d.EventID, &cfg,
			&cfgName, &d.Status, &d.EventType, &d.URL, &d.AttemptCount, &status, &ms,
			&lastAt, &nextAt, &claimed, &data, &evt.OccurredAt); err != nil {
			return nil, err
		}
		if cfg.Valid {
			id := pulid.ID(cfg.String)
			d.ConfigurationID = &id
		}
		if cfgName.Valid {
			d.ConfigurationName = &cfgName.String
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
		if claimed.Valid {
			d.ClaimedUntil = &claimed.Time
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
