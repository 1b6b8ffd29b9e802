package sqlstore_test

import (
	"context"
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

// An attempt links to the configuration its delivery's row names when the
// attempt is saved, not to the one the worker read before sending: a
// configuration deleted meanwhile has unlinked the delivery, and PostgreSQL
// no longer checks that link (migrations.Unenforced).
func TestAnAttemptTakesItsConfigurationFromTheDeliveryRow(t *testing.T) {
	apptest.InBothModes(t, func(t *testing.T, e *apptest.Env) {
		ctx, cfg, ds, now := pending(t, e, "links", 3)
		// Read before sending, as a worker does; then the link goes.
		e.App.Client.Delivery.Update().Where(entdelivery.IDIn(ds[0].ID, ds[1].ID)).ClearConfigurationID().ExecX(ctx)
		ok := sender.Result{StatusCode: 200, Duration: 5 * time.Millisecond, StartedAt: now, RequestURL: cfg.URL,
			RequestBody: []byte(`{}`), ResponseBody: []byte("fine")}
		got, err := sqlstore.New(e.App.Dialect).SaveAttempts(ctx, e.App.Client, []sqlstore.Pending{
			{Delivery: ds[0], Number: 1, Result: ok, Outcome: sqlstore.Outcome{Status: entdelivery.StatusSUCCEEDED}},
			{Delivery: ds[2], Number: 1, Result: ok, Outcome: sqlstore.Outcome{Status: entdelivery.StatusSUCCEEDED}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if got[0] == nil || got[0].ConfigurationID != nil || got[1] == nil || got[1].ConfigurationID == nil || *got[1].ConfigurationID != cfg.ID {
			t.Errorf("SaveMany returned %+v and %+v, want the first unlinked and the second linked", got[0], got[1])
		}
		if _, err := sqlstore.SaveAttempt(ctx, e.App.Client, ds[1], 1, deliveryattempt.TriggerMANUAL, ok,
			sqlstore.Outcome{Status: entdelivery.StatusSUCCEEDED}, false); err != nil {
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

// SaveMany's array insert (PostgreSQL) stores what Save's ent insert does,
// field by field: a response with headers, and a connection error.
func TestSaveManyStoresAttemptsAsSaveDoes(t *testing.T) {
	apptest.InBothModes(t, func(t *testing.T, e *apptest.Env) {
		ctx, cfg, ds, now := pending(t, e, "rows", 4)
		answered := sender.Result{StatusCode: 503, Duration: 42 * time.Millisecond, StartedAt: now, RequestURL: cfg.URL,
			RequestHeaders:  http.Header{"Webhook-Id": {"msg_1"}, "X-Many": {"a", "b"}},
			RequestBody:     []byte(`{"quote":"\"","nul":"a` + "\x00" + `b"}`),
			ResponseHeaders: http.Header{"Retry-After": {"5"}}, ResponseBody: []byte("busy\\ {not} \"array\""), BodyTruncated: true}
		refused := sender.Result{Duration: 3 * time.Millisecond, StartedAt: now.Add(time.Second), RequestURL: cfg.URL,
			RequestHeaders: http.Header{"Webhook-Id": {"msg_2"}}, RequestBody: []byte(`{}`),
			ErrorKind: sender.ErrConnect, Error: "dial tcp: connection refused"}
		retry := sqlstore.Outcome{Status: entdelivery.StatusRETRYING, Next: now.Add(time.Minute)}
		if _, err := sqlstore.New(e.App.Dialect).SaveAttempts(ctx, e.App.Client, []sqlstore.Pending{
			{Delivery: ds[0], Number: 1, Result: answered, Outcome: retry},
			{Delivery: ds[1], Number: 1, Result: refused, Outcome: retry},
		}); err != nil {
			t.Fatal(err)
		}
		for i, res := range []sender.Result{answered, refused} {
			if _, err := sqlstore.SaveAttempt(ctx, e.App.Client, ds[2+i], 1, deliveryattempt.TriggerAUTOMATIC, res, retry, true); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 2 {
			many := e.App.Client.DeliveryAttempt.Query().Where(deliveryattempt.DeliveryID(ds[i].ID)).OnlyX(ctx)
			one := e.App.Client.DeliveryAttempt.Query().Where(deliveryattempt.DeliveryID(ds[2+i].ID)).OnlyX(ctx)
			if many.ID.Prefix() != "att" {
				t.Errorf("attempt id %q, want an att_ id", many.ID)
			}
			many.ID, many.DeliveryID, many.Edges = one.ID, one.DeliveryID, one.Edges
			if !many.StartedAt.Equal(one.StartedAt) {
				t.Errorf("result %d: started at %v by SaveMany, %v by Save", i, many.StartedAt, one.StartedAt)
			}
			many.StartedAt = one.StartedAt
			if many.String() != one.String() {
				t.Errorf("result %d stored differently:\nSaveMany %s\nSave     %s", i, many, one)
			}
		}
	})
}

// pending seeds n pending deliveries to a new active configuration of a
// new account named name, and returns them with a system context and the
// time they were seeded at.
func pending(t *testing.T, e *apptest.Env, name string, n int) (context.Context, *ent.Configuration, []*ent.Delivery, time.Time) {
	t.Helper()
	ctx := viewer.System(t.Context())
	acc := e.CreateAccount(name)
	typ := name + ".saved"
	e.CreateEventType(typ)
	rcv := apptest.NewReceiver(t, http.StatusOK)
	ep := e.ActiveEndpoint(acc.Token, rcv.URL, []string{typ}, nil)
	cfg := e.App.Client.Configuration.GetX(ctx, pulid.ID(ep.ID))
	now := time.Now().Truncate(time.Microsecond)
	seeded := make([]apptest.Seeded, n)
	for i := range seeded {
		seeded[i] = apptest.Seeded{Status: entdelivery.StatusPENDING, Created: now}
	}
	return ctx, cfg, e.SeedDeliveries(cfg, typ, now, seeded...), now
}
