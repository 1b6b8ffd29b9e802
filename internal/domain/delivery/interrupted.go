package delivery

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/ferryhq/ferry/ent/deliveryattempt"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/sender"
)

// Interrupted records attempt number of delivery id, whose claim ran out
// unsaved (the worker making it died, or could not reach PostgreSQL for
// longer than its save retries), as an interrupted attempt, and
// queues the attempt after it: the history shows a request that the
// receiver may have had. Recovery calls it; an attempt recorded meanwhile
// is left as it is.
func (s *Service) Interrupted(ctx context.Context, id pulid.ID, number int) error {
	d, err := s.loadManual(ctx, id)
	if err != nil || d == nil {
		return err
	}
	if d.AttemptCount != number-1 || !waiting(d.Status) || d.ClaimedUntil == nil || d.ClaimedUntil.After(s.now()) {
		return nil
	}
	cfg, evt := d.Edges.Configuration, d.Edges.Event
	if cfg == nil {
		return s.cancel(ctx, d) // its configuration was deleted meanwhile
	}
	t, err := s.open(cfg)
	if err != nil {
		return fmt.Errorf("interrupted attempt of %s: %w", id, err)
	}
	claimed := d.ClaimedUntil.Add(-time.Duration(cfg.TimeoutSeconds)*time.Second - leaseSlack)
	a := &attempt{d: d, number: number, trigger: deliveryattempt.TriggerAUTOMATIC, res: sender.Result{
		StartedAt: claimed, RequestURL: d.URL, RequestHeaders: http.Header{},
		RequestBody: sender.Body(string(evt.ID), evt.Type, evt.Data, evt.OccurredAt),
		ErrorKind:   sender.ErrInterrupted,
		Error:       "the answer was not recorded in time (the worker making the attempt stopped, or PostgreSQL was unreachable); the receiver may have had the request",
	}}
	_, err = s.finish(ctx, t, []*attempt{a})
	return err
}
