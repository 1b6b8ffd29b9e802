package sqlstore

import (
	"context"
	"fmt"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/deliveryattempt"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/sender"
)

// Pending is one automatic attempt waiting to be saved by SaveAttempts.
type Pending struct {
	Delivery *ent.Delivery
	Number   int
	Result   sender.Result
	Outcome  Outcome
}

// SaveAttempts saves many automatic attempts at once, each exactly as
// SaveAttempt with onlyWaiting would: an attempt is recorded only if its delivery is
// still waiting at the attempt before it. It returns, for each, the
// delivery as it now is, or nil when another attempt got there first.
//
// On PostgreSQL that is one statement whatever the number of attempts (see
// attempt_arrays.go). SQLite (dev mode) moves deliveries row by row in a
// transaction.
func (s Store) SaveAttempts(ctx context.Context, client *ent.Client, ps []Pending) ([]*ent.Delivery, error) {
	moved := make([]bool, len(ps))
	linked := make([]*pulid.ID, len(ps)) // the configuration of each moved delivery, as its row says
	var err error
	if s.postgres() {
		err = saveArrays(ctx, client, ps, moved, linked)
	} else {
		err = saveEach(ctx, client, ps, moved, linked)
	}
	if err != nil {
		return nil, fmt.Errorf("save %d attempts: %w", len(ps), err)
	}
	out := make([]*ent.Delivery, len(ps))
	for i, p := range ps {
		if moved[i] {
			out[i] = after(p.Delivery, p.Number, p.Result, p.Outcome)
			out[i].ConfigurationID = linked[i]
		}
	}
	return out, nil
}

// saveEach is SaveAttempts through ent, in a transaction.
func saveEach(ctx context.Context, client *ent.Client, ps []Pending, moved []bool, linked []*pulid.ID) error {
	return WithTx(ctx, client, func(tx *ent.Tx) error {
		var creates []*ent.DeliveryAttemptCreate
		for i, p := range ps {
			var err error
			if moved[i], linked[i], err = moveLinked(ctx, tx, p.Delivery, p.Number, p.Result, p.Outcome, true); err != nil {
				return err
			}
			if moved[i] {
				d := *p.Delivery
				d.ConfigurationID = linked[i]
				creates = append(creates, rowOf(&d, p.Number, deliveryattempt.TriggerAUTOMATIC, p.Result).create(tx.Client()))
			}
		}
		if len(creates) == 0 {
			return nil
		}
		return tx.DeliveryAttempt.CreateBulk(creates...).Exec(ctx)
	})
}
