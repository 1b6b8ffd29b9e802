package maintenance_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"
	"github.com/redis/go-redis/v9"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/deliveryattempt"
	"github.com/ferryhq/ferry/ent/event"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/sqlstore"
	"github.com/ferryhq/ferry/internal/domain/maintenance"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

const day = 24 * time.Hour

// history builds delivery history at chosen ages in a fresh database.
type history struct {
	t       *testing.T
	env     *apptest.Env
	ctx     context.Context
	client  *ent.Client
	account pulid.ID
	now     time.Time // the sweepers' clock
	created map[pulid.ID]time.Time
}

func newHistory(t *testing.T) *history {
	t.Helper()
	return historyIn(t, apptest.New(t, true))
}

// historyIn is newHistory in e's database.
func historyIn(t *testing.T, e *apptest.Env) *history {
	t.Helper()
	return &history{
		t:       t,
		env:     e,
		ctx:     viewer.System(context.Background()),
		client:  e.App.Client,
		account: pulid.ID(e.CreateAccount("acme").ID),
		// Whole milliseconds, so ids, Go and PostgreSQL agree on every instant.
		now:     time.Now().Truncate(time.Millisecond),
		created: map[pulid.ID]time.Time{},
	}
}

// sweeper returns a Sweeper keeping 30 days on h's database and clock.
func (h *history) sweeper() *maintenance.Retention {
	s := maintenance.NewRetention(h.client, sqlstore.New(h.env.App.Dialect), slog.New(slog.DiscardHandler), 30)
	s.SetClock(func() time.Time { return h.now })
	return s
}

// event creates an event age old, with an id minted at that time as Ferry
// mints ids, so the id and created_at agree.
func (h *history) event(age time.Duration) pulid.ID {
	h.t.Helper()
	at := h.now.Add(-age)
	id := pulid.ID("evt_" + ulid.MustNew(ulid.Timestamp(at), rand.Reader).String())
	_, err := h.client.Event.Create().
		SetID(id).SetAccountID(h.account).SetType("order.created").
		SetData(json.RawMessage(`{"order":1}`)).SetOccurredAt(at).
		SetCreatedAt(at).SetUpdatedAt(at).
		Save(h.ctx)
	if err != nil {
		h.t.Fatalf("create event %s old: %v", age, err)
	}
	h.created[id] = at
	return id
}

// delivery creates a delivery of evt, created with it, in status, last
// updated updatedAge ago.
func (h *history) delivery(evt pulid.ID, status delivery.Status, updatedAge time.Duration) pulid.ID {
	h.t.Helper()
	d, err := h.client.Delivery.Create().
		SetEventID(evt).SetAccountID(h.account).SetEventType("order.created").
		SetURL("https://receiver.example/hook").SetStatus(status).
		SetCreatedAt(h.created[evt]).SetUpdatedAt(h.now.Add(-updatedAge)).
		Save(h.ctx)
	if err != nil {
		h.t.Fatalf("create %s delivery of %s: %v", status, evt, err)
	}
	return d.ID
}

// attempt records an attempt of dlv started age ago.
func (h *history) attempt(dlv pulid.ID, age time.Duration) pulid.ID {
	h.t.Helper()
	n, err := h.client.DeliveryAttempt.Query().Where(deliveryattempt.DeliveryID(dlv)).Count(h.ctx)
	if err != nil {
		h.t.Fatalf("count attempts of %s: %v", dlv, err)
	}
	a, err := h.client.DeliveryAttempt.Create().
		SetAccountID(h.account).SetDeliveryID(dlv).SetNumber(n + 1).
		SetTrigger(deliveryattempt.TriggerAUTOMATIC).SetRequestURL("https://receiver.example/hook").
		SetRequestHeaders(map[string]string{}).SetRequestBody(`{"order":1}`).
		SetResponseStatus(200).SetDurationMs(12).SetStartedAt(h.now.Add(-age)).
		Save(h.ctx)
	if err != nil {
		h.t.Fatalf("create attempt of %s: %v", dlv, err)
	}
	return a.ID
}

// exists reports whether the event, delivery or attempt id is still stored.
func (h *history) exists(id pulid.ID) bool {
	h.t.Helper()
	var (
		ok  bool
		err error
	)
	switch id.Prefix() {
	case "evt":
		ok, err = h.client.Event.Query().Where(event.ID(id)).Exist(h.ctx)
	case "dlv":
		ok, err = h.client.Delivery.Query().Where(delivery.ID(id)).Exist(h.ctx)
	case "att":
		ok, err = h.client.DeliveryAttempt.Query().Where(deliveryattempt.ID(id)).Exist(h.ctx)
	default:
		h.t.Fatalf("exists: unexpected id %q", id)
	}
	if err != nil {
		h.t.Fatalf("look up %s: %v", id, err)
	}
	return ok
}

func (h *history) wantKept(why string, ids ...pulid.ID) {
	h.t.Helper()
	for _, id := range ids {
		if !h.exists(id) {
			h.t.Errorf("%s: %s was deleted, want it kept", why, id)
		}
	}
}

func (h *history) wantGone(why string, ids ...pulid.ID) {
	h.t.Helper()
	for _, id := range ids {
		if h.exists(id) {
			h.t.Errorf("%s: %s is still stored, want it deleted", why, id)
		}
	}
}

// sweep runs s once and fails the test on error.
func (h *history) sweep(s *maintenance.Retention) int {
	h.t.Helper()
	n, err := s.RunOnce(context.Background())
	if err != nil {
		h.t.Fatalf("RunOnce: %v", err)
	}
	return n
}

func TestRunOnceDeletesOldEndedHistoryWithItsDeliveriesAndAttempts(t *testing.T) {
	apptest.InBothModes(t, func(t *testing.T, e *apptest.Env) {
		h := historyIn(t, e)
		var gone []pulid.ID
		for _, tc := range []struct {
			age    time.Duration
			status delivery.Status
		}{
			{31 * day, delivery.StatusSUCCEEDED},
			{45 * day, delivery.StatusFAILED},
			{400 * day, delivery.StatusCANCELLED},
		} {
			evt := h.event(tc.age)
			dlv := h.delivery(evt, tc.status, tc.age)
			gone = append(gone, evt, dlv, h.attempt(dlv, tc.age), h.attempt(dlv, tc.age-time.Hour))
		}
		bare := h.event(60 * day) // an event that matched no configuration
		gone = append(gone, bare)

		if n, want := h.sweep(h.sweeper()), 4; n != want {
			t.Errorf("RunOnce deleted %d events, want %d", n, want)
		}
		h.wantGone("ended history older than 30 days", gone...)
	})
}

func TestRunOnceKeepsWhatTheRuleProtects(t *testing.T) {
	apptest.InBothModes(t, func(t *testing.T, e *apptest.Env) {
		h := historyIn(t, e)
		cases := []struct {
			desc  string
			build func() []pulid.ID
		}{
			{"an event 29 days old", func() []pulid.ID {
				evt := h.event(29 * day)
				dlv := h.delivery(evt, delivery.StatusSUCCEEDED, 29*day)
				return []pulid.ID{evt, dlv, h.attempt(dlv, 29*day)}
			}},
			{"an event created exactly at the cutoff", func() []pulid.ID {
				return []pulid.ID{h.event(30 * day)}
			}},
			{"an event created just now", func() []pulid.ID {
				return []pulid.ID{h.event(0)}
			}},
			{"an old event with a PENDING delivery", func() []pulid.ID {
				evt := h.event(90 * day)
				return []pulid.ID{evt, h.delivery(evt, delivery.StatusPENDING, 90*day)}
			}},
			{"an old event with a RETRYING delivery", func() []pulid.ID {
				evt := h.event(90 * day)
				dlv := h.delivery(evt, delivery.StatusRETRYING, 89*day)
				return []pulid.ID{evt, dlv, h.attempt(dlv, 89*day)}
			}},
			{"an old event with one ended and one RETRYING delivery", func() []pulid.ID {
				evt := h.event(90 * day)
				done := h.delivery(evt, delivery.StatusSUCCEEDED, 90*day)
				return []pulid.ID{evt, done, h.attempt(done, 90*day), h.delivery(evt, delivery.StatusRETRYING, 80*day)}
			}},
			{"an old event whose delivery was resent yesterday", func() []pulid.ID {
				evt := h.event(90 * day)
				dlv := h.delivery(evt, delivery.StatusSUCCEEDED, day)
				return []pulid.ID{evt, dlv, h.attempt(dlv, 90*day), h.attempt(dlv, day)}
			}},
			{"an old event whose delivery was updated exactly at the cutoff", func() []pulid.ID {
				evt := h.event(90 * day)
				return []pulid.ID{evt, h.delivery(evt, delivery.StatusFAILED, 30*day)}
			}},
		}
		kept := make([][]pulid.ID, len(cases))
		for i, tc := range cases {
			kept[i] = tc.build()
		}
		// A control the sweep must delete, so keeping everything cannot pass.
		control := h.event(90 * day)
		h.delivery(control, delivery.StatusSUCCEEDED, 90*day)

		if n, want := h.sweep(h.sweeper()), 1; n != want {
			t.Errorf("RunOnce deleted %d events, want %d (only the control)", n, want)
		}
		h.wantGone("control: an old event whose deliveries all ended long ago", control)
		for i, tc := range cases {
			h.wantKept(tc.desc, kept[i]...)
		}
	})
}

func TestRunOnceKeepsAnEventWhoseDeliveryIsSavedDuringTheSweep(t *testing.T) {
	t.Parallel()
	h := newHistory(t)
	evt := h.event(90 * day)
	dlv := h.delivery(evt, delivery.StatusFAILED, 90*day)
	old := h.attempt(dlv, 90*day)

	// A resend being saved: its transaction has moved the delivery but not
	// committed when the sweep starts.
	ctx := context.Background()
	save, err := h.env.App.DB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatalf("begin: %v", err)
	}
	defer func() { _ = save.Rollback() }()
	if _, err := save.ExecContext(ctx, `UPDATE deliveries SET status = 'SUCCEEDED', updated_at = $1 WHERE id = $2`, h.now, dlv); err != nil {
		t.Fatalf("move delivery: %v", err)
	}

	type result struct {
		n   int
		err error
	}
	done := make(chan result, 1)
	go func() {
		n, err := h.sweeper().RunOnce(ctx)
		done <- result{n, err}
	}()
	h.waitForLockWait()
	if err := save.Commit(); err != nil {
		t.Fatalf("commit the resend: %v", err)
	}

	var r result
	select {
	case r = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("RunOnce did not finish within 30s of the resend committing")
	}
	if r.err != nil || r.n != 0 {
		t.Errorf("RunOnce = %d, %v; want 0, nil: the resend made the delivery recent", r.n, r.err)
	}
	h.wantKept("a delivery resent while the sweep ran", evt, dlv, old)
}

// waitForLockWait returns once a session of h's database waits for a lock,
// i.e. the sweep has reached the row the test holds.
func (h *history) waitForLockWait() {
	h.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var waiting int
		err := h.env.App.DB.QueryRow(`SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&waiting)
		if err != nil {
			h.t.Fatalf("read pg_stat_activity: %v", err)
		}
		if waiting > 0 {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatal("the sweep never waited for the delivery locked by the resend")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRunOnceDeletesInBatchesPastKeptEvents(t *testing.T) {
	apptest.InBothModes(t, func(t *testing.T, e *apptest.Env) {
		h := historyIn(t, e)
		var gone []pulid.ID
		for i := range 5 {
			gone = append(gone, h.event(time.Duration(60-i)*day))
		}
		// Between the deletable events, in id order: each batch must step past it.
		waiting := h.event(57*day + time.Hour)
		h.delivery(waiting, delivery.StatusRETRYING, 50*day)

		s := h.sweeper()
		s.Batch = 2
		if n, want := h.sweep(s), 5; n != want {
			t.Errorf("RunOnce with Batch 2 deleted %d events, want %d: it must go on while batches come back full", n, want)
		}
		h.wantGone("old ended events beyond the first batch", gone...)
		h.wantKept("an old event with a RETRYING delivery", waiting)
	})
}

func TestRunOnceWithoutPositiveDaysDeletesNothing(t *testing.T) {
	t.Parallel()
	h := newHistory(t)
	evt := h.event(3650 * day)
	for _, days := range []int{0, -1} {
		s := h.sweeper()
		s.Days = days
		if n := h.sweep(s); n != 0 {
			t.Errorf("RunOnce with Days %d deleted %d events, want 0", days, n)
		}
	}
	h.wantKept("retention disabled", evt)
}

func TestRunOnceStopsWhenTheContextIsDone(t *testing.T) {
	t.Parallel()
	h := newHistory(t)
	evt := h.event(60 * day)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	n, err := h.sweeper().RunOnce(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("RunOnce on a cancelled context = %d, %v; want context.Canceled", n, err)
	}
	h.wantKept("sweep cancelled before it began", evt)
}

func TestRunOnceElectsOneSweeperPerInterval(t *testing.T) {
	t.Parallel()
	h := newHistory(t)
	opts, err := redis.ParseURL(h.env.Vars["REDIS_URL"]) // the test's own Redis DB
	if err != nil {
		t.Fatalf("parse REDIS_URL: %v", err)
	}
	newSweeper := func() *maintenance.Retention {
		rdb := redis.NewClient(opts)
		t.Cleanup(func() { _ = rdb.Close() })
		s := h.sweeper()
		s.Redis, s.Interval = rdb, time.Hour
		return s
	}
	first, second := newSweeper(), newSweeper()

	early := h.event(60 * day)
	if n := h.sweep(first); n != 1 {
		t.Fatalf("first sweeper deleted %d events, want 1", n)
	}
	h.wantGone("the elected sweeper ran", early)

	late := h.event(60 * day)
	if n := h.sweep(second); n != 0 {
		t.Errorf("second sweeper in the same interval deleted %d events, want 0", n)
	}
	h.wantKept("another process already swept this interval", late)

	ttl, err := first.Redis.PTTL(context.Background(), "ferry:retention:lock").Result()
	if err != nil {
		t.Fatalf("PTTL: %v", err)
	}
	if ttl <= 0 || ttl > 54*time.Minute {
		t.Errorf("lock expires in %v, want within 9/10 of the 1h interval so the next pass can run", ttl)
	}
}

func TestRunSweepsAtStartLogsAndStopsWithItsContext(t *testing.T) {
	t.Parallel()
	h := newHistory(t)
	evt := h.event(60 * day)
	logs := make(chan slog.Record, 8)
	s := h.sweeper()
	s.Logger = slog.New(recorder(logs))
	s.Interval = time.Hour // only the pass at start can run in this test

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx) }()

	var r slog.Record
	select {
	case r = <-logs:
	case <-time.After(30 * time.Second):
		t.Fatal("Run logged nothing within 30s; want a pass at start")
	}
	attrs := map[string]slog.Value{}
	r.Attrs(func(a slog.Attr) bool { attrs[a.Key] = a.Value; return true })
	if r.Message != "retention pass" || attrs["events_deleted"].String() != "1" {
		t.Errorf("logged %q %v, want \"retention pass\" with events_deleted=1", r.Message, attrs)
	}
	if got, want := attrs["cutoff"].Time(), h.now.Add(-30*day); !got.Equal(want) {
		t.Errorf("logged cutoff %v, want %v (30 days before now)", got, want)
	}
	h.wantGone("Run's pass at start", evt)

	cancel()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return within 30s of its context being cancelled")
	}
}

// recorder is a slog.Handler that sends every record to a channel.
type recorder chan<- slog.Record

func (r recorder) Enabled(context.Context, slog.Level) bool { return true }

func (r recorder) Handle(_ context.Context, rec slog.Record) error {
	r <- rec.Clone()
	return nil
}

func (r recorder) WithAttrs([]slog.Attr) slog.Handler { return r }

func (r recorder) WithGroup(string) slog.Handler { return r }
