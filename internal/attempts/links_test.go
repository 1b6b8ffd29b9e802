package attempts_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/deliveryattempt"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/apptest"
	"github.com/ferryhq/ferry/internal/attempts"
	"github.com/ferryhq/ferry/internal/sender"
	"github.com/ferryhq/ferry/internal/viewer"
)

// An attempt links to the configuration its delivery's row names when the
// attempt is saved, not to the one the worker read before sending: a
// configuration deleted meanwhile has unlinked the delivery, and PostgreSQL
// no longer checks that link (migrations.Unenforced).
func TestAnAttemptTakesItsConfigurationFromTheDeliveryRow(t *testing.T) {
	apptest.InBothModes(t, func(t *testing.T, e *apptest.Env) {
		ctx := viewer.System(t.Context())
		acc := e.CreateAccount("links")
		typ := "links.saved"
		e.CreateEventType(typ)
		rcv := apptest.NewReceiver(t, http.StatusOK)
		ep := e.ActiveEndpoint(acc.Token, rcv.URL, []string{typ}, nil)
		cfg := e.App.Client.Configuration.GetX(ctx, pulid.ID(ep.ID))
		now := time.Now().Truncate(time.Millisecond)
		ds := e.SeedDeliveries(cfg, typ, now,
			apptest.Seeded{Status: delivery.StatusPENDING, Created: now},
			apptest.Seeded{Status: delivery.StatusPENDING, Created: now},
			apptest.Seeded{Status: delivery.StatusPENDING, Created: now},
		)
		// Read before sending, as a worker does; then the link goes.
		e.App.Client.Delivery.Update().Where(delivery.IDIn(ds[0].ID, ds[1].ID)).ClearConfigurationID().ExecX(ctx)
		ok := sender.Result{StatusCode: 200, Duration: 5 * time.Millisecond, StartedAt: now, RequestURL: cfg.URL,
			RequestBody: []byte(`{}`), ResponseBody: []byte("fine")}
		got, err := attempts.SaveMany(ctx, e.App.Client, e.App.Dialect, []attempts.Pending{
			{Delivery: ds[0], Number: 1, Result: ok, Outcome: attempts.Outcome{Status: delivery.StatusSUCCEEDED}},
			{Delivery: ds[2], Number: 1, Result: ok, Outcome: attempts.Outcome{Status: delivery.StatusSUCCEEDED}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if got[0] == nil || got[0].ConfigurationID != nil || got[1] == nil || got[1].ConfigurationID == nil || *got[1].ConfigurationID != cfg.ID {
			t.Errorf("SaveMany returned %+v and %+v, want the first unlinked and the second linked", got[0], got[1])
		}
		if _, err := attempts.Save(ctx, e.App.Client, ds[1], 1, deliveryattempt.TriggerMANUAL, ok,
			attempts.Outcome{Status: delivery.StatusSUCCEEDED}, false); err != nil {
			t.Fatal(err)
		}
		for i, want := range []bool{false, false, true} {
			a := e.App.Client.DeliveryAttempt.Query().Where(deliveryattempt.DeliveryID(ds[i].ID)).OnlyX(ctx)
			if linked := a.ConfigurationID != nil; linked != want {
				t.Errorf("attempt of delivery %d links to %v, want linked %v", i, a.ConfigurationID, want)
			}
		}
	})
}
