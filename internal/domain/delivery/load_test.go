package delivery_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/ferryhq/ferry/ent"
	entdelivery "github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/sqlstore"
	"github.com/ferryhq/ferry/internal/domain/delivery"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

const typ = "QUESTION_ANSWERED"

// A wave's deliveries are read in one query, in the order asked, with their
// events' data; a delivery that is not there is nil.
func TestDeliveriesAreReadInTheOrderAskedWithTheirEvents(t *testing.T) {
	apptest.InBothModes(t, func(t *testing.T, e *apptest.Env) {
		e.CreateEventType(typ)
		acc := e.CreateAccount("tenant")
		rcv := apptest.NewReceiver(t, 200)
		e.ActiveEndpoint(acc.Token, rcv.URL, []string{typ}, nil)
		for i := range 3 {
			e.Publish(acc.Token, typ, map[string]any{"n": i}, nil)
		}
		ctx := viewer.System(context.Background())
		stored := e.Deliveries()
		if len(stored) != 3 {
			t.Fatalf("%d deliveries stored, want 3", len(stored))
		}
		// One has been attempted and lost its configuration, so every
		// nullable column is read both set and empty.
		if err := e.App.Client.Delivery.UpdateOneID(stored[1].ID).SetStatus(entdelivery.StatusRETRYING).
			SetAttemptCount(1).SetLastResponseStatus(503).SetLastDurationMs(42).
			SetLastAttemptAt(time.Now().Add(-time.Minute)).SetNextAttemptAt(time.Now().Add(time.Hour)).
			ClearConfigurationID().Exec(ctx); err != nil {
			t.Fatal(err)
		}
		stored = e.Deliveries()
		ids := []pulid.ID{stored[2].ID, "dlv_01NOTTHERE0000000000000000", stored[0].ID, stored[1].ID}
		got, err := delivery.DeliveriesWithEvents(ctx, sqlstore.New(e.App.Dialect), e.App.Client, ids)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(ids) {
			t.Fatalf("%d results for %d ids", len(got), len(ids))
		}
		if got[1] != nil {
			t.Errorf("a delivery not stored read as %s, want nil", got[1].ID)
		}
		for i, id := range ids {
			if i == 1 {
				continue
			}
			d := got[i]
			if d == nil || d.ID != id {
				t.Fatalf("result %d is %v, want %s", i, d, id)
			}
			// Every column as ent reads it.
			if g, w := fields(t, d), fields(t, byID(stored, id)); g != w {
				t.Errorf("delivery read as\n%s\nent reads\n%s", g, w)
			}
			evt := d.Edges.Event
			if evt == nil || evt.ID != d.EventID || evt.OccurredAt.IsZero() {
				t.Fatalf("delivery %s read with event %+v, want %s with its time", id, evt, d.EventID)
			}
			var data struct{ N *int }
			if err := json.Unmarshal(evt.Data, &data); err != nil || data.N == nil {
				t.Errorf("event of %s read with data %s, want {\"n\": …}", id, evt.Data)
			}
		}
	})
}

func byID(ds []*ent.Delivery, id pulid.ID) *ent.Delivery {
	for _, d := range ds {
		if d.ID == id {
			return d
		}
	}
	return nil
}

// fields is d's columns as JSON, times in UTC.
func fields(t *testing.T, d *ent.Delivery) string {
	t.Helper()
	c := *d
	c.Edges = ent.DeliveryEdges{}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	for _, at := range []**time.Time{&c.LastAttemptAt, &c.NextAttemptAt} {
		if *at != nil {
			u := (*at).UTC()
			*at = &u
		}
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
