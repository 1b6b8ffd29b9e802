package graph_test

import (
	"math"
	"testing"
	"time"

	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

type statsCounts struct {
	Total, Succeeded, Failed, Pending, Retrying, Cancelled int
}

// deliveryStats counts a configuration's deliveries by status over a
// window, by the hour, with the last attempts' latency: the health chart of
// the console's configuration screen.
func TestDeliveryStatsCountAWindowByStatusAndInterval(t *testing.T) {
	t.Parallel()
	apptest.InBothModes(t, func(t *testing.T, e *apptest.Env) {
		e.CreateEventType("a.b")
		acc := e.CreateAccount("acme")
		rcv := apptest.NewReceiver(t, 200)
		keyID, _ := e.CreateSigningKey(acc.Token, "k")
		id := e.CreateConfiguration(acc.Token, map[string]any{"name": "c", "url": rcv.URL, "signingKeyID": keyID, "eventTypes": []string{"a.b"}})
		ctx := viewer.System(t.Context())
		cfg := e.App.Client.Configuration.GetX(ctx, pulid.ID(id))

		base := time.Now().UTC().Truncate(time.Hour).Add(-3 * time.Hour)
		at := func(h, m int) time.Time { return base.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute) }
		seeded := e.SeedDeliveries(cfg, "a.b", at(5, 0),
			apptest.Seeded{Status: delivery.StatusSUCCEEDED, Created: at(0, 5), Attempted: at(0, 6), Code: 200},
			apptest.Seeded{Status: delivery.StatusSUCCEEDED, Created: at(0, 50), Attempted: at(0, 51), Code: 200},
			apptest.Seeded{Status: delivery.StatusFAILED, Created: at(0, 59), Attempted: at(1, 0), Code: 500},
			apptest.Seeded{Status: delivery.StatusRETRYING, Created: at(1, 30), Attempted: at(1, 31), Code: 503},
			apptest.Seeded{Status: delivery.StatusPENDING, Created: at(2, 1)},
			apptest.Seeded{Status: delivery.StatusCANCELLED, Created: at(2, 2)},
			apptest.Seeded{Status: delivery.StatusSUCCEEDED, Created: at(3, 10), Attempted: at(3, 11), Code: 200}, // after the window
		)
		for i, ms := range []int{10, 20, 30, 400} { // the four attempted in the window
			e.App.Client.Delivery.UpdateOneID(seeded[i].ID).SetLastDurationMs(ms).ExecX(ctx)
		}

		var out struct {
			DeliveryStats struct {
				statsCounts
				SuccessRate *float64
				Buckets     []struct {
					Start time.Time
					statsCounts
				}
				Latency struct{ P50Ms, P95Ms, P99Ms *int }
			}
		}
		e.MustDo(acc.Token, `query($id: ID, $since: Time, $until: Time) { deliveryStats(configurationID: $id, since: $since, until: $until, interval: HOUR) {
		  total succeeded failed pending retrying cancelled successRate
		  buckets { start total succeeded failed pending retrying cancelled } latency { p50Ms p95Ms p99Ms } } }`,
			map[string]any{"id": id, "since": at(0, 0), "until": at(3, 0)}, &out)
		got := out.DeliveryStats
		if want := (statsCounts{Total: 6, Succeeded: 2, Failed: 1, Pending: 1, Retrying: 1, Cancelled: 1}); got.statsCounts != want {
			t.Errorf("counts: got %+v, want %+v", got.statsCounts, want)
		}
		if got.SuccessRate == nil || math.Abs(*got.SuccessRate-2.0/3) > 1e-9 {
			t.Errorf("successRate: got %v, want 2/3 (of the deliveries that ended)", got.SuccessRate)
		}
		wantBuckets := []statsCounts{
			{Total: 3, Succeeded: 2, Failed: 1},
			{Total: 1, Retrying: 1},
			{Total: 2, Pending: 1, Cancelled: 1},
		}
		if len(got.Buckets) != len(wantBuckets) {
			t.Fatalf("buckets: got %d, want %d: %+v", len(got.Buckets), len(wantBuckets), got.Buckets)
		}
		for i, b := range got.Buckets {
			if !b.Start.Equal(at(i, 0)) || b.statsCounts != wantBuckets[i] {
				t.Errorf("bucket %d: got %s %+v, want %s %+v", i, b.Start, b.statsCounts, at(i, 0), wantBuckets[i])
			}
		}
		if l := got.Latency; l.P50Ms == nil || *l.P50Ms != 20 || *l.P95Ms != 400 || *l.P99Ms != 400 {
			t.Errorf("latency: got %v %v %v, want 20, 400, 400 ms (nearest rank of 10, 20, 30, 400)", deref(l.P50Ms), deref(l.P95Ms), deref(l.P99Ms))
		}

		// The same on the configuration, for a list's success rate.
		var list struct {
			Configurations struct {
				Edges []struct {
					Node struct {
						DeliveryStats struct {
							Total       int
							SuccessRate *float64
						}
					}
				}
			}
		}
		e.MustDo(acc.Token, `query($since: Time, $until: Time) { configurations(first: 20) { edges { node { deliveryStats(since: $since, until: $until) { total successRate } } } } }`,
			map[string]any{"since": at(0, 0), "until": at(3, 0)}, &list)
		if n := len(list.Configurations.Edges); n != 1 || list.Configurations.Edges[0].Node.DeliveryStats.Total != 6 {
			t.Errorf("configurations' deliveryStats: got %+v, want one with 6 deliveries", list.Configurations.Edges)
		}

		// Another account sees none of it, and cannot name the configuration.
		other := e.CreateAccount("other")
		if err := apptest.OnlyError(t, e.Do(other.Token, `query($id: ID) { deliveryStats(configurationID: $id) { total } }`, map[string]any{"id": id})); err.Code() != "NOT_FOUND" {
			t.Errorf("another account's configuration: %+v, want NOT_FOUND", err)
		}
		var theirs struct{ DeliveryStats struct{ Total int } }
		e.MustDo(other.Token, `query($since: Time) { deliveryStats(since: $since) { total } }`, map[string]any{"since": at(0, 0)}, &theirs)
		if theirs.DeliveryStats.Total != 0 {
			t.Errorf("another account's stats count %d deliveries, want 0", theirs.DeliveryStats.Total)
		}

		for _, tc := range []struct {
			vars  map[string]any
			field string
		}{
			{map[string]any{"since": at(0, 0).Add(-8 * 24 * time.Hour), "until": at(0, 0)}, "since"},
			{map[string]any{"since": at(2, 0), "until": at(1, 0)}, "since"},
		} {
			err := apptest.OnlyError(t, e.Do(acc.Token, `query($since: Time, $until: Time) { deliveryStats(since: $since, until: $until, interval: HOUR) { total } }`, tc.vars))
			if err.Code() != "BAD_USER_INPUT" || err.Field() != tc.field {
				t.Errorf("window %v: got %+v, want BAD_USER_INPUT on %s", tc.vars, err, tc.field)
			}
		}
	})
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// Each deliveryStats runs aggregate queries of its own: a full page of
// configurations with their stats is too complex, a console's page is not.
func TestDeliveryStatsWeighInTheComplexity(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	acc := e.CreateAccount("acme")
	const q = `query($n: Int) { configurations(first: $n) { edges { node { deliveryStats { successRate buckets { total } } } } } }`
	if err := apptest.OnlyError(t, e.Do(acc.Token, q, map[string]any{"n": 500})); err.Code() != "QUERY_TOO_COMPLEX" {
		t.Errorf("500 configurations' stats: %+v, want QUERY_TOO_COMPLEX", err)
	}
	e.MustDo(acc.Token, q, map[string]any{"n": 50}, nil)
}
