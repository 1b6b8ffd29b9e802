package worker_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/apptest"
	"github.com/ferryhq/ferry/internal/viewer"
	"github.com/ferryhq/ferry/worker"
)

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
		stored := e.Deliveries()
		if len(stored) != 3 {
			t.Fatalf("%d deliveries stored, want 3", len(stored))
		}
		ids := []pulid.ID{stored[2].ID, "dlv_01NOTTHERE0000000000000000", stored[0].ID, stored[1].ID}
		got, err := worker.DeliveriesWithEvents(viewer.System(context.Background()), e.App.Client, e.App.Dialect, ids)
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
