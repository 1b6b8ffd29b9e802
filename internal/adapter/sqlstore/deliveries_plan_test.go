package sqlstore_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/adapter/sqlstore"
	"github.com/ferryhq/ferry/internal/testing/apptest"
	"github.com/ferryhq/ferry/internal/testing/testenv"
)

// A wave's read looks each delivery and each event up by id. As a plain
// join, PostgreSQL read both whole tables for each wave while they were
// small (below ~20,000 and ~40,000 rows), which is every new
// installation's first hours.
func TestReadingAWaveLooksDeliveriesAndEventsUpByID(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	ctx := t.Context()
	db := e.App.DB
	for _, q := range []string{
		`INSERT INTO events (id, created_at, updated_at, type, data, metadata, occurred_at, account_id)
SELECT 'evt_' || g, now(), now(), 'plan.test', '{"n": 1}', '{}', now(), 'acc_plan' FROM generate_series(1, 5000) AS g`,
		`INSERT INTO deliveries (id, created_at, updated_at, status, event_type, url, attempt_count, account_id,
  event_id, configuration_id)
SELECT 'dlv_' || g, now(), now(), 'PENDING', 'plan.test', 'http://127.0.0.1/', 0, 'acc_plan', 'evt_' || g, 'cfg_plan'
FROM generate_series(1, 5000) AS g`,
		`ANALYZE events`, `ANALYZE deliveries`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	ids := make([]string, 100)
	for i := range ids {
		ids[i] = fmt.Sprintf("dlv_%d", 1+i*37)
	}
	plan := testenv.Explain(t, db, "COSTS OFF", sqlstore.ReadQuery, ids) // as readPostgres passes them
	if strings.Contains(plan, "Seq Scan") || !strings.Contains(plan, "events_pkey") || !strings.Contains(plan, "deliveries_pkey") {
		t.Errorf("reading 100 deliveries among 5,000 does not look them and their events up by id:\n%s", plan)
	}
}
