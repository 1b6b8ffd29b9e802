package sqlstore_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/ferryhq/ferry/ent"
	entdelivery "github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/deliveryattempt"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/sender"
	"github.com/ferryhq/ferry/internal/adapter/sqlstore"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// SaveMany must record exactly what one Save per attempt would: the guard
// (still waiting, at the attempt before) holds row by row inside the batch.
func TestSaveManyAppliesEachAttemptsGuard(t *testing.T) {
	apptest.InBothModes(t, func(t *testing.T, e *apptest.Env) {
		ctx := viewer.System(t.Context())
		acc := e.CreateAccount("many")
		typ := "many.saved"
		e.CreateEventType(typ)
		rcv := apptest.NewReceiver(t, http.StatusOK)
		ep := e.ActiveEndpoint(acc.Token, rcv.URL, []string{typ}, nil)
		cfg := e.App.Client.Configuration.GetX(ctx, pulid.ID(ep.ID))
		now := time.Now().Truncate(time.Millisecond)
		ds := e.SeedDeliveries(cfg, typ, now,
			apptest.Seeded{Status: entdelivery.StatusPENDING, Created: now},
			apptest.Seeded{Status: entdelivery.StatusPENDING, Created: now},
			apptest.Seeded{Status: entdelivery.StatusPENDING, Created: now},
			apptest.Seeded{Status: entdelivery.StatusPENDING, Created: now},
			apptest.Seeded{Status: entdelivery.StatusCANCELLED, Created: now},
		)
		ok := sender.Result{StatusCode: 200, Duration: 12 * time.Millisecond, StartedAt: now, RequestURL: cfg.URL,
			RequestBody: []byte(`{}`), ResponseBody: []byte("fine")}
		bad := sender.Result{StatusCode: 500, Duration: 30 * time.Millisecond, StartedAt: now, RequestURL: cfg.URL,
			RequestBody: []byte(`{}`), ResponseBody: []byte("oops")}
		next := now.Add(time.Minute)
		got, err := sqlstore.New(e.App.Dialect).SaveAttempts(ctx, e.App.Client, []sqlstore.Pending{
			{Delivery: ds[0], Number: 1, Result: ok, Outcome: sqlstore.Outcome{Status: entdelivery.StatusSUCCEEDED}},
			{Delivery: ds[1], Number: 1, Result: bad, Outcome: sqlstore.Outcome{Status: entdelivery.StatusRETRYING, Next: next}},
			{Delivery: ds[2], Number: 2, Result: ok, Outcome: sqlstore.Outcome{Status: entdelivery.StatusSUCCEEDED}},
			{Delivery: ds[3], Number: 1, Result: ok, Outcome: sqlstore.Outcome{Status: entdelivery.StatusSUCCEEDED}},
			{Delivery: ds[3], Number: 1, Result: bad, Outcome: sqlstore.Outcome{Status: entdelivery.StatusFAILED}},
			{Delivery: ds[4], Number: 1, Result: ok, Outcome: sqlstore.Outcome{Status: entdelivery.StatusSUCCEEDED}},
		})
		if err != nil {
			t.Fatal(err)
		}
		wantMoved := []bool{true, true, false, true, false, false}
		for i, w := range wantMoved {
			if (got[i] != nil) != w {
				t.Errorf("attempt %d: moved %v, want %v", i, got[i] != nil, w)
			}
		}
		type state struct {
			status   entdelivery.Status
			count    int
			code     int
			attempts int
			next     bool
		}
		want := []state{
			{entdelivery.StatusSUCCEEDED, 1, 200, 1, false},
			{entdelivery.StatusRETRYING, 1, 500, 1, true},
			{entdelivery.StatusPENDING, 0, 0, 0, true},      // stale attempt number: untouched
			{entdelivery.StatusSUCCEEDED, 1, 200, 1, false}, // listed twice: the first wins, once
			{entdelivery.StatusCANCELLED, 0, 0, 0, false},   // not waiting: untouched
		}
		for i, d := range ds {
			now := e.App.Client.Delivery.Query().Where(entdelivery.ID(d.ID)).WithAttempts().OnlyX(ctx)
			s := state{now.Status, now.AttemptCount, 0, len(now.Edges.Attempts), now.NextAttemptAt != nil}
			if now.LastResponseStatus != nil {
				s.code = *now.LastResponseStatus
			}
			if s != want[i] {
				t.Errorf("delivery %d is %+v, want %+v", i, s, want[i])
			}
			checkAttempts(t, i, now)
		}
		if d := e.App.Client.Delivery.GetX(ctx, ds[1].ID); d.NextAttemptAt == nil || !d.NextAttemptAt.Equal(next) ||
			d.LastDurationMs == nil || *d.LastDurationMs != 30 {
			t.Errorf("retrying delivery: next %v duration %v, want %v and 30", d.NextAttemptAt, d.LastDurationMs, next)
		}
		if got[1].Status != entdelivery.StatusRETRYING || got[1].AttemptCount != 1 {
			t.Errorf("returned delivery %+v does not show the move", got[1])
		}
	})
}

func checkAttempts(t *testing.T, i int, d *ent.Delivery) {
	t.Helper()
	for _, a := range d.Edges.Attempts {
		if a.Number != 1 || a.Trigger != deliveryattempt.TriggerAUTOMATIC || a.ResponseStatus == nil ||
			*a.ResponseStatus != *d.LastResponseStatus {
			t.Errorf("delivery %d has attempt %+v, not the one that moved it", i, a)
		}
	}
}
