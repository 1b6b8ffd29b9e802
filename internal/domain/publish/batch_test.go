package publish_test

import (
	"bytes"
	"context"
	stdsql "database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/google/go-cmp/cmp"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/configuration"
	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/event"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/sqlstore"
	"github.com/ferryhq/ferry/internal/domain/publish"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

func TestConcurrentPublishesShareTransactionsAndReachOnlyTheirAccountsActiveSubscribers(t *testing.T) {
	t.Parallel()
	inBothModes(t, func(t *testing.T, f *fixture) {
		const n = 200
		events, errs := make([]*ent.Event, n), make([]error, n)
		start := time.Now()
		f.burst(n, func(i int) { events[i], errs[i] = f.pub.Publish(f.tenant(i).ctx, f.input(i)) })
		end := time.Now()
		for i := range n {
			if errs[i] != nil {
				t.Errorf("publish %d: %v", i, errs[i])
				continue
			}
			f.checkEvent(t, i, events[i], start, end)
			f.checkStored(t, f.tenant(i), events[i])
		}
		// Without group commit every publish is stored on its own.
		if got := f.drv.stores.Load(); got >= n/4 {
			t.Errorf("%d publishes took %d stores, want fewer than %d", n, got, n/4)
		}
		t.Logf("%d publishes, %d stores", n, f.drv.stores.Load())
	})
}

func TestEachCallerOfAGroupCommitGetsBackItsOwnEventAndDeliveries(t *testing.T) {
	t.Parallel()
	inBothModes(t, func(t *testing.T, f *fixture) {
		const n = 100
		type result struct {
			evt        *ent.Event
			deliveries []*ent.Delivery
			err        error
		}
		res := make([]result, n)
		f.burst(n, func(i int) {
			tn := f.tenant(i)
			evt, ds, err := f.pub.StoreGrouped(tn.ctx, tn.id, f.input(i))
			res[i] = result{evt, ds, err}
		})
		for i, r := range res {
			if r.err != nil {
				t.Errorf("store %d: %v", i, r.err)
				continue
			}
			f.checkEvent(t, i, r.evt, time.Time{}, time.Now())
			f.checkDeliveries(t, f.tenant(i), r.evt, r.deliveries)
			// The event is usable after the commit, as store's is.
			stored := r.evt.QueryDeliveries().IDsX(f.sys)
			if diff := cmp.Diff(sorted(stored), sorted(ids(r.deliveries))); diff != "" {
				t.Errorf("store %d: stored deliveries differ from the ones returned (-stored +returned):\n%s", i, diff)
			}
		}
	})
}

func TestKeyedPublishAmongGroupedOnesReturnsTheFirstEventOnRepeat(t *testing.T) {
	t.Parallel()
	inBothModes(t, func(t *testing.T, f *fixture) {
		const grouped, keyed = 100, 10
		key := "order-42"
		keyedInput := publish.Input{Type: placed, Data: json.RawMessage(`{"order":42}`), IdempotencyKey: &key}
		tn := f.tenants[0]
		events, errs := make([]*ent.Event, grouped+keyed), make([]error, grouped+keyed)
		f.burst(grouped+keyed, func(i int) {
			if i < grouped {
				events[i], errs[i] = f.pub.Publish(f.tenant(i).ctx, f.input(i))
			} else {
				events[i], errs[i] = f.pub.Publish(tn.ctx, keyedInput)
			}
		})
		for i, err := range errs {
			if err != nil {
				t.Fatalf("publish %d: %v", i, err)
			}
		}
		first := events[grouped]
		for i := grouped; i < grouped+keyed; i++ {
			if events[i].ID != first.ID {
				t.Errorf("concurrent publishes of one key returned events %s and %s", first.ID, events[i].ID)
			}
		}
		again, err := f.pub.Publish(tn.ctx, keyedInput)
		if err != nil || again.ID != first.ID {
			t.Errorf("publishing the key again = %v, %v; want the first event %s", again, err, first.ID)
		}
		if n := f.e.App.Client.Event.Query().Where(event.IdempotencyKey(key)).CountX(f.sys); n != 1 {
			t.Errorf("%d events stored with the key, want 1", n)
		}
		f.checkStored(t, tn, first)
	})
}

func TestAFailingEventDoesNotFailTheOthersInItsBatch(t *testing.T) {
	t.Parallel()
	inBothModes(t, func(t *testing.T, f *fixture) {
		const n = 100
		// A poisoned event fails its insert, as one the database refuses
		// would, and with it the batch's transaction.
		bad := func(i int) bool { return i == 25 || i == 50 || i == 75 }
		events, errs := make([]*ent.Event, n), make([]error, n)
		f.burst(n, func(i int) {
			in := f.input(i)
			if bad(i) {
				in.Data = json.RawMessage(fmt.Sprintf(`{"n":%d,"tag":%q}`, i, poison))
			}
			events[i], errs[i] = f.pub.Publish(f.tenant(i).ctx, in)
		})
		for i := range n {
			switch {
			case bad(i) && !errors.Is(errs[i], errPoisoned):
				t.Errorf("publish %d of a poisoned event: err %v, want it refused", i, errs[i])
			case !bad(i) && errs[i] != nil:
				t.Errorf("publish %d failed along with a bad one: %v", i, errs[i])
			case !bad(i):
				f.checkStored(t, f.tenant(i), events[i])
			}
		}
		// Each bad publish fails at least once alone; more failed stores
		// than bad publishes means good ones shared a failed batch, and
		// still succeeded above.
		if got := f.drv.failed.Load(); got <= 3 {
			t.Errorf("%d failed stores: no bad publish shared a batch, the test proved nothing", got)
		}
	})
}

// Event types of the fixture.
const (
	placed  = "ORDER_PLACED"
	shipped = "ORDER_SHIPPED"
)

// fixture is an API with two accounts whose configurations overlap in
// types, and a publisher whose transactions are counted.
type fixture struct {
	e       *apptest.Env
	sys     context.Context
	drv     *countingDriver
	pub     *publish.Publisher
	tenants [2]*tenant
}

// tenant is one account: the context its token gives, and the
// configurations each event type must reach.
type tenant struct {
	id   pulid.ID
	ctx  context.Context
	want map[string][]pulid.ID // event type → configuration ids, sorted
}

// inBothModes runs test on PostgreSQL and on dev mode's SQLite, which share
// the publish code.
func inBothModes(t *testing.T, test func(*testing.T, *fixture)) {
	apptest.InBothModes(t, func(t *testing.T, e *apptest.Env) { test(t, newFixture(t, e)) })
}

func newFixture(t *testing.T, e *apptest.Env) *fixture {
	e.CreateEventType(placed)
	e.CreateEventType(shipped)
	f := &fixture{e: e, sys: viewer.System(t.Context())}
	keys := map[*tenant]pulid.ID{}
	for i := range f.tenants {
		acc := e.CreateAccount(fmt.Sprintf("tenant %d", i))
		key, _ := e.CreateSigningKey(acc.Token, "key")
		tn := &tenant{id: pulid.ID(acc.ID), want: map[string][]pulid.ID{}}
		tn.ctx = viewer.NewContext(t.Context(), viewer.Viewer{Role: viewer.RoleAccount, AccountID: tn.id})
		f.tenants[i], keys[tn] = tn, pulid.ID(key)
	}
	active, inactive := configuration.StatusACTIVE, configuration.StatusINACTIVE
	// Both accounts subscribe to both types, so an event given the other
	// account's configurations would get too many deliveries.
	configs := []struct {
		tenant int
		types  []string
		status configuration.Status
	}{
		{0, []string{placed}, active},
		{0, []string{placed, shipped}, active},
		{0, []string{shipped}, active},
		{0, []string{placed, shipped}, inactive},
		{0, []string{"INVOICE_PAID"}, active},
		{1, []string{shipped, placed}, active},
		{1, []string{placed}, active},
		{1, []string{placed, shipped}, inactive},
	}
	for i, c := range configs {
		tn := f.tenants[c.tenant]
		cfg := e.App.Client.Configuration.Create().SetAccountID(tn.id).SetName(fmt.Sprintf("config %d", i)).
			SetURL(fmt.Sprintf("https://example.com/hook/%d", i)).SetSigningKeyID(keys[tn]).
			SetEventTypes(c.types).SetStatus(c.status).SaveX(f.sys)
		for _, typ := range c.types {
			if c.status == active {
				tn.want[typ] = append(tn.want[typ], cfg.ID)
			}
		}
	}
	for _, tn := range f.tenants {
		for _, ids := range tn.want {
			slices.Sort(ids)
		}
	}
	f.drv = &countingDriver{Driver: entsql.OpenDB(e.App.Dialect, e.App.DB)}
	f.pub = publish.New(ent.NewClient(ent.Driver(f.drv)), sqlstore.New(e.App.Dialect), e.App.Queue, e.App.Live, e.App.Logger)
	return f
}

// tenant and input spread publishes over 2 accounts × 2 types; the data
// names the publish.
func (f *fixture) tenant(i int) *tenant { return f.tenants[i%2] }

func (f *fixture) input(i int) publish.Input {
	return publish.Input{Type: []string{placed, shipped}[i/2%2], Data: json.RawMessage(fmt.Sprintf(`{"n":%d}`, i))}
}

// burst makes n calls at once while statements are held back, so that
// they queue up as under load, and waits for all of them.
func (f *fixture) burst(n int, call func(i int)) {
	release := f.drv.hold()
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { call(i) })
	}
	time.Sleep(200 * time.Millisecond) // for the calls to reach the batcher
	release()
	wg.Wait()
}

// checkEvent checks that publish i got its own event back, stored between
// from and to.
func (f *fixture) checkEvent(t *testing.T, i int, evt *ent.Event, from, to time.Time) {
	t.Helper()
	in := f.input(i)
	if evt.AccountID != f.tenant(i).id || evt.Type != in.Type || string(evt.Data) != string(in.Data) {
		t.Errorf("publish %d of %s %s %s got event %s of %s %s %s", i,
			f.tenant(i).id, in.Type, in.Data, evt.ID, evt.AccountID, evt.Type, evt.Data)
	}
	if evt.OccurredAt.Before(from) || evt.OccurredAt.After(to) {
		t.Errorf("publish %d: occurredAt %v, want the time of storing", i, evt.OccurredAt)
	}
}

// checkStored checks the deliveries stored for evt, an event of tn.
func (f *fixture) checkStored(t *testing.T, tn *tenant, evt *ent.Event) {
	t.Helper()
	ds := f.e.App.Client.Delivery.Query().Where(delivery.EventID(evt.ID)).AllX(f.sys)
	f.checkDeliveries(t, tn, evt, ds)
}

// checkDeliveries checks that ds are one delivery of evt for each active
// configuration of tn subscribed to its type, and nothing else.
func (f *fixture) checkDeliveries(t *testing.T, tn *tenant, evt *ent.Event, ds []*ent.Delivery) {
	t.Helper()
	var configs []pulid.ID
	for _, d := range ds {
		if d.ID == "" || d.EventID != evt.ID || d.AccountID != tn.id || d.EventType != evt.Type || d.Status != delivery.StatusPENDING {
			t.Errorf("event %s of %s has delivery %+v", evt.ID, tn.id, d)
		}
		if d.ConfigurationID != nil {
			configs = append(configs, *d.ConfigurationID)
		}
	}
	if diff := cmp.Diff(tn.want[evt.Type], sorted(configs)); diff != "" {
		t.Errorf("event %s (%s) reached the wrong configurations (-want +got):\n%s", evt.ID, evt.Type, diff)
	}
}

func ids(ds []*ent.Delivery) []pulid.ID {
	out := make([]pulid.ID, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

func sorted(s []pulid.ID) []pulid.ID { slices.Sort(s); return s }

// countingDriver counts the stores made through it (a transaction, or a
// statement of Ferry's own outside one, see sqlstore.InsertPublished) and
// those that failed, and can hold back the statements of publishes.
type countingDriver struct {
	dialect.Driver
	stores, failed atomic.Int64

	mu   sync.Mutex
	gate chan struct{} // while open, new statements and transactions wait for it to close
}

// hold makes new statements and transactions wait until release is called.
func (d *countingDriver) hold() (release func()) {
	gate := make(chan struct{})
	d.mu.Lock()
	d.gate = gate
	d.mu.Unlock()
	return func() { close(gate) }
}

// wait waits while the gate is held.
func (d *countingDriver) wait() {
	d.mu.Lock()
	gate := d.gate
	d.mu.Unlock()
	if gate != nil {
		<-gate
	}
}

// Tx implements dialect.Driver.
func (d *countingDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	d.wait()
	d.stores.Add(1)
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return countingTx{Tx: tx, d: d}, nil
}

// Query implements dialect.Driver: ent's reads outside a transaction.
func (d *countingDriver) Query(ctx context.Context, query string, args, v any) error {
	d.wait()
	return d.Driver.Query(ctx, query, args, v)
}

// QueryContext passes a statement of Ferry's own outside a transaction (a
// store) to the database; one carrying poison fails.
func (d *countingDriver) QueryContext(ctx context.Context, query string, args ...any) (*stdsql.Rows, error) {
	d.wait()
	d.stores.Add(1)
	if poisoned(args) {
		d.failed.Add(1)
		return nil, errPoisoned
	}
	return d.Driver.(interface {
		QueryContext(context.Context, string, ...any) (*stdsql.Rows, error)
	}).QueryContext(ctx, query, args...)
}

type countingTx struct {
	dialect.Tx
	d *countingDriver
}

// poison in a statement's arguments makes countingTx fail it.
const poison = "poison-7f3a"

var errPoisoned = errors.New("poisoned statement")

// Query implements dialect.Tx; a statement carrying poison fails.
func (tx countingTx) Query(ctx context.Context, query string, args, v any) error {
	if poisoned(args) {
		return errPoisoned
	}
	return tx.Tx.Query(ctx, query, args, v)
}

// Exec implements dialect.Tx; a statement carrying poison fails.
func (tx countingTx) Exec(ctx context.Context, query string, args, v any) error {
	if poisoned(args) {
		return errPoisoned
	}
	return tx.Tx.Exec(ctx, query, args, v)
}

// ExecContext passes a statement ent does not build to the transaction;
// one carrying poison fails.
func (tx countingTx) ExecContext(ctx context.Context, query string, args ...any) (stdsql.Result, error) {
	if poisoned(args) {
		return nil, errPoisoned
	}
	return tx.Tx.(interface {
		ExecContext(context.Context, string, ...any) (stdsql.Result, error)
	}).ExecContext(ctx, query, args...)
}

func poisoned(args any) bool {
	as, _ := args.([]any)
	for _, a := range as {
		if v, ok := a.(driver.Valuer); ok {
			a, _ = v.Value()
		}
		switch a := a.(type) {
		case string:
			if strings.Contains(a, poison) {
				return true
			}
		case []string: // a column of a statement of our own
			if slices.ContainsFunc(a, func(s string) bool { return strings.Contains(s, poison) }) {
				return true
			}
		case []byte:
			if bytes.Contains(a, []byte(poison)) {
				return true
			}
		case json.RawMessage:
			if bytes.Contains(a, []byte(poison)) {
				return true
			}
		}
	}
	return false
}

// Rollback implements dialect.Tx.
func (tx countingTx) Rollback() error {
	tx.d.failed.Add(1)
	return tx.Tx.Rollback()
}

// An event stored by the group commit (on PostgreSQL, one array insert of
// Ferry's own) reads back as what its publish returned, and as the same
// input stored through ent (a keyed publish) does; the event returned can
// query its deliveries.
func TestGroupedEventsAreStoredAsEntStoresThem(t *testing.T) {
	t.Parallel()
	inBothModes(t, func(t *testing.T, f *fixture) {
		tn := f.tenant(0)
		in := publish.Input{Type: placed,
			Data:     json.RawMessage(" {\"q\": \"<a href=\\\"x\\\">&amp;</a>\", \"é\": [1, 2.50, null, true], \"nul\": \"\\u0001\", \"n\": {}} "),
			Metadata: map[string]string{"z": "last", "a": "\"quoted\" \\ back", "ünï": "cödé"}}
		grouped, err := f.pub.Publish(tn.ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		key := "same-input"
		keyedIn := in
		keyedIn.IdempotencyKey = &key
		keyed, err := f.pub.Publish(tn.ctx, keyedIn)
		if err != nil {
			t.Fatal(err)
		}
		// Without metadata, an event stores an empty object.
		bare, err := f.pub.Publish(tn.ctx, publish.Input{Type: shipped, Data: json.RawMessage(`{}`)})
		if err != nil {
			t.Fatal(err)
		}
		stored := func(id pulid.ID) *ent.Event { return f.e.App.Client.Event.GetX(f.sys, id) }
		g, k := stored(grouped.ID), stored(keyed.ID)
		if g.Type != in.Type || g.AccountID != tn.id || g.IdempotencyKey != nil {
			t.Errorf("stored event %+v, want type %s of %s without a key", g, in.Type, tn.id)
		}
		if string(g.Data) != string(k.Data) {
			t.Errorf("data stored as %s, through ent as %s", g.Data, k.Data)
		}
		if diff := cmp.Diff(in.Metadata, g.Metadata); diff != "" {
			t.Errorf("metadata stored (-want +got):\n%s", diff)
		}
		if m := stored(bare.ID).Metadata; m == nil || len(m) != 0 {
			t.Errorf("an event without metadata stored %v, want an empty object", m)
		}
		for _, c := range []struct {
			name           string
			returned, read time.Time
		}{{"occurredAt", grouped.OccurredAt, g.OccurredAt}, {"createdAt", grouped.CreatedAt, g.CreatedAt}, {"updatedAt", grouped.UpdatedAt, g.UpdatedAt}} {
			if d := c.returned.Sub(c.read); d < -time.Microsecond || d > time.Microsecond || c.read.IsZero() {
				t.Errorf("%s returned %v, stored %v", c.name, c.returned, c.read)
			}
		}
		if string(grouped.Data) != string(in.Data) || grouped.Metadata["z"] != "last" {
			t.Errorf("publish returned data %s and metadata %v, want what was published", grouped.Data, grouped.Metadata)
		}
		ds, err := grouped.QueryDeliveries().All(f.sys)
		if err != nil {
			t.Fatalf("the returned event cannot query its deliveries: %v", err)
		}
		f.checkDeliveries(t, tn, grouped, ds)
	})
}
