package limiter

import (
	"context"
	"slices"
	"sync"
	"time"
)

// recheck is how often a waiter tries again without being woken: slots
// freed by another process, or by a lease that expired, wake no one here.
const recheck = 50 * time.Millisecond

// waiters tracks, per name, the callers of Wait in this process and wakes
// them when a lease of that name is released here.
type waiters struct {
	mu    sync.Mutex
	count map[string]int
	wake  map[string]chan struct{} // closed on the next release
}

// Wait is Take for a caller that may wait up to maxWait for a slot to
// free up. It returns once it holds at least one lease, or once every id
// holds a lease elsewhere. At most maxWaiters callers of this process wait
// on one name at once (more than that, and Wait returns what it has at
// once), so one busy configuration cannot hold every worker goroutine. It
// returns no lease, without error, when no slot freed up in time.
func (l *Limiter) Wait(ctx context.Context, name string, ids []string, limit int, ttl, maxWait time.Duration, maxWaiters int) (Taken, error) {
	var got Taken
	err := l.wait(ctx, name, maxWait, maxWaiters, func() (bool, error) {
		t, err := l.Take(ctx, name, ids, limit, ttl)
		if err != nil {
			return true, err
		}
		got.Leases = t.Leases
		got.Held = append(got.Held, t.Held...)
		ids = slices.DeleteFunc(ids, func(id string) bool { return slices.Contains(t.Held, id) })
		return len(t.Leases) > 0 || len(ids) == 0, nil
	})
	return got, err
}

// WaitSlots is Slots for a caller that may wait up to maxWait, as Wait
// does, for at least one slot. It reports how many of leases got a slot,
// 0 when none freed up in time or maxWaiters wait already.
func (l *Limiter) WaitSlots(ctx context.Context, name string, leases []*Lease, limit int, ttl, maxWait time.Duration, maxWaiters int) (int, error) {
	var n int
	err := l.wait(ctx, name, maxWait, maxWaiters, func() (bool, error) {
		var err error
		n, err = l.Slots(ctx, name, leases, limit, ttl)
		return n > 0 || err != nil, err
	})
	return n, err
}

// wait calls try until it is done, at once and then, while at most
// maxWaiters of this process wait on name, whenever a lease of name is
// freed here and every recheck, for up to maxWait. It returns the error
// of try, or of ctx; none when time ran out.
func (l *Limiter) wait(ctx context.Context, name string, maxWait time.Duration, maxWaiters int, try func() (bool, error)) error {
	if done, err := try(); done {
		return err
	}
	if !l.waiting.join(name, maxWaiters) {
		return nil
	}
	defer l.waiting.leave(name)
	deadline := time.NewTimer(maxWait)
	defer deadline.Stop()
	tick := time.NewTicker(recheck)
	defer tick.Stop()
	for {
		// Take the wake-up channel before trying, so a release between
		// the try and the select still wakes this waiter.
		wake := l.waiting.next(name)
		if done, err := try(); done {
			return err
		}
		select {
		case <-wake:
		case <-tick.C:
		case <-deadline.C:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// join counts one more waiter on name, unless max already wait.
func (w *waiters) join(name string, max int) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.count == nil {
		w.count, w.wake = map[string]int{}, map[string]chan struct{}{}
	}
	if w.count[name] >= max {
		return false
	}
	w.count[name]++
	return true
}

func (w *waiters) leave(name string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.count[name]--; w.count[name] <= 0 {
		delete(w.count, name)
		delete(w.wake, name)
	}
}

// next is closed at the next release of a lease of name in this process.
func (w *waiters) next(name string) <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	ch, ok := w.wake[name]
	if !ok {
		ch = make(chan struct{})
		w.wake[name] = ch
	}
	return ch
}

// released wakes every waiter on name.
func (w *waiters) released(name string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if ch, ok := w.wake[name]; ok {
		close(ch)
		delete(w.wake, name)
	}
}
