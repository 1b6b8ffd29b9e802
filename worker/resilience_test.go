package worker_test

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/internal/testing/apptest"
	"github.com/ferryhq/ferry/internal/testing/testenv"
)

// count returns how many deliveries have status s.
func count(ds []*ent.Delivery, s delivery.Status) int {
	n := 0
	for _, d := range ds {
		if d.Status == s {
			n++
		}
	}
	return n
}

// waitRequests waits until rcv has had n requests for eventID.
func waitRequests(t *testing.T, rcv *apptest.Receiver, eventID string, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for len(rcv.EventRequests(eventID)) < n {
		if time.Now().After(deadline) {
			t.Fatalf("receiver got %d requests for %s within %s, want %d", len(rcv.EventRequests(eventID)), eventID, timeout, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// firstEventRequestWaits makes the receiver hold its first event request
// (after the verification and the ping already received) for d.
func firstEventRequestWaits(rcv *apptest.Receiver, d time.Duration) {
	first := len(rcv.Requests()) + 1
	rcv.Delay = func(n int) time.Duration {
		if n == first {
			return d
		}
		return 0
	}
}

func TestMaxParallelHoldsAcrossWorkersAndSlowEndpointsStarveNoOne(t *testing.T) {
	t.Parallel()
	e, acc := setup(t, "REPLY_ANSWERED")
	slow, fast := apptest.NewReceiver(t, 200), apptest.NewReceiver(t, 200)
	slowEP := e.ActiveEndpoint(acc.Token, slow.URL, []string{typ}, map[string]any{"maxParallel": 2})
	e.ActiveEndpoint(acc.Token, fast.URL, []string{"REPLY_ANSWERED"}, nil)
	slow.Delay = func(int) time.Duration { return 400 * time.Millisecond }
	for i := range 12 {
		e.Publish(acc.Token, typ, map[string]any{"i": i}, nil)
	}
	for i := range 10 {
		e.Publish(acc.Token, "REPLY_ANSWERED", map[string]any{"i": i}, nil)
	}
	// Two asynq servers, each able to run 20 attempts at once.
	e.StartWorker()
	e.StartWorker()

	slowLeft := -1 // slow deliveries still waiting when the fast ones were all done
	e.WaitFor(20*time.Second, func(ds []*ent.Delivery) bool {
		done := map[string]int{}
		for _, d := range ds {
			if d.Status == delivery.StatusSUCCEEDED {
				done[d.URL]++
			}
		}
		if done[fast.URL] < 10 {
			return false
		}
		slowLeft = 12 - done[slow.URL]
		return true
	})
	ds := e.WaitFor(20*time.Second, apptest.AllEnded(22))
	if n := count(ds, delivery.StatusSUCCEEDED); n != 22 {
		t.Fatalf("%d of 22 deliveries SUCCEEDED", n)
	}
	if p := slow.Peak(); p != 2 {
		t.Errorf("slow receiver peaked at %d requests in flight, want exactly maxParallel = 2", p)
	}
	if slowLeft <= 0 {
		t.Errorf("the fast configuration finished only after the slow one: it was held up behind it")
	}
	if n, err := e.App.Limiter.InFlight(context.Background(), slowEP.ID); err != nil || n != 0 {
		t.Errorf("slots still held after the deliveries ended: %d (%v)", n, err)
	}
}

func TestRedisFlushAllInTheMiddleOf200DeliveriesLosesNothing(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, map[string]string{"REDIS_URL": testenv.Redis(t)})
	e.CreateEventType(typ)
	acc := e.CreateAccount("tenant")
	rcv := apptest.NewReceiver(t, 200)
	e.ActiveEndpoint(acc.Token, rcv.URL, []string{typ}, map[string]any{"maxParallel": 5})
	rcv.Delay = func(int) time.Duration { return 20 * time.Millisecond }
	ids := map[string]bool{}
	for i := range 200 {
		ids[e.Publish(acc.Token, typ, map[string]any{"i": i}, nil)] = true
	}
	e.StartWorker()

	e.WaitFor(20*time.Second, func(ds []*ent.Delivery) bool { return count(ds, delivery.StatusSUCCEEDED) >= 30 })
	opts, _ := redis.ParseURL(e.Vars["REDIS_URL"])
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	if err := rdb.FlushAll(context.Background()).Err(); err != nil {
		t.Fatalf("FLUSHALL: %v", err)
	}
	doneAtFlush := count(e.Deliveries(), delivery.StatusSUCCEEDED)
	if doneAtFlush >= 200 {
		t.Fatalf("all deliveries had ended before FLUSHALL; the test proves nothing")
	}
	t.Logf("FLUSHALL with %d of 200 deliveries done", doneAtFlush)

	ds := e.WaitFor(60*time.Second, apptest.AllEnded(200))
	if n := count(ds, delivery.StatusSUCCEEDED); n != 200 {
		t.Fatalf("%d of 200 deliveries SUCCEEDED after FLUSHALL", n)
	}
	got := map[string]int{}
	for _, r := range rcv.Requests() {
		if id := r.Header.Get("X-Ferry-Event-Id"); ids[id] {
			got[id]++
		}
	}
	if len(got) != 200 {
		t.Errorf("receiver got %d distinct events, want 200", len(got))
	}
	for _, d := range ds {
		if d.AttemptCount != 1 || len(d.Edges.Attempts) != 1 {
			t.Errorf("delivery %s recorded %d attempts (%d rows), want 1", d.ID, d.AttemptCount, len(d.Edges.Attempts))
		}
	}
	e.CheckNoOrphans(t)
}

func TestHardKilledWorkerMidDeliveryIsRecordedAsInterruptedAndAttemptedAgain(t *testing.T) {
	t.Parallel()
	e, acc := setup(t)
	rcv := apptest.NewReceiver(t, 200)
	e.ActiveEndpoint(acc.Token, rcv.URL, []string{typ}, nil)
	firstEventRequestWaits(rcv, time.Minute)
	proc := startWorkerProcess(t, e, nil)
	evtID := e.Publish(acc.Token, typ, map[string]any{"n": 1}, nil)

	waitRequests(t, rcv, evtID, 1, 20*time.Second)
	if err := proc.Process.Kill(); err != nil {
		t.Fatalf("kill worker: %v", err)
	}
	killed := time.Now()
	e.StartWorker()

	// The killed worker's claim on the attempt, in PostgreSQL, lasts the
	// configuration's timeout (30 s) plus 15 s; then the recovery loop
	// records the attempt as interrupted and queues the next.
	d := e.WaitFor(90*time.Second, apptest.AllEnded(1))[0]
	t.Logf("delivered again %s after the kill", time.Since(killed).Round(time.Second))
	expect(t, d, delivery.StatusSUCCEEDED, 2, rcv, 2)
	if a := d.Edges.Attempts[0]; a.ErrorKind == nil || *a.ErrorKind != "interrupted" {
		t.Errorf("the request cut off by the kill was recorded with error kind %v, want interrupted", a.ErrorKind)
	}
	reqs := rcv.EventRequests(evtID)
	if string(reqs[0].Body) != string(reqs[1].Body) {
		t.Errorf("the request after the kill has another body:\n%s\n%s", reqs[0].Body, reqs[1].Body)
	}
	e.CheckNoOrphans(t)
}

// sigtermMidAttempt runs a worker process with the given shutdown timeout,
// has the receiver hold the first attempt for hold, and sends the worker
// SIGTERM while it waits. It returns once the worker exited cleanly.
func sigtermMidAttempt(t *testing.T, hold time.Duration, shutdownTimeout string) (*apptest.Env, *apptest.Receiver, string) {
	t.Helper()
	e, acc := setup(t)
	rcv := apptest.NewReceiver(t, 200)
	e.ActiveEndpoint(acc.Token, rcv.URL, []string{typ}, nil)
	firstEventRequestWaits(rcv, hold)
	proc := startWorkerProcess(t, e, map[string]string{"FERRY_SHUTDOWN_TIMEOUT": shutdownTimeout})
	evtID := e.Publish(acc.Token, typ, map[string]any{"n": 1}, nil)

	waitRequests(t, rcv, evtID, 1, 20*time.Second)
	if err := proc.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	if err := waitExit(t, proc, 15*time.Second); err != nil {
		t.Fatalf("worker exited with %v after SIGTERM, want a clean exit", err)
	}
	return e, rcv, evtID
}

// expect fails the test unless d ended in status with attempts recorded
// (counted and stored) and rcv got requests for its event.
func expect(t *testing.T, d *ent.Delivery, status delivery.Status, attempts int, rcv *apptest.Receiver, requests int) {
	t.Helper()
	if d.Status != status || d.AttemptCount != attempts || len(d.Edges.Attempts) != attempts {
		t.Fatalf("delivery is %s with %d attempts (%d rows), want %s with %d", d.Status, d.AttemptCount, len(d.Edges.Attempts), status, attempts)
	}
	if n := len(rcv.EventRequests(string(d.EventID))); n != requests {
		t.Errorf("receiver got %d requests, want %d", n, requests)
	}
}

func TestSIGTERMLetsTheInFlightAttemptFinish(t *testing.T) {
	t.Parallel()
	e, rcv, _ := sigtermMidAttempt(t, 1500*time.Millisecond, "10s")
	expect(t, e.Deliveries()[0], delivery.StatusSUCCEEDED, 1, rcv, 1)
}

func TestSIGTERMRecordsAnAttemptThatCannotFinishAsInterrupted(t *testing.T) {
	t.Parallel()
	e, rcv, _ := sigtermMidAttempt(t, 25*time.Second, "2s")
	// Cut off and on the record: the receiver may have it.
	d := e.Deliveries()[0]
	expect(t, d, delivery.StatusRETRYING, 1, rcv, 1)
	if a := d.Edges.Attempts[0]; a.ErrorKind == nil || *a.ErrorKind != "interrupted" || a.ResponseStatus != nil {
		t.Errorf("the cut-off attempt was recorded with error kind %v, response %v; want interrupted, none", a.ErrorKind, a.ResponseStatus)
	}

	e.StartWorker()
	// The cut-off request and the one that succeeded, both recorded.
	expect(t, e.WaitFor(15*time.Second, apptest.AllEnded(1))[0], delivery.StatusSUCCEEDED, 2, rcv, 2)
	e.CheckNoOrphans(t)
}

func TestSIGTERMStartsNoNewRequest(t *testing.T) {
	t.Parallel()
	e, acc := setup(t)
	rcv := apptest.NewReceiver(t, 200)
	e.ActiveEndpoint(acc.Token, rcv.URL, []string{typ}, map[string]any{"maxParallel": 1})
	firstEventRequestWaits(rcv, 1500*time.Millisecond)
	proc := startWorkerProcess(t, e, map[string]string{"FERRY_SHUTDOWN_TIMEOUT": "10s"})
	first := e.Publish(acc.Token, typ, map[string]any{"n": 0}, nil)
	waitRequests(t, rcv, first, 1, 20*time.Second)
	// These wait for the configuration's one slot, held by the first.
	var later []string
	for n := 1; n <= 3; n++ {
		later = append(later, e.Publish(acc.Token, typ, map[string]any{"n": n}, nil))
	}
	time.Sleep(300 * time.Millisecond)
	if err := proc.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	if err := waitExit(t, proc, 15*time.Second); err != nil {
		t.Fatalf("worker exited with %v after SIGTERM, want a clean exit", err)
	}
	for _, id := range later {
		if n := len(rcv.EventRequests(id)); n != 0 {
			t.Errorf("the worker sent event %s %d times after SIGTERM, want none", id, n)
		}
	}
	for _, d := range e.Deliveries() {
		if string(d.EventID) == first {
			expect(t, d, delivery.StatusSUCCEEDED, 1, rcv, 1)
		} else if d.Status != delivery.StatusPENDING || d.AttemptCount != 0 {
			t.Errorf("delivery of %s is %s with %d attempts after the shutdown, want PENDING with none", d.EventID, d.Status, d.AttemptCount)
		}
	}

	e.StartWorker()
	for _, d := range e.WaitFor(20*time.Second, apptest.AllEnded(4)) {
		expect(t, d, delivery.StatusSUCCEEDED, 1, rcv, 1)
	}
	e.CheckNoOrphans(t)
}

func TestFailedEnqueueAfterCommitIsRecovered(t *testing.T) {
	t.Parallel()
	e, acc := setup(t)
	rcv := apptest.NewReceiver(t, 200)
	e.ActiveEndpoint(acc.Token, rcv.URL, []string{typ}, nil)
	// A second API on the same database whose Redis is unreachable: its
	// publishes commit, and every enqueue fails.
	vars := maps.Clone(e.Vars)
	vars["REDIS_URL"] = "redis://127.0.0.1:1/0"
	broken := apptest.NewWith(t, vars)
	broken.Publish(acc.Token, typ, map[string]any{"n": 1}, nil)
	if ds := e.Deliveries(); len(ds) != 1 || ds[0].Status != delivery.StatusPENDING {
		t.Fatalf("after publishing with Redis down: %d deliveries, want 1 PENDING", len(ds))
	}

	e.StartWorker()
	expect(t, e.WaitFor(15*time.Second, apptest.AllEnded(1))[0], delivery.StatusSUCCEEDED, 1, rcv, 1)
}

func TestIdempotencyKeyPublishesAndDeliversOnce(t *testing.T) {
	t.Parallel()
	e, acc := setup(t)
	other := e.CreateAccount("other")
	rcv := apptest.NewReceiver(t, 200)
	e.ActiveEndpoint(acc.Token, rcv.URL, []string{typ}, nil)
	e.StartWorker()
	key := map[string]any{"idempotencyKey": "order-42"}
	first := e.Publish(acc.Token, typ, map[string]any{"n": 1}, key)
	// Concurrent publishes of the same key race on the unique index.
	ids := make([]string, 8)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			res := e.Do(acc.Token, `mutation($in: PublishEventInput!) { publishEvent(input: $in) { id } }`,
				map[string]any{"in": map[string]any{"type": typ, "data": map[string]any{"n": 2}, "idempotencyKey": "order-42"}})
			ids[i] = fmt.Sprintf("%s %v", res.Data, res.Errors)
		})
	}
	wg.Wait()
	for _, got := range ids {
		if !strings.Contains(got, first) {
			t.Errorf("publishing the key again returned %s, want event %s", got, first)
		}
	}
	if theirs := e.Publish(other.Token, typ, map[string]any{"n": 1}, key); theirs == first {
		t.Errorf("another account's key returned this account's event")
	}

	ds := e.WaitFor(10*time.Second, apptest.AllEnded(1))
	time.Sleep(500 * time.Millisecond) // a duplicate would have arrived by now
	if n := len(rcv.EventRequests(first)); n != 1 || ds[0].AttemptCount != 1 {
		t.Errorf("receiver got the event %d times (%d attempts), want once", n, ds[0].AttemptCount)
	}
}

func TestEventsWhileInactiveNeverReachTheConfiguration(t *testing.T) {
	t.Parallel()
	e, acc := setup(t)
	rcv := apptest.NewReceiver(t, 200)
	ep := e.ActiveEndpoint(acc.Token, rcv.URL, []string{typ}, nil)
	e.StartWorker()
	e.MustDo(acc.Token, `mutation($id: ID!) { deactivateConfiguration(id: $id) { status } }`, map[string]any{"id": ep.ID}, nil)
	missed := e.Publish(acc.Token, typ, map[string]any{"while": "inactive"}, nil)
	e.MustDo(acc.Token, `mutation($id: ID!) { activateConfiguration(id: $id) { configuration { status } } }`, map[string]any{"id": ep.ID}, nil)
	seen := e.Publish(acc.Token, typ, map[string]any{"while": "active"}, nil)

	ds := e.WaitFor(10*time.Second, apptest.AllEnded(1))
	time.Sleep(500 * time.Millisecond)
	if string(ds[0].EventID) != seen || ds[0].Status != delivery.StatusSUCCEEDED {
		t.Errorf("the only delivery is of %s (%s), want %s SUCCEEDED", ds[0].EventID, ds[0].Status, seen)
	}
	if n := len(rcv.EventRequests(missed)); n != 0 {
		t.Errorf("the event published while INACTIVE reached the receiver %d times", n)
	}
}

func TestDeactivatingOrDeletingCancelsWaitingDeliveries(t *testing.T) {
	t.Parallel()
	e, acc := setup(t)
	deactivated, deleted := apptest.NewReceiver(t, 200), apptest.NewReceiver(t, 200)
	epA := e.ActiveEndpoint(acc.Token, deactivated.URL, []string{typ}, map[string]any{"retrySchedule": []int{60}})
	epB := e.ActiveEndpoint(acc.Token, deleted.URL, []string{typ}, map[string]any{"retrySchedule": []int{60}})
	deactivated.Status = func(int) int { return 500 }
	deleted.Status = func(int) int { return 500 }
	e.StartWorker()
	e.Publish(acc.Token, typ, map[string]any{"n": 1}, nil)
	e.WaitFor(10*time.Second, func(ds []*ent.Delivery) bool { return len(ds) == 2 && count(ds, delivery.StatusRETRYING) == 2 })

	e.MustDo(acc.Token, `mutation($id: ID!) { deactivateConfiguration(id: $id) { status } }`, map[string]any{"id": epA.ID}, nil)
	e.MustDo(acc.Token, `mutation($id: ID!) { deleteConfiguration(id: $id) }`, map[string]any{"id": epB.ID}, nil)
	for _, d := range e.Deliveries() {
		if d.Status != delivery.StatusCANCELLED || d.NextAttemptAt != nil || d.AttemptCount != 1 {
			t.Errorf("delivery to %s is %s (next %v, %d attempts), want CANCELLED after its one attempt", d.URL, d.Status, d.NextAttemptAt, d.AttemptCount)
		}
	}
	e.CheckNoOrphans(t)
}

func TestGoneDeactivatesTheConfiguration(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, map[string]string{"FERRY_ALLOW_INSECURE_URLS": "true", "FERRY_LOG_LEVEL": "warn"})
	e.CreateEventType(typ)
	acc := e.CreateAccount("tenant")
	rcv := apptest.NewReceiver(t, 200)
	ep := e.ActiveEndpoint(acc.Token, rcv.URL, []string{typ}, map[string]any{"retrySchedule": []int{1, 1}})
	rcv.Status = func(int) int { return 410 }
	e.StartWorker()
	e.Publish(acc.Token, typ, map[string]any{"n": 1}, nil)

	d := e.WaitFor(10*time.Second, apptest.AllEnded(1))[0]
	if d.Status != delivery.StatusFAILED || d.AttemptCount != 1 {
		t.Errorf("delivery %s after %d attempts, want FAILED after the one 410", d.Status, d.AttemptCount)
	}
	var out struct {
		Node struct{ Status, DisabledReason string }
	}
	// The configuration is switched off right after the attempt is
	// recorded, so it may lag the delivery's status by a moment.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		e.MustDo(acc.Token, `query($id: ID!) { node(id: $id) { ... on Configuration { status disabledReason } } }`, map[string]any{"id": ep.ID}, &out)
		if out.Node.Status == "INACTIVE" {
			break
		}
	}
	if out.Node.Status != "INACTIVE" || !strings.Contains(out.Node.DisabledReason, "410") {
		t.Errorf("configuration after a 410: %+v, want INACTIVE with a reason naming the 410", out.Node)
	}
	// The warning names the attempt it is about.
	var warned bool
	for _, line := range strings.Split(e.Logs.String(), "\n") {
		if strings.Contains(line, "410 Gone: configuration deactivated") {
			warned = strings.Contains(line, string(d.ID)) && strings.Contains(line, ep.ID) && strings.Contains(line, `"attempt":1`)
		}
	}
	if !warned {
		t.Errorf("no 410 warning naming delivery %s, configuration %s and attempt 1 in:\n%s", d.ID, ep.ID, e.Logs.String())
	}
	e.Publish(acc.Token, typ, map[string]any{"n": 2}, nil)
	if n := len(e.Deliveries()); n != 1 {
		t.Errorf("%d deliveries after publishing to the deactivated configuration, want still 1", n)
	}
}

// An answer that cannot be recorded at once, the database failing, is
// recorded when it comes back, not sent again unseen.
func TestAnAnswerWaitsOutAShortDatabaseFailureInsteadOfBeingSentAgain(t *testing.T) {
	t.Parallel()
	e, acc := setup(t)
	rcv := apptest.NewReceiver(t, 200)
	e.ActiveEndpoint(acc.Token, rcv.URL, []string{typ}, nil)
	firstEventRequestWaits(rcv, time.Second)
	e.StartWorker()
	evtID := e.Publish(acc.Token, typ, map[string]any{"n": 1}, nil)
	waitRequests(t, rcv, evtID, 1, 20*time.Second)
	// Saving the attempt fails while the table is away.
	if _, err := e.App.DB.ExecContext(t.Context(), `ALTER TABLE delivery_attempts RENAME TO delivery_attempts_away`); err != nil {
		t.Fatalf("move the attempts away: %v", err)
	}
	time.Sleep(2500 * time.Millisecond) // the answer came at 1 s; its save failed
	if _, err := e.App.DB.ExecContext(t.Context(), `ALTER TABLE delivery_attempts_away RENAME TO delivery_attempts`); err != nil {
		t.Fatalf("bring the attempts back: %v", err)
	}
	d := e.WaitFor(20*time.Second, apptest.AllEnded(1))[0]
	time.Sleep(500 * time.Millisecond) // a second request would have come by now
	expect(t, d, delivery.StatusSUCCEEDED, 1, rcv, 1)
	e.CheckNoOrphans(t)
}

// A worker that starts looks for lost work at once, not one recovery
// interval later: what came due while every worker was down (and Redis lost
// its tasks, as dev mode's in-process Redis does at each stop) goes out now.
func TestAStartingWorkerRecoversLostWorkAtOnce(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, map[string]string{"FERRY_RECOVERY_INTERVAL": "1h", "FERRY_RECOVERY_GRACE": "1s"})
	e.CreateEventType(typ)
	acc := e.CreateAccount("tenant")
	rcv := apptest.NewReceiver(t, 200)
	e.ActiveEndpoint(acc.Token, rcv.URL, []string{typ}, nil)
	evtID := e.Publish(acc.Token, typ, map[string]any{"n": 1}, nil)
	if err := e.App.Redis.FlushAll(t.Context()).Err(); err != nil { // the test's own server
		t.Fatalf("FLUSHALL: %v", err)
	}
	time.Sleep(1100 * time.Millisecond) // overdue by more than the grace
	e.StartWorker()
	waitRequests(t, rcv, evtID, 1, 15*time.Second)
	expect(t, e.WaitFor(10*time.Second, apptest.AllEnded(1))[0], delivery.StatusSUCCEEDED, 1, rcv, 1)
}

// Requests out when Redis is wiped are their worker's: PostgreSQL knows
// they are out, so recovery does not queue them again and no receiver gets
// one twice.
func TestRedisWipedWhileRequestsAreOutSendsNothingTwice(t *testing.T) {
	t.Parallel()
	e, acc := setup(t)
	rcv := apptest.NewReceiver(t, 200)
	e.ActiveEndpoint(acc.Token, rcv.URL, []string{typ}, map[string]any{"maxParallel": 5})
	seen := len(rcv.Requests())
	rcv.Delay = func(n int) time.Duration {
		if n > seen {
			return 2500 * time.Millisecond
		}
		return 0
	}
	var ids []string
	for i := range 10 {
		ids = append(ids, e.Publish(acc.Token, typ, map[string]any{"i": i}, nil))
	}
	e.StartWorker()
	deadline := time.Now().Add(10 * time.Second)
	for len(rcv.Requests())-seen < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("%d requests out, want 5", len(rcv.Requests())-seen)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := e.App.Redis.FlushAll(t.Context()).Err(); err != nil { // the test's own server
		t.Fatalf("FLUSHALL: %v", err)
	}
	// Recovery runs every 200 ms and takes what is overdue by 1 s: the
	// requests still out are overdue by then.
	for _, d := range e.WaitFor(30*time.Second, apptest.AllEnded(10)) {
		if d.Status != delivery.StatusSUCCEEDED || d.AttemptCount != 1 {
			t.Errorf("delivery %s is %s after %d attempts, want SUCCEEDED after 1", d.ID, d.Status, d.AttemptCount)
		}
	}
	time.Sleep(500 * time.Millisecond)
	for _, id := range ids {
		if n := len(rcv.EventRequests(id)); n != 1 {
			t.Errorf("the receiver got event %s %d times, want once", id, n)
		}
	}
	e.CheckNoOrphans(t)
}
