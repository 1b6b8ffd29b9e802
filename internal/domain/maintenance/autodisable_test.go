package maintenance_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/configuration"
	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/event"
	"github.com/ferryhq/ferry/ent/eventtype"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/domain/maintenance"
	"github.com/ferryhq/ferry/internal/domain/notices"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

const (
	after       = 72 * time.Hour
	minFailures = 20
	typ         = "QUESTION_ANSWERED"
)

// fixture is a Ferry database with one account, seeded row by row through
// ent, and a clock that stands still at now.
type fixture struct {
	t   *testing.T
	e   *apptest.Env
	acc pulid.ID
	key pulid.ID
	now time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	e := apptest.New(t, true)
	acc := e.CreateAccount("tenant")
	key, _ := e.CreateSigningKey(acc.Token, "key")
	return &fixture{t: t, e: e, acc: pulid.ID(acc.ID), key: pulid.ID(key),
		now: time.Now().UTC().Truncate(time.Millisecond)}
}

// in is f for subtest t, so that its failures are t's.
func (f *fixture) in(t *testing.T) *fixture {
	g := *f
	g.t = t
	return &g
}

func sys() context.Context { return viewer.System(context.Background()) }

// checker is what the worker gets with FERRY_AUTO_DISABLE_AFTER=72h and
// FERRY_AUTO_DISABLE_MIN_FAILURES=20, on the fixture's clock.
func (f *fixture) checker() *maintenance.AutoDisable {
	c := maintenance.NewAutoDisable(f.e.App.Client, f.e.App.Configs, f.e.App.Notices,
		slog.New(slog.NewTextHandler(f.t.Output(), nil)), after, minFailures)
	c.MinInterval = 0
	c.SetClock(func() time.Time { return f.now })
	return c
}

// config stores an ACTIVE configuration of the fixture's account
// subscribed to types (QUESTION_ANSWERED when none).
func (f *fixture) config(name string, types ...string) *ent.Configuration {
	f.t.Helper()
	return f.configOf(f.acc, f.key, name, types...)
}

// configOf stores an ACTIVE configuration of account, signed with key.
func (f *fixture) configOf(account, key pulid.ID, name string, types ...string) *ent.Configuration {
	f.t.Helper()
	if len(types) == 0 {
		types = []string{typ}
	}
	return f.e.App.Client.Configuration.Create().
		SetAccountID(account).SetName(name).SetURL("https://receiver.example/" + name).
		SetSigningKeyID(key).SetEventTypes(types).
		SetStatus(configuration.StatusACTIVE).SetActivatedAt(f.now.Add(-30 * 24 * time.Hour)).
		SaveX(sys())
}

// row is one delivery to seed.
type row = apptest.Seeded

// seed stores rows as deliveries of cfg; waiting ones are due an hour after
// the fixture's now.
func (f *fixture) seed(cfg *ent.Configuration, rows ...row) []*ent.Delivery {
	f.t.Helper()
	return f.e.SeedDeliveries(cfg, typ, f.now.Add(time.Hour), rows...)
}

// ago is the fixture's now minus d.
func (f *fixture) ago(d time.Duration) time.Time { return f.now.Add(-d) }

// announced returns the data of every disabled event about cfg.
func (f *fixture) announced(cfg *ent.Configuration) []map[string]any {
	f.t.Helper()
	evts, err := f.e.App.Client.Event.Query().
		Where(event.Type(notices.ConfigurationDisabled), event.AccountID(cfg.AccountID)).All(sys())
	if err != nil {
		f.t.Fatal(err)
	}
	var out []map[string]any
	for _, evt := range evts {
		var data map[string]any
		if err := json.Unmarshal(evt.Data, &data); err != nil {
			f.t.Fatalf("event data %s: %v", evt.Data, err)
		}
		if data["configurationId"] == string(cfg.ID) {
			out = append(out, data)
		}
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (f *fixture) reload(cfg *ent.Configuration) *ent.Configuration {
	f.t.Helper()
	return f.e.App.Client.Configuration.GetX(sys(), cfg.ID)
}

func TestAutoDisableCheckAppliesTheRule(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if err := f.checker().Notices.EnsureEventTypes(context.Background()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		desc string
		rows func() []row
		want bool
	}{
		{
			desc: "exactly MinFailures failures, the oldest long ago: switched off",
			rows: func() []row { return apptest.FailedBetween(minFailures, f.ago(100*time.Hour), f.ago(time.Hour)) },
			want: true,
		},
		{
			desc: "one failure short of MinFailures: stays on",
			rows: func() []row { return apptest.FailedBetween(minFailures-1, f.ago(100*time.Hour), f.ago(time.Hour)) },
		},
		{
			desc: "the oldest failure exactly After ago: switched off",
			rows: func() []row { return apptest.FailedBetween(minFailures, f.ago(after), f.ago(time.Hour)) },
			want: true,
		},
		{
			desc: "failing for a minute less than After: stays on",
			rows: func() []row { return apptest.FailedBetween(50, f.ago(after-time.Minute), f.ago(time.Hour)) },
		},
		{
			desc: "a success (an old delivery resent) since the failures began: stays on",
			rows: func() []row {
				rows := apptest.FailedBetween(minFailures, f.ago(100*time.Hour), f.ago(80*time.Hour))
				// The last success is the last attempted, not the last created.
				rows = append(rows,
					row{Status: delivery.StatusSUCCEEDED, Created: f.ago(200 * time.Hour), Attempted: f.ago(10 * time.Hour), Code: 200},
					row{Status: delivery.StatusSUCCEEDED, Created: f.ago(150 * time.Hour), Attempted: f.ago(150 * time.Hour), Code: 200})
				return append(rows, apptest.FailedBetween(minFailures, f.ago(9*time.Hour), f.ago(time.Hour))...)
			},
		},
		{
			desc: "failures before the last success do not count: stays on",
			rows: func() []row {
				rows := apptest.FailedBetween(30, f.ago(200*time.Hour), f.ago(190*time.Hour))
				rows = append(rows, row{Status: delivery.StatusSUCCEEDED, Created: f.ago(181 * time.Hour), Attempted: f.ago(180 * time.Hour), Code: 200})
				return append(rows, apptest.FailedBetween(minFailures-1, f.ago(179*time.Hour), f.ago(time.Hour))...)
			},
		},
		{
			desc: "a success before the failures began: switched off",
			rows: func() []row {
				rows := []row{{Status: delivery.StatusSUCCEEDED, Created: f.ago(102 * time.Hour), Attempted: f.ago(101 * time.Hour), Code: 200}}
				return append(rows, apptest.FailedBetween(minFailures, f.ago(100*time.Hour), f.ago(time.Hour))...)
			},
			want: true,
		},
		{
			desc: "waiting and cancelled deliveries neither count nor reset: switched off",
			rows: func() []row {
				rows := apptest.FailedBetween(minFailures, f.ago(100*time.Hour), f.ago(50*time.Hour))
				return append(rows,
					row{Status: delivery.StatusRETRYING, Created: f.ago(2 * time.Hour), Attempted: f.ago(time.Hour), Code: 500},
					row{Status: delivery.StatusPENDING, Created: f.ago(time.Minute)},
					row{Status: delivery.StatusCANCELLED, Created: f.ago(3 * time.Hour)})
			},
			want: true,
		},
	}
	for i, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			f := f.in(t)
			cfg := f.config("case-" + string(rune('a'+i)))
			seeded := f.seed(cfg, tc.rows()...)
			got, err := f.checker().Check(context.Background(), cfg.ID)
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			now := f.reload(cfg)
			if got != tc.want {
				t.Errorf("Check switched off = %v, want %v (status now %s)", got, tc.want, now.Status)
			}
			wantStatus, wantEvents := configuration.StatusACTIVE, 0
			if tc.want {
				wantStatus, wantEvents = configuration.StatusINACTIVE, 1
			}
			if now.Status != wantStatus || (now.DisabledReason != nil) != tc.want {
				t.Errorf("configuration is %s with reason %q, want %s with a reason only when switched off", now.Status, deref(now.DisabledReason), wantStatus)
			}
			if n := len(f.announced(cfg)); n != wantEvents {
				t.Errorf("%d %s events about it, want %d", n, notices.ConfigurationDisabled, wantEvents)
			}
			for _, d := range seeded {
				d2 := f.e.App.Client.Delivery.GetX(sys(), d.ID)
				waiting := d.Status == delivery.StatusPENDING || d.Status == delivery.StatusRETRYING
				if waiting && tc.want && d2.Status != delivery.StatusCANCELLED {
					t.Errorf("waiting delivery %s is %s after the switch-off, want CANCELLED", d.ID, d2.Status)
				}
				if (!waiting || !tc.want) && d2.Status != d.Status {
					t.Errorf("delivery %s went from %s to %s", d.ID, d.Status, d2.Status)
				}
			}
		})
	}
}

func TestAutoDisableAnnouncesTheSwitchOffToTheAccountOnly(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.checker()
	if err := c.Notices.EnsureEventTypes(context.Background()); err != nil {
		t.Fatal(err)
	}
	other := f.e.CreateAccount("other tenant")
	otherKey, _ := f.e.CreateSigningKey(other.Token, "key")
	failing := f.config("failing")
	listener := f.config("listener", notices.ConfigurationDisabled)
	otherListener := f.configOf(pulid.ID(other.ID), pulid.ID(otherKey), "other-listener", notices.ConfigurationDisabled)
	rows := apptest.FailedBetween(24, f.ago(90*time.Hour), f.ago(3*time.Hour))
	rows = append(rows, row{Status: delivery.StatusFAILED, Created: f.ago(2 * time.Hour), Attempted: f.ago(time.Hour),
		Error: "connect: connection refused"})
	f.seed(failing, rows...)

	switched, err := c.Check(context.Background(), failing.ID)
	if err != nil || !switched {
		t.Fatalf("Check = %v, %v; want the configuration switched off", switched, err)
	}
	got := f.reload(failing)
	if got.Status != configuration.StatusINACTIVE || got.DisabledReason == nil {
		t.Fatalf("configuration is %s with reason %q, want INACTIVE with a reason", got.Status, deref(got.DisabledReason))
	}
	reason := *got.DisabledReason
	since := f.ago(90 * time.Hour)
	for _, want := range []string{since.Format(time.RFC3339), "25 failed deliveries", "connect: connection refused"} {
		if !strings.Contains(reason, want) {
			t.Errorf("disabledReason %q does not say %q", reason, want)
		}
	}
	events := f.announced(failing)
	if len(events) != 1 {
		t.Fatalf("%d %s events, want 1", len(events), notices.ConfigurationDisabled)
	}
	data := events[0]
	want := map[string]any{
		"configurationId":  string(failing.ID),
		"name":             "failing",
		"url":              failing.URL,
		"disabledReason":   reason,
		"failingSince":     since.Format("2006-01-02T15:04:05.000Z"),
		"failedDeliveries": float64(25),
		"lastError":        "connect: connection refused",
	}
	for k, v := range want {
		if data[k] != v {
			t.Errorf("data.%s = %#v, want %#v", k, data[k], v)
		}
	}
	if _, ok := data["lastResponseStatus"]; ok {
		t.Errorf("data.lastResponseStatus = %v, want none: the last failure got no response", data["lastResponseStatus"])
	}
	for _, tc := range []struct {
		cfg  *ent.Configuration
		want int
	}{{listener, 1}, {otherListener, 0}} {
		n := f.e.App.Client.Delivery.Query().
			Where(delivery.ConfigurationID(tc.cfg.ID), delivery.EventType(notices.ConfigurationDisabled)).CountX(sys())
		if n != tc.want {
			t.Errorf("configuration %s has %d deliveries of the event, want %d", tc.cfg.Name, n, tc.want)
		}
	}
}

func TestAutoDisableRacingChecksSwitchOffOnceAndAnnounceOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if err := f.checker().Notices.EnsureEventTypes(context.Background()); err != nil {
		t.Fatal(err)
	}
	failing := f.config("failing")
	listener := f.config("listener", notices.ConfigurationDisabled)
	f.seed(failing, apptest.FailedBetween(minFailures, f.ago(100*time.Hour), f.ago(time.Hour))...)

	// One checker per racer, as in separate worker processes.
	const racers = 4
	var (
		wg       sync.WaitGroup
		start    = make(chan struct{})
		switched = make(chan bool, racers)
	)
	for range racers {
		c := f.checker()
		wg.Go(func() {
			<-start
			ok, err := c.Check(context.Background(), failing.ID)
			if err != nil {
				t.Errorf("Check: %v", err)
			}
			switched <- ok
		})
	}
	close(start)
	wg.Wait()
	close(switched)
	n := 0
	for ok := range switched {
		if ok {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d of %d racing checks switched the configuration off, want exactly 1", n, racers)
	}
	if got := f.reload(failing); got.Status != configuration.StatusINACTIVE {
		t.Errorf("configuration is %s, want INACTIVE", got.Status)
	}
	if events := f.announced(failing); len(events) != 1 {
		t.Errorf("%d %s events, want exactly 1", len(events), notices.ConfigurationDisabled)
	}
	ds := f.e.App.Client.Delivery.Query().
		Where(delivery.ConfigurationID(listener.ID), delivery.EventType(notices.ConfigurationDisabled)).CountX(sys())
	if ds != 1 {
		t.Errorf("the listener has %d deliveries of the event, want 1", ds)
	}
}

func TestAutoDisableEnsureEventTypeAddsItOnceUnderConcurrency(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var wg sync.WaitGroup
	for range 8 {
		n := notices.New(f.e.App.Client, f.e.App.Publish, nil, slog.New(slog.DiscardHandler))
		wg.Go(func() {
			if err := n.EnsureEventTypes(context.Background()); err != nil {
				t.Errorf("EnsureEventTypes: %v", err)
			}
		})
	}
	wg.Wait()
	if err := f.checker().Notices.EnsureEventTypes(context.Background()); err != nil {
		t.Errorf("EnsureEventTypes once it exists: %v", err)
	}
	ets, err := f.e.App.Client.EventType.Query().Where(eventtype.Name(notices.ConfigurationDisabled)).All(sys())
	if err != nil {
		t.Fatal(err)
	}
	if len(ets) != 1 {
		t.Fatalf("%d catalog entries named %s, want 1", len(ets), notices.ConfigurationDisabled)
	}
	et := ets[0]
	if et.Application == nil || *et.Application != "ferry" || !strings.Contains(et.Description, "failedDeliveries") || et.Archived {
		t.Errorf("catalog entry = %+v, want application ferry, a description of the data, not archived", et)
	}
}

func TestAutoDisableAfterFailureChecksAConfigurationAtMostOncePerMinInterval(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.checker()
	c.MinInterval = time.Minute
	var (
		mu    sync.Mutex
		clock = f.now
	)
	c.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return clock })
	failing := f.config("failing")
	f.seed(failing, apptest.FailedBetween(minFailures-1, f.ago(100*time.Hour), f.ago(2*time.Hour))...)

	c.AfterFailure(context.Background(), failing.ID) // 19 failures: stays on
	f.seed(failing, apptest.FailedBetween(1, f.ago(time.Hour), f.ago(time.Hour))...)
	mu.Lock()
	clock = clock.Add(59 * time.Second)
	mu.Unlock()
	c.AfterFailure(context.Background(), failing.ID)
	if got := f.reload(failing); got.Status != configuration.StatusACTIVE {
		t.Fatalf("switched off by a check within MinInterval of the last one")
	}
	mu.Lock()
	clock = clock.Add(time.Second)
	mu.Unlock()
	c.AfterFailure(context.Background(), failing.ID)
	if got := f.reload(failing); got.Status != configuration.StatusINACTIVE {
		t.Errorf("configuration is %s after a check MinInterval later, want INACTIVE", got.Status)
	}
}

func TestAutoDisableSwitchesNothingOffWhenAfterIsZero(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	failing := f.config("failing")
	f.seed(failing, apptest.FailedBetween(minFailures, f.ago(100*time.Hour), f.ago(time.Hour))...)
	if c := maintenance.NewAutoDisable(f.e.App.Client, f.e.App.Configs, f.e.App.Notices, nil, 0, minFailures); c != nil {
		t.Errorf("New with After 0 = %+v, want nil", c)
	}
	var off *maintenance.AutoDisable
	off.AfterFailure(context.Background(), failing.ID) // must not panic
	c := f.checker()
	c.After = 0
	if switched, err := c.Check(context.Background(), failing.ID); switched || err != nil {
		t.Errorf("Check with After 0 = %v, %v; want false, nil", switched, err)
	}
	if got := f.reload(failing); got.Status != configuration.StatusACTIVE {
		t.Errorf("configuration is %s with After 0, want ACTIVE", got.Status)
	}
	// The same configuration with After set is switched off: the test above
	// is about After, not about the rows.
	if switched, err := f.checker().Check(context.Background(), failing.ID); !switched || err != nil {
		t.Errorf("Check with After %s = %v, %v; want true", after, switched, err)
	}
}

// The pass switches off every configuration the rule holds for, also one
// whose failures never reached AfterFailure (its worker died), and leaves
// the others alone.
func TestAutoDisableRunOnceSwitchesOffWhatTheRuleHoldsFor(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	failing := f.config("failing")
	f.seed(failing, apptest.FailedBetween(minFailures, f.ago(100*time.Hour), f.ago(time.Hour))...)
	young := f.config("young")
	f.seed(young, apptest.FailedBetween(minFailures, f.ago(after-time.Hour), f.ago(time.Hour))...)
	healthy := f.config("healthy")
	f.seed(healthy, row{Status: delivery.StatusSUCCEEDED, Created: f.ago(200 * time.Hour), Attempted: f.ago(200 * time.Hour), Code: 200})

	n, err := f.checker().RunOnce(t.Context())
	if err != nil || n != 1 {
		t.Fatalf("RunOnce = %d, %v; want 1 configuration switched off", n, err)
	}
	if got := f.reload(failing); got.Status != configuration.StatusINACTIVE || got.DisabledReason == nil {
		t.Errorf("failing configuration is %s (reason %q), want INACTIVE with a reason", got.Status, deref(got.DisabledReason))
	}
	for _, cfg := range []*ent.Configuration{young, healthy} {
		if got := f.reload(cfg); got.Status != configuration.StatusACTIVE {
			t.Errorf("%s is %s, want ACTIVE", cfg.Name, got.Status)
		}
	}
	if got := f.announced(failing); len(got) != 1 {
		t.Errorf("%d disabled events about the failing configuration, want 1", len(got))
	}
	if n, err := f.checker().RunOnce(t.Context()); err != nil || n != 0 {
		t.Errorf("a second pass = %d, %v; want nothing more switched off", n, err)
	}
}

// Run passes every Interval and returns once its context ends.
func TestAutoDisableRunPassesUntilItsContextEnds(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	failing := f.config("failing")
	f.seed(failing, apptest.FailedBetween(minFailures, f.ago(100*time.Hour), f.ago(time.Hour))...)
	c := f.checker()
	c.Interval = 20 * time.Millisecond
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { c.Run(ctx); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for f.reload(failing).Status == configuration.StatusACTIVE {
		if time.Now().After(deadline) {
			t.Fatal("Run did not switch the failing configuration off within 10 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}
