package worker_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/queue"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// Deliveries published together to one configuration go out from one task,
// maxParallel at a time, each once.
func TestPublishedTogetherDeliveredFromOneTaskEachOnce(t *testing.T) {
	t.Parallel()
	e, acc := setup(t)
	rcv := apptest.NewReceiver(t, 200)
	rcv.Delay = func(int) time.Duration { return 20 * time.Millisecond }
	e.ActiveEndpoint(acc.Token, rcv.URL, []string{typ}, map[string]any{"maxParallel": 4})
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() { e.Publish(acc.Token, typ, map[string]any{"n": i}, nil) })
	}
	wg.Wait()
	e.StartWorker()
	ds := e.WaitFor(30*time.Second, apptest.AllEnded(40))
	for _, d := range ds {
		if d.Status != delivery.StatusSUCCEEDED || d.AttemptCount != 1 {
			t.Errorf("delivery %s is %s after %d attempts, want SUCCEEDED after 1", d.ID, d.Status, d.AttemptCount)
		}
	}
	if n := deliveryRequests(e, rcv); n != 40 {
		t.Errorf("receiver got %d requests, want 40", n)
	}
	if p := rcv.Peak(); p > 4 {
		t.Errorf("%d requests in flight at once, want at most maxParallel 4", p)
	}
}

// An attempt queued twice, in a first-attempts task and as a task of its
// own (as the recovery loop does when tasks wait longer than its grace), is
// made once: each attempt is claimed before its delivery is read.
func TestAnAttemptQueuedInTwoTasksIsMadeOnce(t *testing.T) {
	t.Parallel()
	e, acc := setup(t)
	rcv := apptest.NewReceiver(t, 200)
	rcv.Delay = func(int) time.Duration { return 5 * time.Millisecond }
	ep := e.ActiveEndpoint(acc.Token, rcv.URL, []string{typ}, map[string]any{"maxParallel": 20})
	for i := range 60 {
		e.Publish(acc.Token, typ, map[string]any{"n": i}, nil)
	}
	var ids []pulid.ID
	for _, d := range e.Deliveries() {
		ids = append(ids, d.ID)
	}
	// Each delivery is queued three more times: in two first-attempts
	// tasks (forwards and backwards) and on its own.
	ctx, cfg := context.Background(), pulid.ID(ep.ID)
	backwards := make([]pulid.ID, len(ids))
	for i, id := range ids {
		backwards[len(ids)-1-i] = id
	}
	for _, m := range []queue.Many{{Config: cfg, Deliveries: ids[1:]}, {Config: cfg, Deliveries: backwards}} {
		if err := e.App.Queue.EnqueueMany(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range ids {
		// A rescue task has an id of its own, so it is queued even while
		// the publish's task still waits.
		if err := e.App.Queue.Enqueue(ctx, queue.Attempt{DeliveryID: id, Number: 1, Config: cfg, Rescue: true}, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	e.StartWorker()
	e.StartWorker()
	e.WaitFor(30*time.Second, apptest.AllEnded(60))
	time.Sleep(300 * time.Millisecond) // any task left over runs now
	if n := deliveryRequests(e, rcv); n != 60 {
		t.Errorf("receiver got %d requests for 60 deliveries, want each once", n)
	}
	for _, d := range e.Deliveries() {
		if d.AttemptCount != 1 {
			t.Errorf("delivery %s has %d attempts, want 1", d.ID, d.AttemptCount)
		}
	}
}

// deliveryRequests counts the requests that carried one of the deliveries
// of e (not the configuration's activation ping).
func deliveryRequests(e *apptest.Env, rcv *apptest.Receiver) int {
	ours := map[string]bool{}
	for _, d := range e.Deliveries() {
		ours[string(d.ID)] = true
	}
	n := 0
	for _, r := range rcv.Requests() {
		if ours[r.Header.Get("X-Ferry-Delivery-Id")] {
			n++
		}
	}
	return n
}

// A first-attempts task that finds its configuration's slots taken after
// making some of its attempts hands the rest on to a new task, rather than
// waiting out asynq's retry delay; every attempt is still made once, within
// maxParallel.
func TestFirstAttemptsHandedOnWhenSlotsAreTaken(t *testing.T) {
	t.Parallel()
	// No recovery loop within the test: the task's own work must deliver.
	e := apptest.NewWith(t, map[string]string{"FERRY_RECOVERY_GRACE": "1h"})
	e.CreateEventType(typ)
	acc := e.CreateAccount("tenant")
	rcv := apptest.NewReceiver(t, 200)
	ep := e.ActiveEndpoint(acc.Token, rcv.URL, []string{typ}, map[string]any{"maxParallel": 1})
	cfg := pulid.ID(ep.ID)
	for i := range 3 {
		e.Publish(acc.Token, typ, map[string]any{"n": i}, nil)
	}
	var ids []pulid.ID
	for _, d := range e.Deliveries() {
		ids = append(ids, d.ID)
	}
	// Only one task, of the three first attempts.
	if _, err := e.App.Queue.Inspector().DeleteAllPendingTasks(queue.Name); err != nil {
		t.Fatal(err)
	}
	if err := e.App.Queue.EnqueueMany(context.Background(), queue.Many{Config: cfg, Deliveries: ids}); err != nil {
		t.Fatal(err)
	}
	// While the first attempt is in flight, another worker takes the
	// configuration's slot for 3 s: longer than a task waits for one.
	var once sync.Once
	rcv.Delay = func(int) time.Duration {
		once.Do(func() {
			if _, err := e.App.Limiter.Take(context.Background(), string(cfg), []string{"another-worker"}, 100, 3*time.Second); err != nil {
				t.Error(err)
			}
		})
		return 0
	}
	e.StartWorker()
	e.WaitFor(30*time.Second, apptest.AllEnded(3))
	if n := deliveryRequests(e, rcv); n != 3 {
		t.Errorf("receiver got %d requests for 3 deliveries, want each once", n)
	}
	if p := rcv.Peak(); p > 1 {
		t.Errorf("%d requests in flight at once, want at most maxParallel 1", p)
	}
}
