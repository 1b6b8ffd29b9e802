package sqlstore_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	entdelivery "github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/sqlstore"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// A claim reads the delivery it claimed, with its event, in the same
// statement; an attempt not due, claimed, cut off (its claim ran out) or
// listed twice reads nothing, and the claim it did not get is left as it
// was: a worker must not make again, unrecorded, what recovery records.
func TestClaimingAnAttemptReadsItsDelivery(t *testing.T) {
	apptest.InBothModes(t, func(t *testing.T, e *apptest.Env) {
		ctx, cfg, ds, now := pending(t, e, "claims", 4)
		// ds[2]'s first attempt is made; ds[3]'s was cut off: its claim ran
		// out unsaved, and recovery is to record that before a next one.
		e.App.Client.Delivery.UpdateOne(ds[2]).SetStatus(entdelivery.StatusSUCCEEDED).SetAttemptCount(1).ExecX(ctx)
		e.App.Client.Delivery.UpdateOne(ds[3]).SetClaimedUntil(now.Add(-time.Second)).ExecX(ctx)
		store := sqlstore.New(e.App.Dialect)
		until := now.Add(time.Minute)
		claim := func(d pulid.ID, n int) sqlstore.Claim { return sqlstore.Claim{DeliveryID: d, Number: n, Until: until} }
		// ds[1] is claimed already, by another worker.
		if got, err := store.ClaimAttempts(ctx, e.App.Client, []sqlstore.Claim{claim(ds[1].ID, 1)}); err != nil || got[0] == nil {
			t.Fatalf("first claim of %s: %v, %v", ds[1].ID, got, err)
		}
		got, err := store.ClaimAttempts(ctx, e.App.Client, []sqlstore.Claim{
			claim(ds[0].ID, 1), // due
			claim(ds[0].ID, 1), // listed twice: claimed once
			claim(ds[1].ID, 1), // claimed elsewhere
			claim(ds[2].ID, 1), // made already
			claim(ds[0].ID, 2), // not the next attempt
			claim(ds[3].ID, 1), // cut off, recovery's
		})
		if err != nil {
			t.Fatal(err)
		}
		d := got[0]
		if d == nil {
			t.Fatalf("the due attempt was not claimed: %v", got)
		}
		for i, other := range got[1:] {
			if other != nil {
				t.Errorf("claim %d got %s, want nothing", i+1, other.ID)
			}
		}
		if d.ID != ds[0].ID || d.Status != entdelivery.StatusPENDING || d.AttemptCount != 0 || d.URL != cfg.URL ||
			d.ConfigurationID == nil || *d.ConfigurationID != cfg.ID || d.ClaimedUntil == nil || !d.ClaimedUntil.Equal(until) {
			t.Errorf("claimed delivery read as %+v, want %s, pending, claimed until %v", d, ds[0].ID, until)
		}
		evt := d.Edges.Event
		var data bytes.Buffer
		if evt != nil {
			_ = json.Compact(&data, evt.Data) // PostgreSQL hands jsonb back spaced
		}
		if evt == nil || evt.ID != ds[0].EventID || data.String() != `{"seeded":true}` || !evt.OccurredAt.Equal(now) {
			t.Errorf("claimed delivery's event read as %+v, want %s with its data and time", evt, ds[0].EventID)
		}
		if stored := e.App.Client.Delivery.GetX(ctx, ds[2].ID); stored.ClaimedUntil != nil {
			t.Errorf("a delivery made already was claimed until %v", stored.ClaimedUntil)
		}
		if stored := e.App.Client.Delivery.GetX(ctx, ds[3].ID); stored.ClaimedUntil == nil || !stored.ClaimedUntil.Before(now) {
			t.Errorf("a cut-off attempt was claimed again (until %v) before recovery recorded it", stored.ClaimedUntil)
		}
	})
}
