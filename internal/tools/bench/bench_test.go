package bench_test

import (
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/testing/apptest"
	"github.com/ferryhq/ferry/internal/tools/bench"
)

// The CI smoke run of the benchmark: a few hundred events through the real
// API and workers, none lost, none duplicated. It asserts behaviour, never
// speed.
func TestBenchSmokeLosesAndRepeatsNothing(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	e.StartWorker()
	target := bench.Target{URL: e.Server.URL, AdminToken: apptest.AdminToken, DB: e.App.DB, OwnPool: true}
	// One event a request (publishEvent), then 50 (publishEvents).
	for _, batch := range []int{1, 50} {
		r, err := bench.Run(t.Context(), bench.Options{Scenario: "throughput", Events: 300, Concurrency: 8, Batch: batch}, target)
		if err != nil {
			t.Fatal(err)
		}
		if err := bench.Check(r); err != nil || r.Delivered != 300 || r.Expected != 300 {
			t.Fatalf("throughput smoke, %d a request: %v; delivered %d of %d", batch, err, r.Delivered, r.Expected)
		}
		if r.Latency.Max <= 0 {
			t.Errorf("%d a request: max latency %v: the run measured nothing", batch, r.Latency.Max)
		}
		// Each delivery writes five rows: its event, its insert, its claim
		// before the request, its update by the attempt and the attempt.
		// Counted exactly, as the bench holds Ferry's pool, nothing is
		// missing and nothing else writes to this test's database meanwhile.
		if r.RowsPerDelivery != 5 {
			t.Errorf("%d a request: %v rows written per delivery, want 5", batch, r.RowsPerDelivery)
		}
	}
}

// slow-receivers in small: maxParallel holds at every receiver, and every
// event reaches every configuration once.
func TestBenchSlowReceiversKeepMaxParallel(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	e.StartWorker()
	target := bench.Target{URL: e.Server.URL, AdminToken: apptest.AdminToken}
	r, err := bench.Run(t.Context(), bench.Options{
		Scenario: "slow-receivers", Events: 30, Configs: 2, MaxParallel: 3, Delay: 50 * time.Millisecond, Concurrency: 8,
	}, target)
	if err != nil {
		t.Fatal(err)
	}
	if err := bench.Check(r); err != nil || r.Delivered != 60 {
		t.Fatalf("slow receivers: %v; delivered %d of 60", err, r.Delivered)
	}
	if len(r.PeakInFlight) != 2 {
		t.Fatalf("peak in flight measured for %d configurations, want 2", len(r.PeakInFlight))
	}
	for path, peak := range r.PeakInFlight {
		if peak > 3 || peak < 1 {
			t.Errorf("%s had %d requests in flight, want at most maxParallel 3", path, peak)
		}
	}
}

// The loopback limit is measured before and after the scenario, and the
// higher of the two is the one Ferry's share is taken of, whichever came
// first. Not parallel: it replaces the package's measurement.
func TestTheHigherLoopbackLimitCounts(t *testing.T) {
	e := apptest.New(t, true)
	e.StartWorker()
	target := bench.Target{URL: e.Server.URL, AdminToken: apptest.AdminToken}
	for _, limits := range [][]float64{{1000, 3000}, {3000, 1000}} {
		calls := 0
		bench.SetLoopback(t, func(time.Duration, int) (float64, error) {
			calls++
			return limits[(calls-1)%2], nil
		})
		r, err := bench.Run(t.Context(), bench.Options{Scenario: "throughput", Events: 50, Concurrency: 4, Loopback: time.Millisecond}, target)
		if err != nil {
			t.Fatal(err)
		}
		if calls != 2 {
			t.Errorf("limits %v: measured %d times, want before and after", limits, calls)
		}
		if r.LoopbackPerSec != 3000 || r.FractionLoopback != r.DeliveriesPerSec/3000 {
			t.Errorf("limits %v: limit %v and fraction %v, want 3000 and %v", limits, r.LoopbackPerSec, r.FractionLoopback, r.DeliveriesPerSec/3000)
		}
	}
}
