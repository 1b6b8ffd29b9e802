package faults

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/ferryhq/ferry/internal/tools/bench"
)

// eventType is the catalog entry the load publishes.
const eventType = "faults.load"

// event is one event of the load, from its first publish to its
// acknowledgement.
type event struct {
	key     string    // its idempotency key
	phase   int       // the phase it was first published in
	id      string    // Ferry's id, once acknowledged
	ackedAt time.Time // zero until acknowledged
	tries   int
}

// load publishes events at a steady rate, one publishEvent a request, each
// with an idempotency key it publishes again after any error until Ferry
// acknowledges it: what the README tells publishers to do.
type load struct {
	client *bench.Client
	token  string
	runID  string
	rate   int
	phase  func() int // the phase now

	mu     sync.Mutex
	events []*event
	calls  map[int]*callStats // by phase
}

// callStats is what the publish calls of one phase got.
type callStats struct {
	latencies []time.Duration // of the calls acknowledged
	errors    map[string]int  // failed calls by kind
}

func newLoad(c *bench.Client, token string, rate int, phase func() int) *load {
	return &load{client: c, token: token, runID: fmt.Sprintf("%x", rand.Uint64()), rate: rate, phase: phase,
		calls: map[int]*callStats{}}
}

// run publishes until stop is closed, from publishers goroutines, then
// waits for the events started to be acknowledged; ctx ending gives them
// up.
func (l *load) run(ctx context.Context, stop <-chan struct{}, publishers int) {
	next := make(chan *event)
	var wg sync.WaitGroup
	for range publishers {
		wg.Go(func() {
			for e := range next {
				l.publish(ctx, e)
			}
		})
	}
	// What is due by the clock goes out, not one event a tick: ticks are
	// dropped when the machine is busy, and publishers blocked in an
	// outage catch up after it, as a real backlog would.
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	start := time.Now()
	for seq := 0; ; {
		select {
		case <-stop:
			close(next)
			wg.Wait()
			return
		case <-ctx.Done():
			close(next)
			wg.Wait()
			return
		case <-tick.C:
		}
		for due := int(time.Since(start).Seconds() * float64(l.rate)); seq < due; seq++ {
			e := &event{key: fmt.Sprintf("faults-%s-%d", l.runID, seq), phase: l.phase()}
			select {
			case next <- e:
				l.mu.Lock()
				l.events = append(l.events, e)
				l.mu.Unlock()
			case <-stop:
				seq = due // stop at once; this event is not published
			case <-ctx.Done():
				seq = due
			}
		}
	}
}

// publish publishes e until Ferry acknowledges it or ctx ends.
func (l *load) publish(ctx context.Context, e *event) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		phase := l.phase()
		start := time.Now()
		var out struct{ PublishEvent struct{ ID string } }
		err := l.client.Do(ctx, l.token, `mutation($in: PublishEventInput!) { publishEvent(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"type": eventType, "idempotencyKey": e.key,
				"data": map[string]any{"key": e.key, "note": "ferry faults"}}}, &out)
		took := time.Since(start)
		l.mu.Lock()
		e.tries++
		s := l.stats(phase)
		if err == nil && out.PublishEvent.ID != "" {
			e.id, e.ackedAt = out.PublishEvent.ID, time.Now()
			s.latencies = append(s.latencies, took)
			l.mu.Unlock()
			return
		}
		if err == nil {
			err = errors.New("no event id in the answer")
		}
		s.errors[errorKind(err)]++
		l.mu.Unlock()
		wait := backoff + time.Duration(rand.Int64N(int64(backoff)))
		if apiErr := (*bench.APIError)(nil); errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
			wait = time.Duration(apiErr.RetryAfter) * time.Second
		}
		backoff = min(2*backoff, time.Second)
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
}

// stats is phase's call statistics; l.mu is held.
func (l *load) stats(phase int) *callStats {
	s, ok := l.calls[phase]
	if !ok {
		s = &callStats{errors: map[string]int{}}
		l.calls[phase] = s
	}
	return s
}

// errorKind names what a failed publish call got: Ferry's error code, or
// what went wrong on the way.
func errorKind(err error) string {
	var apiErr *bench.APIError
	var netErr net.Error
	switch {
	case errors.As(err, &apiErr):
		return fmt.Sprintf("%s (HTTP %d)", apiErr.Code, apiErr.HTTPStatus)
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed"
	}
	// Not the message: it names ports and ids, one kind per call.
	return "other"
}

// snapshot copies the events and call statistics so far.
func (l *load) snapshot() ([]event, map[int]callStats) {
	l.mu.Lock()
	defer l.mu.Unlock()
	events := make([]event, len(l.events))
	for i, e := range l.events {
		events[i] = *e
	}
	calls := make(map[int]callStats, len(l.calls))
	for p, s := range l.calls {
		errs := make(map[string]int, len(s.errors))
		for k, v := range s.errors {
			errs[k] = v
		}
		calls[p] = callStats{latencies: append([]time.Duration(nil), s.latencies...), errors: errs}
	}
	return events, calls
}

// pending is how many events were started and not yet acknowledged.
func (l *load) pending() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, e := range l.events {
		if e.ackedAt.IsZero() {
			n++
		}
	}
	return n
}
