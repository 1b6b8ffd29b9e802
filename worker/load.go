package worker

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/event"
	"github.com/ferryhq/ferry/ent/schema/pulid"
)

// Columns of the event read with its delivery, in one query.
const (
	eventDataColumn       = "ferry_event_data"
	eventOccurredAtColumn = "ferry_event_occurred_at"
)

// deliveryWithEvent reads a delivery and the part of its event a request
// needs (type, data, time) in one query, where ent's eager loading would
// take two. It returns nil when the delivery does not exist.
func deliveryWithEvent(ctx context.Context, client *ent.Client, id pulid.ID) (*ent.Delivery, error) {
	d, err := client.Delivery.Query().
		Where(delivery.ID(id)).
		Modify(func(s *entsql.Selector) {
			t := entsql.Table(event.Table)
			s.Join(t).On(s.C(delivery.FieldEventID), t.C(event.FieldID))
			s.AppendSelectAs(t.C(event.FieldData), eventDataColumn)
			s.AppendSelectAs(t.C(event.FieldOccurredAt), eventOccurredAtColumn)
		}).
		Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", id, err)
	}
	evt := &ent.Event{ID: d.EventID, Type: d.EventType, AccountID: d.AccountID}
	data, err := d.Value(eventDataColumn)
	if err != nil {
		return nil, fmt.Errorf("load %s: event data: %w", id, err)
	}
	switch v := data.(type) {
	case []byte:
		evt.Data = json.RawMessage(append([]byte(nil), v...))
	case string:
		evt.Data = json.RawMessage(v)
	default:
		return nil, fmt.Errorf("load %s: event data is %T", id, data)
	}
	at, err := d.Value(eventOccurredAtColumn)
	if err != nil {
		return nil, fmt.Errorf("load %s: event time: %w", id, err)
	}
	switch v := at.(type) {
	case time.Time:
		evt.OccurredAt = v
	case string: // SQLite (dev mode) may hand times back as text
		if evt.OccurredAt, err = parseTime(v); err != nil {
			return nil, fmt.Errorf("load %s: event time %q: %w", id, v, err)
		}
	default:
		return nil, fmt.Errorf("load %s: event time is %T", id, at)
	}
	d.Edges.Event = evt
	return d, nil
}

func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("unknown time format")
}
