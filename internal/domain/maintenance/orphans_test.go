package maintenance_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/event"
	"github.com/ferryhq/ferry/internal/adapter/sqlstore"
	"github.com/ferryhq/ferry/internal/domain/maintenance"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// History made through the API (publishes with an account token and with
// the admin token, deliveries, a resend, a test event), then a deleted
// configuration and a retention sweep, leave no row that names a missing
// account, event, delivery or configuration: the links PostgreSQL checks
// and those Ferry keeps in code (migrations.Unenforced) hold together.
func TestDeletesAndRetentionLeaveNoOrphans(t *testing.T) {
	t.Parallel()
	const typ = "order.created"
	e := apptest.New(t, true)
	e.CreateEventType(typ)
	acc := e.CreateAccount("orphans")
	kept, gone := apptest.NewReceiver(t, 200), apptest.NewReceiver(t, 200)
	e.ActiveEndpoint(acc.Token, kept.URL, []string{typ}, nil)
	goneEP := e.ActiveEndpoint(acc.Token, gone.URL, []string{typ}, nil)
	e.StartWorker()

	for i := range 4 {
		e.Publish(acc.Token, typ, map[string]any{"i": i}, nil)
	}
	e.Publish(apptest.AdminToken, typ, map[string]any{"admin": true}, map[string]any{"accountID": acc.ID})
	ds := e.WaitFor(20*time.Second, apptest.AllEnded(10))
	e.MustDo(acc.Token, `mutation($id: ID!) { resendDelivery(id: $id) { id } }`, map[string]any{"id": ds[0].ID}, nil)
	e.MustDo(acc.Token, `mutation($in: SendTestEventInput!) { sendTestEvent(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"configurationID": goneEP.ID, "eventType": typ}}, nil)
	e.WaitFor(20*time.Second, func(ds []*ent.Delivery) bool { return apptest.AllEnded(11)(ds) && ds[0].AttemptCount == 2 })
	e.MustDo(acc.Token, `mutation($id: ID!) { deleteConfiguration(id: $id) }`, map[string]any{"id": goneEP.ID}, nil)
	if n := len(e.Deliveries(func(q *ent.DeliveryQuery) { q.Where(delivery.URL(gone.URL)) })); n != 6 {
		t.Fatalf("%d deliveries to the deleted configuration are left, want its 6 kept as history", n)
	}
	e.CheckNoOrphans(t)

	time.Sleep(5 * time.Millisecond)
	cutoff := time.Now()
	time.Sleep(5 * time.Millisecond)
	young := e.Publish(acc.Token, typ, map[string]any{"young": true}, nil)
	e.WaitFor(20*time.Second, apptest.AllEnded(12))

	sweep := maintenance.NewRetention(e.App.Client, sqlstore.New(e.App.Dialect), slog.New(slog.DiscardHandler), 1)
	sweep.SetClock(func() time.Time { return cutoff.Add(24 * time.Hour) })
	n, err := sweep.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	left, err := e.App.Client.Event.Query().Where(event.TypeEQ(typ)).IDs(viewer.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	if n < 6 || len(left) != 1 || string(left[0]) != young {
		t.Errorf("retention deleted %d events and left %v, want every event before the cutoff (at least 6) gone and %s kept", n, left, young)
	}
	if ds := e.Deliveries(); len(ds) != 1 || len(ds[0].Edges.Attempts) != 1 {
		t.Errorf("%d deliveries left after retention, want the young event's one with its attempt", len(ds))
	}
	e.CheckNoOrphans(t)
}
