// Package coalesce coalesces concurrent calls into one: what many goroutines
// would each send to PostgreSQL as a statement and a commit of their own is
// sent as one multi-row statement in one transaction.
//
// It adds no delay: a call that finds a free slot runs at once, alone. Calls
// that arrive while every slot is busy queue up, and the next free slot takes
// all of them (up to Max) in one batch. Under load batches grow by
// themselves; when idle, each call is its own batch.
package coalesce

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Func does the work of many calls at once. It returns one result per
// request, in the same order, or an error for the whole batch.
type Func[Q, R any] func(ctx context.Context, reqs []Q) ([]R, error)

// InOrder lines found up with keys, as a Func returns its results: the
// one whose key is keys[i] at i, the zero value where none has it. A Func
// that reads rows by key with one query (WHERE id IN …) gets them back in
// any order, and without the missing ones.
func InOrder[K comparable, R any](keys []K, found []R, key func(R) K) []R {
	byKey := make(map[K]R, len(found))
	for _, r := range found {
		byKey[key(r)] = r
	}
	out := make([]R, len(keys))
	for i, k := range keys {
		out[i] = byKey[k]
	}
	return out
}

// Options bound a Batcher.
type Options struct {
	// Max is the most requests in one batch (default 500).
	Max int
	// InFlight is the most batches running at once (default 1: under
	// load, one batch at a time makes the batches large, and it is the
	// number of statements, not their size, that costs).
	InFlight int
	// Timeout bounds each batch (default 30 s). A batch does not stop when
	// the caller that started it gives up: the others still wait for it.
	Timeout time.Duration
}

// Batcher runs a Func over the calls that queue up while it is busy.
type Batcher[Q, R any] struct {
	fn      Func[Q, R]
	o       Options
	mu      sync.Mutex
	pending []*call[Q, R]
	running int
}

type call[Q, R any] struct {
	ctx  context.Context
	req  Q
	res  R
	err  error
	done chan struct{}
}

// New returns a Batcher running fn.
func New[Q, R any](fn Func[Q, R], o Options) *Batcher[Q, R] {
	if o.Max <= 0 {
		o.Max = 500
	}
	if o.InFlight <= 0 {
		o.InFlight = 1
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	return &Batcher[Q, R]{fn: fn, o: o}
}

// Do runs req in the next batch and returns its result. If ctx ends first,
// Do returns ctx's error, and the request may still be carried out.
func (b *Batcher[Q, R]) Do(ctx context.Context, req Q) (R, error) {
	res, errs := b.DoAll(ctx, []Q{req})
	return res[0], errs[0]
}

// DoAll is Do for several requests of one caller: they queue together, so
// they share a batch (up to Max), and each gets its own result or error.
func (b *Batcher[Q, R]) DoAll(ctx context.Context, reqs []Q) ([]R, []error) {
	calls := make([]*call[Q, R], len(reqs))
	for i, req := range reqs {
		calls[i] = &call[Q, R]{ctx: ctx, req: req, done: make(chan struct{})}
	}
	b.mu.Lock()
	b.pending = append(b.pending, calls...)
	lead := b.running < b.o.InFlight
	if lead {
		b.running++
	}
	b.mu.Unlock()
	if lead {
		// This caller runs batches, its own first, until none is left.
		go b.drain()
	}
	res, errs := make([]R, len(calls)), make([]error, len(calls))
	for i, c := range calls {
		select {
		case <-c.done:
			res[i], errs[i] = c.res, c.err
		case <-ctx.Done():
			errs[i] = ctx.Err()
		}
	}
	return res, errs
}

// drain runs batches while calls are pending; it ends when the queue is
// empty, so no goroutine outlives the work.
func (b *Batcher[Q, R]) drain() {
	for {
		b.mu.Lock()
		n := min(len(b.pending), b.o.Max)
		if n == 0 {
			b.running--
			b.mu.Unlock()
			return
		}
		calls := b.pending[:n:n]
		b.pending = append([]*call[Q, R](nil), b.pending[n:]...)
		b.mu.Unlock()
		b.run(calls)
	}
}

// run carries out one batch. When the batch fails as a whole and holds more
// than one call, each is retried alone, so one bad request cannot fail the
// others.
func (b *Batcher[Q, R]) run(calls []*call[Q, R]) {
	live := calls[:0:0]
	for _, c := range calls {
		if err := c.ctx.Err(); err != nil {
			c.err = err
			close(c.done)
			continue
		}
		live = append(live, c)
	}
	if len(live) == 0 {
		return
	}
	if err := b.exec(live); err != nil && len(live) > 1 {
		for _, c := range live {
			if err := b.exec([]*call[Q, R]{c}); err != nil {
				c.err = err
			}
			close(c.done)
		}
		return
	} else if err != nil {
		live[0].err = err
	}
	for _, c := range live {
		close(c.done)
	}
}

// exec calls fn once for calls and hands out the results.
func (b *Batcher[Q, R]) exec(calls []*call[Q, R]) (err error) {
	// The batch belongs to every caller, not to the first: it keeps the
	// first caller's values (trace, viewer) but not its cancellation.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(calls[0].ctx), b.o.Timeout)
	defer cancel()
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("batch of %d: panic: %v", len(calls), v)
		}
	}()
	reqs := make([]Q, len(calls))
	for i, c := range calls {
		reqs[i] = c.req
	}
	res, err := b.fn(ctx, reqs)
	if err != nil {
		return err
	}
	if len(res) != len(calls) {
		return fmt.Errorf("batch of %d returned %d results", len(calls), len(res))
	}
	for i, c := range calls {
		c.res = res[i]
	}
	return nil
}
