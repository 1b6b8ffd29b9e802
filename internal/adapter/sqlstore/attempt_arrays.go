package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/deliveryattempt"
	"github.com/ferryhq/ferry/ent/schema/pulid"
)

// On PostgreSQL, SaveAttempts is one statement whatever the number of
// attempts. It takes each column as one array and unnests it, so
// PostgreSQL parses and plans a few array parameters instead of a VALUES
// list of hundreds, and Ferry skips ent's bulk builder. Being one
// statement, it is atomic by itself: it needs no transaction, and so no
// BEGIN and COMMIT round trips.
//
// saveSQL moves each delivery that is still waiting at the attempt before
// (move's guard) and inserts the attempts of those it moved, linked to the
// configuration the delivery's row names. Every delivery it moved is
// returned with that configuration: v.i is its index in the call.
//
// The guard compares d.status || ” so that no index serves it: otherwise
// PostgreSQL hashes every waiting delivery whenever its statistics
// undercount them, as during a backlog (BENCHMARKS.md, "Plans that
// depended on the tables' size").
const saveSQL = `WITH moved AS (
  UPDATE deliveries AS d SET status = v.status, attempt_count = v.n,
    last_response_status = v.code, last_duration_ms = v.ms, last_attempt_at = v.at,
    next_attempt_at = v.next, claimed_until = NULL, updated_at = $1
  FROM unnest($3::bigint[], $4::text[], $5::bigint[], $6::text[], $7::bigint[], $8::bigint[],
    $9::timestamptz[], $10::timestamptz[], $11::text[], $12::text[], $13::text[], $14::jsonb[],
    $15::text[], $16::jsonb[], $17::text[], $18::boolean[], $19::text[], $20::text[], $21::text[])
    AS v(i, id, n, status, code, ms, at, next, attempt, trigger, url, req_headers,
      req_body, resp_headers, resp_body, truncated, error_kind, error, account)
  WHERE d.id = v.id AND d.attempt_count = v.n - 1 AND d.status || '' = ANY($2)
  RETURNING v.*, d.configuration_id
), recorded AS (
  INSERT INTO delivery_attempts (id, number, trigger, request_url, request_headers, request_body,
    response_status, response_headers, response_body, response_body_truncated, duration_ms,
    error_kind, error, started_at, configuration_id, delivery_id, account_id)
  SELECT attempt, n, trigger, url, req_headers, req_body, code, resp_headers, resp_body, truncated,
    ms, error_kind, error, at, configuration_id, id, account
  FROM moved
)
SELECT i, configuration_id FROM moved`

// saveArrays is SaveAttempts on PostgreSQL. When one delivery is listed twice,
// the first wins, as it would one Save after the other. It sets moved for
// each attempt recorded, and linked to its delivery's configuration.
func saveArrays(ctx context.Context, client *ent.Client, ps []Pending, moved []bool, linked []*pulid.ID) error {
	rows, err := client.QueryContext(ctx, saveSQL, saveArgs(ps, time.Now())...)
	if err != nil {
		return fmt.Errorf("save attempts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			i   int
			cfg sql.NullString
		)
		if err := rows.Scan(&i, &cfg); err != nil {
			return fmt.Errorf("save attempts: %w", err)
		}
		moved[i] = true
		if cfg.Valid {
			id := pulid.ID(cfg.String)
			linked[i] = &id
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("save attempts: %w", err)
	}
	return nil
}

// saveArgs are saveSQL's parameters for ps, saved at now: one array a
// column (a nil pointer is NULL).
func saveArgs(ps []Pending, now time.Time) []any {
	n := len(ps)
	var (
		idx, numbers, ms                            = make([]int64, 0, n), make([]int64, 0, n), make([]int64, 0, n)
		ids, statuses, attempts, triggers, urls     = make([]string, 0, n), make([]string, 0, n), make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
		codes                                       = make([]*int64, 0, n)
		at                                          = make([]time.Time, 0, n)
		next                                        = make([]*time.Time, 0, n)
		reqHeaders, reqBodies, respBodies, accounts = make([]string, 0, n), make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
		respHeaders, errorKinds, errorTexts         = make([]*string, 0, n), make([]*string, 0, n), make([]*string, 0, n)
		truncated                                   = make([]bool, 0, n)
	)
	seen := make(map[pulid.ID]bool, n)
	for i, p := range ps {
		if seen[p.Delivery.ID] {
			continue
		}
		seen[p.Delivery.ID] = true
		r := rowOf(p.Delivery, p.Number, deliveryattempt.TriggerAUTOMATIC, p.Result)
		res := p.Result
		idx, ids, numbers = append(idx, int64(i)), append(ids, string(p.Delivery.ID)), append(numbers, int64(p.Number))
		statuses, ms, at = append(statuses, string(p.Outcome.Status)), append(ms, res.Duration.Milliseconds()), append(at, res.StartedAt)
		attempts, triggers, urls = append(attempts, string(pulid.New("att"))), append(triggers, string(r.trigger)), append(urls, res.RequestURL)
		reqHeaders, reqBodies = append(reqHeaders, headersJSON(res.RequestHeaders)), append(reqBodies, r.requestBody)
		respBodies, truncated, accounts = append(respBodies, r.responseBody), append(truncated, res.BodyTruncated), append(accounts, string(r.accountID))
		var (
			code             *int64
			nextAt           *time.Time
			rh, kind, errTxt *string
		)
		if res.StatusCode != 0 {
			code, rh = ptr(int64(res.StatusCode)), ptr(headersJSON(res.ResponseHeaders))
		}
		if !p.Outcome.Next.IsZero() {
			nextAt = ptr(p.Outcome.Next)
		}
		if res.ErrorKind != "" {
			kind, errTxt = ptr(string(res.ErrorKind)), ptr(r.errorText)
		}
		codes, next = append(codes, code), append(next, nextAt)
		respHeaders, errorKinds, errorTexts = append(respHeaders, rh), append(errorKinds, kind), append(errorTexts, errTxt)
	}
	return []any{now, WaitingArg(),
		pq.Array(idx), pq.Array(ids), pq.Array(numbers), pq.Array(statuses), pq.Array(codes), pq.Array(ms),
		pq.Array(at), pq.Array(next), pq.Array(attempts), pq.Array(triggers), pq.Array(urls),
		pq.Array(reqHeaders), pq.Array(reqBodies), pq.Array(respHeaders), pq.Array(respBodies),
		pq.Array(truncated), pq.Array(errorKinds), pq.Array(errorTexts), pq.Array(accounts)}
}

func ptr[T any](v T) *T { return &v }
