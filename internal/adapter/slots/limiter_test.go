package slots_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/adapter/slots"
	"github.com/ferryhq/ferry/internal/testing/testenv"
)

func newLimiter(t *testing.T) *slots.Limiter {
	t.Helper()
	return slots.New(testenv.RedisClient(t), "test:inflight:")
}

func TestSlotsAreCappedAndReleased(t *testing.T) {
	t.Parallel()
	l, ctx := newLimiter(t), context.Background()
	var held []*slots.Lease
	for i := range 3 {
		lease, err := l.Acquire(ctx, "cfg_a", 3, time.Minute)
		if err != nil || lease == nil {
			t.Fatalf("slot %d of 3: lease %v, err %v", i+1, lease, err)
		}
		held = append(held, lease)
	}
	if lease, err := l.Acquire(ctx, "cfg_a", 3, time.Minute); lease != nil || err != nil {
		t.Fatalf("a fourth slot of 3 was granted (err %v)", err)
	}
	if lease, _ := l.Acquire(ctx, "cfg_b", 1, time.Minute); lease == nil {
		t.Fatal("another configuration is blocked by a full one")
	}
	held[0].Release()
	if n, _ := l.InFlight(ctx, "cfg_a"); n != 2 {
		t.Errorf("in flight after one release = %d, want 2", n)
	}
	if lease, _ := l.Acquire(ctx, "cfg_a", 3, time.Minute); lease == nil {
		t.Error("a released slot was not granted again")
	}
}

func TestSlotsOfADeadWorkerExpire(t *testing.T) {
	t.Parallel()
	l, ctx := newLimiter(t), context.Background()
	// A worker takes both slots and dies without releasing them.
	for range 2 {
		if lease, _ := l.Acquire(ctx, "cfg_a", 2, 300*time.Millisecond); lease == nil {
			t.Fatal("slot not granted")
		}
	}
	if lease, _ := l.Acquire(ctx, "cfg_a", 2, time.Minute); lease != nil {
		t.Fatal("a third slot of 2 was granted while the leases are live")
	}
	time.Sleep(400 * time.Millisecond)
	if n, _ := l.InFlight(ctx, "cfg_a"); n != 0 {
		t.Errorf("in flight after the leases ran out = %d, want 0", n)
	}
	if lease, _ := l.Acquire(ctx, "cfg_a", 2, time.Minute); lease == nil {
		t.Error("slots of a dead worker were never freed")
	}
}

// A named lease is a claim: while it is live nobody else gets a lease of
// that name, and Take grants only as many as there are free slots.
func TestNamedLeasesAreClaims(t *testing.T) {
	t.Parallel()
	l, ctx := newLimiter(t), context.Background()
	first, err := l.Take(ctx, "cfg_a", []string{"d1/1", "d2/1"}, 3, time.Minute)
	if err != nil || len(first.Leases) != 2 || len(first.Held) != 0 {
		t.Fatalf("first take = %+v, %v; want 2 leases", first, err)
	}
	second, err := l.Take(ctx, "cfg_a", []string{"d1/1", "d3/1", "d4/1", "d2/1"}, 3, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if got := leaseIDs(second.Leases); !slices.Equal(got, []string{"d3/1"}) {
		t.Errorf("granted %v, want [d3/1]: one slot of 3 was free", got)
	}
	// Once the slots are full, the ids left (d4/1, d2/1) are not looked at.
	if !slices.Equal(second.Held, []string{"d1/1"}) {
		t.Errorf("held elsewhere %v, want [d1/1]", second.Held)
	}
	if again, _ := l.Take(ctx, "cfg_a", []string{"d4/1", "d2/1"}, 3, time.Minute); len(again.Leases)+len(again.Held) != 0 {
		t.Errorf("take with every slot full = %+v, want nothing granted or looked at", again)
	}
	// Freeing slots keeps the claims: the attempts are not recorded yet.
	l.Free(first.Leases...)
	if n, _ := l.InFlight(ctx, "cfg_a"); n != 1 {
		t.Errorf("in flight after freeing two = %d, want 1", n)
	}
	if got, _ := l.Take(ctx, "cfg_a", []string{"d1/1"}, 3, time.Minute); len(got.Leases) != 0 || len(got.Held) != 1 {
		t.Errorf("d1/1 after its slot was freed: %+v, want still claimed", got)
	}
	// Ending the claims frees the names.
	l.End(first.Leases...)
	third, _ := l.Take(ctx, "cfg_a", []string{"d1/1", "d3/1"}, 3, time.Minute)
	if got := leaseIDs(third.Leases); !slices.Equal(got, []string{"d1/1"}) || !slices.Equal(third.Held, []string{"d3/1"}) {
		t.Errorf("after release: granted %v held %v, want [d1/1] and [d3/1]", got, third.Held)
	}
}

// Wait returns at once when every id is held elsewhere: there is nothing
// to wait for.
func TestWaitDoesNotWaitForClaimsHeldElsewhere(t *testing.T) {
	t.Parallel()
	l, ctx := newLimiter(t), context.Background()
	if got, _ := l.Take(ctx, "cfg_a", []string{"d1/1"}, 1, time.Minute); len(got.Leases) != 1 {
		t.Fatal("lease not granted")
	}
	got, err := l.Wait(ctx, "cfg_a", []string{"d1/1"}, 5, time.Minute, time.Hour, 5)
	if err != nil || len(got.Leases) != 0 || !slices.Equal(got.Held, []string{"d1/1"}) {
		t.Errorf("wait = %+v, %v; want d1/1 held elsewhere, at once", got, err)
	}
}

func leaseIDs(ls []*slots.Lease) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.ID)
	}
	return out
}

// Claim claims without taking slots; Slots gives slots to claimed leases,
// as many as are free, in order.
func TestClaimThenSlots(t *testing.T) {
	t.Parallel()
	l, ctx := newLimiter(t), context.Background()
	first, err := l.Claim(ctx, "cfg_a", []string{"d1/1", "d2/1", "d3/1"}, time.Minute)
	if err != nil || len(first.Leases) != 3 {
		t.Fatalf("claim = %+v, %v; want 3 claims", first, err)
	}
	if n, _ := l.InFlight(ctx, "cfg_a"); n != 0 {
		t.Errorf("in flight after claiming = %d, want 0: a claim is no slot", n)
	}
	second, err := l.Claim(ctx, "cfg_a", []string{"d2/1", "d4/1"}, time.Minute)
	if err != nil || !slices.Equal(leaseIDs(second.Leases), []string{"d4/1"}) || !slices.Equal(second.Held, []string{"d2/1"}) {
		t.Fatalf("second claim = %+v, %v; want d4/1 claimed, d2/1 held elsewhere", second, err)
	}
	if other, _ := l.Acquire(ctx, "cfg_a", 3, time.Minute); other == nil {
		t.Fatal("no slot for another request")
	}
	n, err := l.Slots(ctx, "cfg_a", first.Leases, 3, time.Minute)
	if err != nil || n != 2 {
		t.Fatalf("slots for 3 claims with 2 of 3 free = %d, %v; want 2", n, err)
	}
	if n, _ := l.Slots(ctx, "cfg_a", first.Leases[2:], 3, time.Minute); n != 0 {
		t.Errorf("slots with none free = %d, want 0", n)
	}
	l.Free(first.Leases[:2]...)
	if n, _ := l.Slots(ctx, "cfg_a", first.Leases[2:], 3, time.Minute); n != 1 {
		t.Errorf("slots after freeing two = %d, want 1", n)
	}
	// The claims outlive the slots until they end.
	if again, _ := l.Claim(ctx, "cfg_a", []string{"d1/1"}, time.Minute); len(again.Held) != 1 {
		t.Errorf("d1/1 after its slot was freed: %+v, want still claimed", again)
	}
	l.End(first.Leases[:2]...)
	if again, _ := l.Claim(ctx, "cfg_a", []string{"d1/1"}, time.Minute); len(again.Leases) != 1 {
		t.Errorf("d1/1 after its claim ended: %+v, want claimed again", again)
	}
}
