package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/ferryhq/ferry/ent"
	entdelivery "github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/deliveryattempt"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/sender"
)

// Waiting are the statuses of a delivery that still has attempts to come.
var Waiting = []entdelivery.Status{entdelivery.StatusPENDING, entdelivery.StatusRETRYING}

// WaitingArg is Waiting as an array argument of a PostgreSQL statement
// (status = ANY($n)), so "still waiting" means in SQL what it means here.
func WaitingArg() any { return waitingArg }

var waitingArg = func() any {
	s := make([]string, len(Waiting))
	for i, st := range Waiting {
		s[i] = string(st)
	}
	return pq.Array(s)
}()

// Outcome is where one attempt moves its delivery.
type Outcome struct {
	Status entdelivery.Status
	Next   time.Time // the next automatic attempt; zero when there is none
}

// SaveAttempt records res as attempt n of d and moves d to out, in one
// transaction, only if d is still at attempt n-1 (and, with onlyWaiting,
// still waiting). Whoever moves the delivery first records the attempt, so
// nothing is marked twice. It returns the delivery as it now is, or nil when
// another attempt got there first.
func SaveAttempt(ctx context.Context, client *ent.Client, d *ent.Delivery, n int, trigger deliveryattempt.Trigger,
	res sender.Result, out Outcome, onlyWaiting bool) (*ent.Delivery, error) {
	moved := false
	err := WithTx(ctx, client, func(tx *ent.Tx) error {
		var err error
		var linked *pulid.ID
		if moved, linked, err = moveLinked(ctx, tx, d, n, res, out, onlyWaiting); err != nil || !moved {
			return err
		}
		now := *d
		now.ConfigurationID = linked
		d = &now
		_, err = recordAttempt(ctx, tx.Client(), d, n, trigger, res)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("save attempt %d of %s: %w", n, d.ID, err)
	}
	if !moved {
		return nil, nil
	}
	return after(d, n, res, out), nil
}

// move is SaveAttempt's conditional update: it reports whether d was still at
// attempt n-1 (and waiting, with onlyWaiting) and so moved to out.
func move(ctx context.Context, tx *ent.Tx, d *ent.Delivery, n int, res sender.Result, out Outcome, onlyWaiting bool) (bool, error) {
	u := tx.Delivery.Update().
		Where(entdelivery.ID(d.ID), entdelivery.AttemptCount(n-1)).
		SetStatus(out.Status).SetAttemptCount(n).ClearClaimedUntil().
		SetLastDurationMs(int(res.Duration.Milliseconds())).SetLastAttemptAt(res.StartedAt)
	if onlyWaiting {
		u.Where(entdelivery.StatusIn(Waiting...))
	}
	if res.StatusCode != 0 {
		u.SetLastResponseStatus(res.StatusCode)
	} else {
		u.ClearLastResponseStatus()
	}
	if out.Next.IsZero() {
		u.ClearNextAttemptAt()
	} else {
		u.SetNextAttemptAt(out.Next)
	}
	count, err := u.Save(ctx)
	return count > 0, err
}

// moveLinked is move, and, once d moved, the configuration its row links to,
// read after the update locked the row: the attempt takes its link from
// there (null for rows unlinked by versions before configurations were
// kept when deleted). PostgreSQL does not check that link (see
// migrations.Unenforced).
func moveLinked(ctx context.Context, tx *ent.Tx, d *ent.Delivery, n int, res sender.Result, out Outcome, onlyWaiting bool) (bool, *pulid.ID, error) {
	moved, err := move(ctx, tx, d, n, res, out, onlyWaiting)
	if err != nil || !moved {
		return moved, nil, err
	}
	now, err := tx.Delivery.Query().Where(entdelivery.ID(d.ID)).Select(entdelivery.FieldConfigurationID).Only(ctx)
	if err != nil {
		return false, nil, fmt.Errorf("read configuration of %s: %w", d.ID, err)
	}
	return true, now.ConfigurationID, nil
}

// after is d as Save left it, without reading it back.
func after(d *ent.Delivery, n int, res sender.Result, out Outcome) *ent.Delivery {
	nd := *d
	nd.Status, nd.AttemptCount = out.Status, n
	ms, at := int(res.Duration.Milliseconds()), res.StartedAt
	nd.LastDurationMs, nd.LastAttemptAt = &ms, &at
	nd.LastResponseStatus = nil
	if res.StatusCode != 0 {
		code := res.StatusCode
		nd.LastResponseStatus = &code
	}
	nd.NextAttemptAt = nil
	if !out.Next.IsZero() {
		next := out.Next
		nd.NextAttemptAt = &next
	}
	nd.ClaimedUntil = nil
	nd.UpdatedAt = time.Now()
	return &nd
}
