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
// delivery is still waiting ($4) at the attempt before and holds no claim,
// and reads what it claimed as readQuery does. A claim that ran out is
// recovery's: it records the attempt cut off before the next is made.
const claimSQL = `WITH d AS (
  UPDATE deliveries AS c SET claimed_until = v.until
  FROM unnest($1::text[], $2::bigint[], $3::timestamptz[]) AS v(id, n, until)
  WHERE c.id = v.id AND c.attempt_count = v.n - 1 AND c.status || '' = ANY($4)
    AND c.claimed_until IS NULL
  RETURNING c.*)
SELECT ` + readColumns + `
FROM d CROSS JOIN LATERAL (SELECT data, occurred_at FROM events WHERE id = d.event_id OFFSET 0) AS e`

// ClaimAttempts records in the database, before their requests leave, that
// the attempts cs are being made, and returns for each the delivery with
// its event as claimed, or nil when it did not get its claim: it is made
// elsewhere, no longer due, or was cut off (its claim ran out unsaved) and
// waits for recovery to record that. Saving the attempt ends its claim.
func (s Store) ClaimAttempts(ctx context.Context, client *ent.Client, cs []Claim) ([]*ent.Delivery, error) {
	got := make([]*ent.Delivery, len(cs))
	if !s.postgres() {
		var ids []pulid.ID
		for _, c := range cs {
			n, err := client.Delivery.Update().
				Where(entdelivery.ID(c.DeliveryID), entdelivery.AttemptCount(c.Number-1), entdelivery.StatusIn(Waiting...),
					entdelivery.ClaimedUntilIsNil()).
				SetClaimedUntil(c.Until).Save(ctx)
			if err != nil {
				return nil, fmt.Errorf("claim attempts: %w", err)
			}
			if n > 0 {
				ids = append(ids, c.DeliveryID)
			}
		}
		if len(ids) == 0 {
			return got, nil
		}
		found, err := readEnt(ctx, client, ids)
		if err != nil {
			return nil, fmt.Errorf("claim attempts: %w", err)
		}
		return claimedInOrder(cs, found), nil
	}
	ids, numbers, untils := make([]string, len(cs)), make([]int64, len(cs)), make([]time.Time, len(cs))
	for i, c := range cs {
		ids[i], numbers[i], untils[i] = string(c.DeliveryID), int64(c.Number), c.Until
	}
	rows, err := client.QueryContext(ctx, claimSQL, pq.Array(ids), pq.Array(numbers), pq.Array(untils), waitingArg)
	if err != nil {
		return nil, fmt.Errorf("claim attempts: %w", err)
	}
	found, err := scanDeliveries(rows, len(cs))
	if err != nil {
		return nil, fmt.Errorf("claim attempts: %w", err)
	}
	return claimedInOrder(cs, found), nil
}

// claimedInOrder lines the deliveries claimed up with cs. One delivery
// listed twice is claimed once, for its first.
func claimedInOrder(cs []Claim, found []*ent.Delivery) []*ent.Delivery {
	byID := make(map[pulid.ID]*ent.Delivery, len(found))
	for _, d := range found {
		byID[d.ID] = d
	}
	got := make([]*ent.Delivery, len(cs))
	for i, c := range cs {
		got[i] = byID[c.DeliveryID]
		delete(byID, c.DeliveryID)
	}
	return got
}
