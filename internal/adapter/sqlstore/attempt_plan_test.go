package sqlstore_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry/ent"
	entdelivery "github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/sender"
	"github.com/ferryhq/ferry/internal/adapter/sqlstore"
	"github.com/ferryhq/ferry/internal/testing/apptest"
	"github.com/ferryhq/ferry/internal/testing/testenv"
)

// A backlog that built up since the last ANALYZE is the moment throughput
// matters most, and the one PostgreSQL's statistics undercount. Saving a
// few attempts must then look their deliveries up by id, not read every
// waiting delivery through the status index to hash them (which took 16 ms
// a save at 50,000 waiting, and grows with the backlog).
func TestSavingAttemptsLooksDeliveriesUpByIDWhateverTheBacklog(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	ctx := t.Context()
	db := e.App.DB
	seed := func(from, to int, status string) {
		t.Helper()
		if _, err := db.ExecContext(ctx, `INSERT INTO events (id, created_at, updated_at, type, data, metadata, occurred_at, account_id)
SELECT 'evt_' || g, now(), now(), 'plan.test', '{"n": 1}', '{}', now(), 'acc_plan' FROM generate_series($1::int, $2::int) AS g`, from, to); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO deliveries (id, created_at, updated_at, status, event_type, url,
  attempt_count, account_id, event_id, configuration_id, next_attempt_at)
SELECT 'dlv_' || lpad(g::text, 10, '0'), now(), now(), $3::text, 'plan.test', 'http://127.0.0.1/', 0,
  'acc_plan', 'evt_' || g, 'cfg_plan', CASE WHEN $3::text = 'PENDING' THEN now() END
FROM generate_series($1::int, $2::int) AS g`, from, to, status); err != nil {
			t.Fatal(err)
		}
	}
	seed(1, 20000, string(entdelivery.StatusSUCCEEDED))
	if _, err := db.ExecContext(ctx, `ANALYZE deliveries`); err != nil {
		t.Fatal(err)
	}
	seed(20001, 25000, string(entdelivery.StatusPENDING)) // the backlog, unseen by ANALYZE

	var ps []sqlstore.Pending
	for i := 20001; i <= 20010; i++ {
		ps = append(ps, sqlstore.Pending{
			Delivery: &ent.Delivery{ID: pulid.ID(fmt.Sprintf("dlv_%010d", i)), AccountID: "acc_plan"},
			Number:   1,
			Result:   sender.Result{StatusCode: 200, StartedAt: time.Now(), RequestURL: "http://127.0.0.1/"},
			Outcome:  sqlstore.Outcome{Status: entdelivery.StatusSUCCEEDED},
		})
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }() // EXPLAIN ANALYZE wrote; nothing is kept
	plan := testenv.Explain(t, tx, "ANALYZE, COSTS OFF", sqlstore.SaveSQL, sqlstore.SaveArgs(ps, time.Now())...)
	if strings.Contains(plan, "delivery_status_next_attempt_at") || !strings.Contains(plan, "deliveries_pkey") {
		t.Errorf("saving 10 attempts with 5,000 deliveries waiting does not look them up by id:\n%s", plan)
	}
}
