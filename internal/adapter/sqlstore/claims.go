package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/ferryhq/ferry/ent"
	entdelivery "github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/schema/pulid"
)

// Claim is an automatic attempt about to be made: attempt Number of
// DeliveryID, held until Until.
type Claim struct {
	DeliveryID pulid.ID
	Number     int
	Until      time.Time
}

// claimSQL claims attempts ($1 ids, $2 numbers, $3 deadlines) whose
// delivery is still waiting ($4) at the attempt before, unless a claim
// that has not run out ($5 is now) holds it already.
const claimSQL = `UPDATE deliveries AS d SET claimed_until = v.until
FROM unnest($1::text[], $2::bigint[], $3::timestamptz[]) AS v(id, n, until)
WHERE d.id = v.id AND d.attempt_count = v.n - 1 AND d.status || '' = ANY($4)
  AND (d.claimed_until IS NULL OR d.claimed_until < $5)
RETURNING d.id`

// ClaimAttempts records in the database, before their requests leave, that
// the attempts cs are being made, and reports for each whether it got its
// claim: one that did not is made elsewhere, or no longer due. Saving the
// attempt ends its claim; one that runs out unsaved was cut off.
func (s Store) ClaimAttempts(ctx context.Context, client *ent.Client, cs []Claim) ([]bool, error) {
	now := time.Now()
	got := make([]bool, len(cs))
	if !s.postgres() {
		for i, c := range cs {
			n, err := client.Delivery.Update().
				Where(entdelivery.ID(c.DeliveryID), entdelivery.AttemptCount(c.Number-1), entdelivery.StatusIn(Waiting...),
					entdelivery.Or(entdelivery.ClaimedUntilIsNil(), entdelivery.ClaimedUntilLT(now))).
				SetClaimedUntil(c.Until).Save(ctx)
			if err != nil {
				return nil, fmt.Errorf("claim attempts: %w", err)
			}
			got[i] = n > 0
		}
		return got, nil
	}
	ids, numbers, untils := make([]string, len(cs)), make([]int64, len(cs)), make([]time.Time, len(cs))
	for i, c := range cs {
		ids[i], numbers[i], untils[i] = string(c.DeliveryID), int64(c.Number), c.Until
	}
	rows, err := client.QueryContext(ctx, claimSQL, pq.Array(ids), pq.Array(numbers), pq.Array(untils), waitingArg, now)
	if err != nil {
		return nil, fmt.Errorf("claim attempts: %w", err)
	}
	defer rows.Close()
	claimed := make(map[string]bool, len(cs))
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("claim attempts: %w", err)
		}
		claimed[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("claim attempts: %w", err)
	}
	for i, c := range cs {
		// One delivery listed twice is claimed once, for its first.
		got[i] = claimed[string(c.DeliveryID)]
		delete(claimed, string(c.DeliveryID))
	}
	return got, nil
}
