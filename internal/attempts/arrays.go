package attempts

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/schema/pulid"
)

// On PostgreSQL, SaveMany's two statements send each column as one array
// and unnest it, so their text is the same whatever the number of rows:
// PostgreSQL parses and plans a few array parameters instead of a VALUES
// list of hundreds, and Ferry skips ent's bulk builder, which cost about
// 4 % of the machine's CPU for the attempts alone.

// insertRows inserts rows in one statement.
func insertRows(ctx context.Context, tx *ent.Tx, rows []row) error {
	n := len(rows)
	var (
		ids, triggers, urls, reqBodies, respBodies, deliveries, accounts = make([]string, n), make([]string, n),
			make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		numbers, durations             = make([]int64, n), make([]int64, n)
		truncated                      = make([]bool, n)
		started                        = make([]time.Time, n)
		reqHeaders, respHeaders        = make([]string, n), make([]sql.NullString, n)
		statuses                       = make([]sql.NullInt64, n)
		errorKinds, errorTexts, config = make([]sql.NullString, n), make([]sql.NullString, n), make([]sql.NullString, n)
	)
	for i, r := range rows {
		ids[i] = string(pulid.New("att"))
		numbers[i], triggers[i], urls[i] = int64(r.number), string(r.trigger), r.res.RequestURL
		reqBodies[i], respBodies[i], truncated[i] = r.requestBody, r.responseBody, r.res.BodyTruncated
		durations[i], started[i] = r.res.Duration.Milliseconds(), r.res.StartedAt
		deliveries[i], accounts[i] = string(r.deliveryID), string(r.accountID)
		reqHeaders[i] = jsonObject(r.requestHeaders)
		if r.res.StatusCode != 0 {
			respHeaders[i] = sql.NullString{String: jsonObject(r.responseHeaders), Valid: true}
			statuses[i] = sql.NullInt64{Int64: int64(r.res.StatusCode), Valid: true}
		}
		if r.res.ErrorKind != "" {
			errorKinds[i] = sql.NullString{String: string(r.res.ErrorKind), Valid: true}
			errorTexts[i] = sql.NullString{String: r.errorText, Valid: true}
		}
		if r.configurationID != nil {
			config[i] = sql.NullString{String: string(*r.configurationID), Valid: true}
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO delivery_attempts (id, number, trigger, request_url,
  request_headers, request_body, response_status, response_headers, response_body,
  response_body_truncated, duration_ms, error_kind, error, started_at, configuration_id,
  delivery_id, account_id)
SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::jsonb[], $6::text[],
  $7::bigint[], $8::jsonb[], $9::text[], $10::boolean[], $11::bigint[], $12::text[], $13::text[],
  $14::timestamptz[], $15::text[], $16::text[], $17::text[])`,
		pq.Array(ids), pq.Array(numbers), pq.Array(triggers), pq.Array(urls), pq.Array(reqHeaders),
		pq.Array(reqBodies), pq.Array(statuses), pq.Array(respHeaders), pq.Array(respBodies),
		pq.Array(truncated), pq.Array(durations), pq.Array(errorKinds), pq.Array(errorTexts),
		pq.Array(started), pq.Array(config), pq.Array(deliveries), pq.Array(accounts))
	if err != nil {
		return fmt.Errorf("insert attempts: %w", err)
	}
	return nil
}
