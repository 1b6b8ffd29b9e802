package slots_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/adapter/slots"
)

// A waiter gets the slot a release frees, without handing its work back.
func TestWaitGetsTheSlotAReleaseFrees(t *testing.T) {
	t.Parallel()
	l, ctx := newLimiter(t), context.Background()
	held, _ := l.Acquire(ctx, "cfg_a", 1, time.Minute)
	if held == nil {
		t.Fatal("slot not granted")
	}
	got := make(chan *slots.Lease, 1)
	go func() {
		lease, err := waitOne(ctx, l, "cfg_a", 1, time.Minute, time.Minute, 1)
		if err != nil {
			t.Errorf("wait: %v", err)
		}
		got <- lease
	}()
	time.Sleep(100 * time.Millisecond) // the waiter is waiting
	held.Release()
	select {
	case lease := <-got:
		if lease == nil {
			t.Fatal("the waiter gave up although the slot was released")
		}
		if n, _ := l.InFlight(ctx, "cfg_a"); n != 1 {
			t.Errorf("in flight = %d after the hand-over, want 1", n)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the waiter never got the released slot")
	}
}

// At most maxWaiters callers wait per name; the rest are refused at once,
// and a waiter whose time runs out gets nothing.
func TestWaitersAreCappedAndGiveUpAtMaxWait(t *testing.T) {
	t.Parallel()
	l, ctx := newLimiter(t), context.Background()
	for range 2 {
		if lease, _ := l.Acquire(ctx, "cfg_a", 2, time.Minute); lease == nil {
			t.Fatal("slot not granted")
		}
	}
	var wg sync.WaitGroup
	results := make(chan *slots.Lease, 2)
	for range 2 {
		wg.Go(func() {
			lease, _ := waitOne(ctx, l, "cfg_a", 2, time.Minute, 3*time.Second, 2)
			results <- lease
		})
	}
	time.Sleep(300 * time.Millisecond) // both wait
	// Were it to wait, it would wait an hour: the test would time out.
	if lease, err := waitOne(ctx, l, "cfg_a", 2, time.Minute, time.Hour, 2); lease != nil || err != nil {
		t.Fatalf("a third waiter on a limit of 2: lease %v, err %v; want refused at once", lease, err)
	}
	wg.Wait()
	close(results)
	for lease := range results {
		if lease != nil {
			t.Error("a waiter got a slot although none was released")
		}
	}
	if n, _ := l.InFlight(ctx, "cfg_a"); n != 2 {
		t.Errorf("in flight = %d, want the 2 held", n)
	}
}

func TestWaitEndsWithItsContext(t *testing.T) {
	t.Parallel()
	l := newLimiter(t)
	if lease, _ := l.Acquire(context.Background(), "cfg_a", 1, time.Minute); lease == nil {
		t.Fatal("slot not granted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	if _, err := waitOne(ctx, l, "cfg_a", 1, time.Minute, time.Hour, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("wait after cancel: %v, want context.Canceled", err)
	}
}

// waitOne waits for one slot under a random lease id.
func waitOne(ctx context.Context, l *slots.Limiter, name string, limit int, ttl, maxWait time.Duration, maxWaiters int) (*slots.Lease, error) {
	t, err := l.Wait(ctx, name, []string{slots.UnnamedID()}, limit, ttl, maxWait, maxWaiters)
	if len(t.Leases) == 0 {
		return nil, err
	}
	return t.Leases[0], err
}

// WaitSlots gives a claimed lease the slot a release frees.
func TestWaitSlotsGetsTheSlotAReleaseFrees(t *testing.T) {
	t.Parallel()
	l, ctx := newLimiter(t), context.Background()
	held, _ := l.Acquire(ctx, "cfg_a", 1, time.Minute)
	claimed, err := l.Claim(ctx, "cfg_a", []string{"d1/1"}, time.Minute)
	if held == nil || err != nil || len(claimed.Leases) != 1 {
		t.Fatalf("slot %v, claim %+v, %v", held, claimed, err)
	}
	got := make(chan int, 1)
	go func() {
		n, err := l.WaitSlots(ctx, "cfg_a", claimed.Leases, 1, time.Minute, time.Minute, 1)
		if err != nil {
			t.Errorf("wait: %v", err)
		}
		got <- n
	}()
	time.Sleep(100 * time.Millisecond) // the waiter is waiting
	select {
	case n := <-got:
		t.Fatalf("WaitSlots returned %d while the only slot was held", n)
	default:
	}
	held.Release()
	select {
	case n := <-got:
		if n != 1 {
			t.Fatalf("the waiter got %d slots, want 1", n)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the waiter never got the released slot")
	}
	if n, _ := waitSlotsAtMaxWait(ctx, l); n != 0 {
		t.Errorf("WaitSlots with every slot taken got %d, want 0 after maxWait", n)
	}
}

// waitSlotsAtMaxWait claims d2/1 and waits 200 ms for the one slot of cfg_a.
func waitSlotsAtMaxWait(ctx context.Context, l *slots.Limiter) (int, error) {
	c, err := l.Claim(ctx, "cfg_a", []string{"d2/1"}, time.Minute)
	if err != nil {
		return -1, err
	}
	return l.WaitSlots(ctx, "cfg_a", c.Leases, 1, time.Minute, 200*time.Millisecond, 1)
}
