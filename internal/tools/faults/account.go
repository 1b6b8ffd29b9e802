package faults

import (
	"context"
	"database/sql"
	"fmt"
)

// Received is what the receiver got for one event.
type Received struct {
	Requests int // requests that arrived
	Answered int // of them, answered 200 before the sender hung up
}

// Recorded is what PostgreSQL holds of one event's delivery.
type Recorded struct {
	Status      string // PENDING, RETRYING, SUCCEEDED, FAILED or CANCELLED
	Attempts    int    // attempt rows: every request Ferry made, on the record
	Interrupted int    // of them, attempts cut off by a crash or a shutdown
}

// ended reports whether a delivery in status s will make no more attempts
// by itself.
func ended(s string) bool { return s == "SUCCEEDED" || s == "FAILED" || s == "CANCELLED" }

// Tally accounts for a set of acknowledged events.
type Tally struct {
	Acknowledged int `json:"acknowledged"`
	// Delivered: the receiver answered 200 to one of its requests.
	Delivered int `json:"delivered"`
	// Lost: acknowledged, never answered 200 by the receiver, and not
	// SUCCEEDED in PostgreSQL (stuck ones are counted as stuck instead).
	Lost int `json:"lost"`
	// Duplicated: the receiver got more than one request for the event.
	Duplicated int `json:"duplicated"`
	// DuplicatedExplained: of them, those whose delivery has at least as
	// many attempt rows as the receiver got requests: every send is on
	// the record (an interrupted attempt and its retry).
	DuplicatedExplained int `json:"duplicated_explained"`
	// DuplicatedUnexplained: the others, a request sent twice that the
	// history does not show.
	DuplicatedUnexplained int `json:"duplicated_unexplained"`
	// Unrecorded: requests the receiver got beyond the attempt rows of
	// their delivery, summed over deliveries.
	Unrecorded int `json:"unrecorded_sends"`
	// Stuck: the delivery has not ended (PENDING or RETRYING) after the
	// drain.
	Stuck int `json:"stuck"`
	// SucceededUnreceived: SUCCEEDED in PostgreSQL, yet the receiver never
	// got a request for it.
	SucceededUnreceived int `json:"succeeded_unreceived"`
	// Interrupted: attempts recorded as interrupted.
	Interrupted int `json:"interrupted_attempts"`
	Requests    int `json:"requests"`
	Attempts    int `json:"attempt_rows"`
}

// maxExamples bounds the event ids a report names for each broken promise.
const maxExamples = 10

// Examples names, for each broken promise, up to maxExamples events that
// broke it, to look up in the logs and the database.
type Examples map[string][]string

func (e Examples) add(kind, id string) {
	if e != nil && len(e[kind]) < maxExamples {
		e[kind] = append(e[kind], id)
	}
}

// tally accounts for the events ids: what the receiver got (rcv) against
// what PostgreSQL recorded (db), both by event id. ex, when not nil,
// collects examples of what went wrong.
func tally(ids []string, rcv map[string]Received, db map[string]Recorded, ex Examples) Tally {
	var t Tally
	for _, id := range ids {
		got, rec := rcv[id], db[id]
		_, hasRow := db[id]
		t.Acknowledged++
		t.Requests += got.Requests
		t.Attempts += rec.Attempts
		t.Interrupted += rec.Interrupted
		stuck := hasRow && !ended(rec.Status)
		switch {
		case got.Answered > 0:
			t.Delivered++
		case stuck:
		case rec.Status != "SUCCEEDED":
			t.Lost++ // no delivery row at all is lost too
			if !hasRow {
				ex.add("lost without a delivery", id)
			} else {
				ex.add("lost", id)
			}
		}
		if stuck {
			t.Stuck++
			ex.add("stuck", id)
		}
		if rec.Status == "SUCCEEDED" && got.Requests == 0 {
			t.SucceededUnreceived++
			ex.add("succeeded unreceived", id)
		}
		if got.Requests > 1 {
			t.Duplicated++
			if rec.Attempts >= got.Requests {
				t.DuplicatedExplained++
			} else {
				t.DuplicatedUnexplained++
				ex.add("duplicated unexplained", id)
			}
		}
		if got.Requests > rec.Attempts {
			t.Unrecorded += got.Requests - rec.Attempts
			ex.add("unrecorded", id)
		}
	}
	return t
}

// Bad reports whether t shows a broken promise: an event lost, stuck, sent
// twice without the history showing it, or a send not on the record.
func (t Tally) Bad() bool {
	return t.Lost > 0 || t.DuplicatedUnexplained > 0 || t.Stuck > 0 || t.Unrecorded > 0 || t.SucceededUnreceived > 0
}

// recordedSQL reads the delivery of each load event of an account, with
// its attempt rows (a load event has one delivery: one configuration).
const recordedSQL = `SELECT d.event_id, d.status, count(a.id), count(a.id) FILTER (WHERE a.error_kind = 'interrupted')
FROM deliveries d LEFT JOIN delivery_attempts a ON a.delivery_id = d.id
WHERE d.account_id = $1 AND d.event_type = $2
GROUP BY d.id`

// readRecorded reads what PostgreSQL holds of account's load events.
func readRecorded(ctx context.Context, db *sql.DB, account string) (map[string]Recorded, error) {
	rows, err := db.QueryContext(ctx, recordedSQL, account, eventType)
	if err != nil {
		return nil, fmt.Errorf("read deliveries: %w", err)
	}
	defer rows.Close()
	out := map[string]Recorded{}
	for rows.Next() {
		var id string
		var r Recorded
		if err := rows.Scan(&id, &r.Status, &r.Attempts, &r.Interrupted); err != nil {
			return nil, fmt.Errorf("read deliveries: %w", err)
		}
		out[id] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read deliveries: %w", err)
	}
	return out, nil
}

// waitingSQL counts account's load deliveries that have not ended.
const waitingSQL = `SELECT count(*) FILTER (WHERE status IN ('PENDING', 'RETRYING')), count(*)
FROM deliveries WHERE account_id = $1 AND event_type = $2`
