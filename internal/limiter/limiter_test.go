package limiter_test

import (
	"context"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/limiter"
	"github.com/ferryhq/ferry/internal/testenv"
)

func newLimiter(t *testing.T) *limiter.Limiter {
	t.Helper()
	return limiter.New(testenv.RedisClient(t), "test:inflight:")
}

func TestSlotsAreCappedAndReleased(t *testing.T) {
	t.Parallel()
	l, ctx := newLimiter(t), context.Background()
	var held []*limiter.Lease
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
