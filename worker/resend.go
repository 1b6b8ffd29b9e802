package worker

import (
	"context"
	"fmt"

	"github.com/hibiken/asynq"

	"github.com/ferryhq/ferry/internal/adapter/queue"
	"github.com/ferryhq/ferry/internal/edge/viewer"
)

// handleResend makes one MANUAL attempt of a delivery for a bulk resend,
// within the configuration's maxParallel and its account's share of this
// process like any other request to it.
func (w *Worker) handleResend(ctx context.Context, t *asynq.Task) error {
	r, err := queue.ParseResend(t.Payload())
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	sys := viewer.System(ctx)
	d, err := w.Resend.Load(sys, r.DeliveryID)
	if err != nil {
		return err
	}
	if d == nil || d.Edges.Configuration == nil {
		return nil // deleted meanwhile: nothing to resend to
	}
	done, err := w.admit(d.AccountID)
	if err != nil {
		return err
	}
	defer done()
	if w.takeRequests(d.AccountID, 1) == 0 {
		return &errAccountBusy{pool: w.fair.requests, account: string(d.AccountID)}
	}
	defer w.giveRequests(d.AccountID, 1)
	lease, err := w.slot(ctx, d.Edges.Configuration)
	if err != nil {
		return err
	}
	defer lease.Release()
	moved, err := w.Resend.Attempt(sys, d)
	if err != nil {
		return err
	}
	if moved == nil {
		w.Logger.InfoContext(ctx, "delivery attempted meanwhile; resend recorded by the other attempt", "delivery_id", d.ID)
	}
	return nil
}
