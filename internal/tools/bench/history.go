package bench

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// historyQuery is the first page of the history screen with its usual
// filters: failed deliveries of one type, newest first.
const historyQuery = `query($types: [String!]) {
  deliveries(first: 20, where: {statusIn: [FAILED, RETRYING], eventTypeIn: $types}) {
    edges { cursor node { id status eventType url attemptCount lastResponseStatus createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`

// runHistory seeds o.Rows deliveries (one event per ten) for the account
// straight into PostgreSQL, then times o.Events first-page queries.
func runHistory(ctx context.Context, o Options, t Target, c *Client, s Setup) (Result, error) {
	if t.DB == nil {
		return Result{}, errors.New("the history scenario seeds PostgreSQL: give it the database (DATABASE_URL)")
	}
	var who struct {
		Viewer         struct{ Account struct{ ID string } }
		Configurations struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	if err := c.Do(ctx, s.Token, `{ viewer { account { id } } configurations(first: 1) { edges { node { id } } } }`, nil, &who); err != nil {
		return Result{}, err
	}
	acc, cfg := who.Viewer.Account.ID, who.Configurations.Edges[0].Node.ID
	fmt.Fprintf(stderr, "seeding %d deliveries…\n", o.Rows)
	seedStart := time.Now()
	events := max((o.Rows+9)/10, 1) // every delivery's event exists (a foreign key)
	// ids sort like ULIDs do: by time, then a counter.
	if _, err := t.DB.ExecContext(ctx, `
INSERT INTO events (id, created_at, updated_at, type, data, metadata, occurred_at, account_id)
SELECT 'evt_bench' || lpad(i::text, 10, '0'), now() - (($1 - i) * interval '10 ms'), now(),
       CASE i % 3 WHEN 0 THEN 'bench.load' WHEN 1 THEN 'bench.load.other' ELSE 'bench.load.third' END,
       '{"seq": 1}', jsonb_build_object('tenant', 't' || (i % 50)), now(), $2
FROM generate_series(1, $1) AS i`, events, acc); err != nil {
		return Result{}, fmt.Errorf("seed events: %w", err)
	}
	if _, err := t.DB.ExecContext(ctx, `
INSERT INTO deliveries (id, created_at, updated_at, status, event_type, url, attempt_count, last_response_status,
                        configuration_id, account_id, event_id)
SELECT 'dlv_bench' || lpad(i::text, 10, '0'), now() - (($1 - i) * interval '1 ms'), now(),
       CASE i % 10 WHEN 0 THEN 'FAILED' WHEN 1 THEN 'RETRYING' ELSE 'SUCCEEDED' END,
       CASE (i / 10) % 3 WHEN 0 THEN 'bench.load' WHEN 1 THEN 'bench.load.other' ELSE 'bench.load.third' END,
       'http://127.0.0.1/bench', 1, CASE i % 10 WHEN 0 THEN 500 WHEN 1 THEN 503 ELSE 200 END,
       $2, $3, 'evt_bench' || lpad((i / 10 + 1)::text, 10, '0')
FROM generate_series(0, $1 - 1) AS i`, o.Rows, cfg, acc); err != nil {
		return Result{}, fmt.Errorf("seed deliveries: %w", err)
	}
	if _, err := t.DB.ExecContext(ctx, `ANALYZE deliveries; ANALYZE events`); err != nil {
		return Result{}, err
	}
	fmt.Fprintf(stderr, "seeded in %s\n", time.Since(seedStart).Round(time.Second))

	var samples []time.Duration
	for i := range o.Events {
		vars := map[string]any{"types": []string{[]string{"bench.load", "bench.load.other"}[i%2]}}
		start := time.Now()
		if err := c.Do(ctx, s.Token, historyQuery, vars, nil); err != nil {
			return Result{}, fmt.Errorf("history query: %w", err)
		}
		samples = append(samples, time.Since(start))
	}
	q := summarise(samples)
	return Result{Scenario: o.Scenario, Events: o.Events, Configurations: 1, QueryLatency: &q}, nil
}
