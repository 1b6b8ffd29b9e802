package slots

import (
	"context"
	"slices"
	"sync"
	"time"
)

// recheck is how often the first waiter in line tries again without being
// woken: slots freed by another process, or by a lease that expired, wake
// no one here.
const recheck = 50 * time.Millisecond

// waiters lines up, per name, the callers of Wait and WaitSlots in this
// process. A release here wakes the first in line not woken already, and a
// waiter that got every slot it asked for wakes the next, for slots may be
// left: one Redis call per wake-up, not one per waiter. Only the first in
// line rechecks on its own.
type waiters struct {
	mu    sync.Mutex
	lines map[string][]chan struct{} // each holds at most one wake-up
}

// Wait is Take for a caller that may wait up to maxWait for a slot to
// free up. It returns once it holds at least one lease, or once every id
// holds a lease elsewhere. At most maxWaiters callers of this process wait
// on one name at once (more than that, and Wait returns what it has at
// once), so one busy configuration cannot hold every worker goroutine. It
// returns no lease, without error, when no slot freed up in time.
func (l *Limiter) Wait(ctx context.Context, name string, ids []string, limit int, ttl, maxWait time.Duration, maxWaiters int) (Taken, error) {
	var got Taken
	err := l.wait(ctx, name, maxWait, maxWaiters, func() (bool, bool, error) {
		t, err := l.Take(ctx, name, ids, limit, ttl)
		if err != nil {
			return true, false, err
		}
		got.Leases = t.Leases
		got.Held = append(got.Held, t.Held...)
		asked := len(ids)
		ids = slices.DeleteFunc(ids, func(id string) bool { return slices.Contains(t.Held, id) })
		return len(t.Leases) > 0 || len(ids) == 0, len(t.Leases)+len(t.Held) == asked, nil
	})
	return got, err
}

// WaitSlots is Slots for a caller that may wait up to maxWait, as Wait
// does, for at least one slot. It reports how many of leases got a slot,
// 0 when none freed up in time or maxWaiters wait already.
func (l *Limiter) WaitSlots(ctx context.Context, name string, leases []*Lease, limit int, ttl, maxWait time.Duration, maxWaiters int) (int, error) {
	var n int
	err := l.wait(ctx, name, maxWait, maxWaiters, func() (bool, bool, error) {
		var err error
		n, err = l.Slots(ctx, name, leases, limit, ttl)
		return n > 0 || err != nil, n == len(leases), err
	})
	return n, err
}

// wait calls try until it is done: once at once and then, in line with at
// most maxWaiters others of this process waiting on name, each time it is
// woken, for up to maxWait. try reports whether it is done, and whether it
// got all it asked for, so that the next in line may find slots left. It
// returns the error of try, or of ctx; none when time ran out.
func (l *Limiter) wait(ctx context.Context, name string, maxWait time.Duration, maxWaiters int, try func() (done, all bool, err error)) error {
	me, ok := l.waiting.join(name, maxWaiters)
	if !ok {
		_, _, err := try()
		return err
	}
	var deadline *time.Timer
	var tick *time.Ticker
	for {
		// A release while trying leaves its wake-up in me for the select.
		if done, all, err := try(); done {
			l.waiting.leave(name, me)
			if all && err == nil {
				l.waiting.wake(name)
			}
			return err
		}
		if deadline == nil {
			// Made only once waiting: most calls find a slot at once.
			deadline, tick = time.NewTimer(maxWait), time.NewTicker(recheck)
			defer deadline.Stop()
			defer tick.Stop()
		}
		for woken := false; !woken; {
			select {
			case <-me:
				woken = true
			case <-tick.C:
				woken = l.waiting.first(name, me)
			case <-deadline.C:
				l.waiting.leave(name, me)
				return nil
			case <-ctx.Done():
				l.waiting.leave(name, me)
				return ctx.Err()
			}
		}
	}
}

// join puts a waiter at the back of name's line, unless max wait already.
func (w *waiters) join(name string, max int) (chan struct{}, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.lines == nil {
		w.lines = map[string][]chan struct{}{}
	}
	if len(w.lines[name]) >= max {
		return nil, false
	}
	me := make(chan struct{}, 1)
	w.lines[name] = append(w.lines[name], me)
	return me, true
}

// leave takes me out of name's line; a wake-up it did not use goes to the
// next.
func (w *waiters) leave(name string, me chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	line := slices.DeleteFunc(w.lines[name], func(c chan struct{}) bool { return c == me })
	if len(line) == 0 {
		delete(w.lines, name)
	} else {
		w.lines[name] = line
	}
	select {
	case <-me:
		w.wakeLocked(name)
	default:
	}
}

// first reports whether me is first in name's line.
func (w *waiters) first(name string, me chan struct{}) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	line := w.lines[name]
	return len(line) > 0 && line[0] == me
}

// wake wakes the first waiter on name not woken already.
func (w *waiters) wake(name string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.wakeLocked(name)
}

func (w *waiters) wakeLocked(name string) {
	for _, c := range w.lines[name] {
		select {
		case c <- struct{}{}:
			return
		default:
		}
	}
}
