package delivery

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/ferryhq/ferry/ent"
	entdelivery "github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/deliveryattempt"
	"github.com/ferryhq/ferry/internal/adapter/queue"
	"github.com/ferryhq/ferry/internal/adapter/sender"
	"github.com/ferryhq/ferry/internal/adapter/sqlstore"
	"github.com/ferryhq/ferry/internal/platform/telemetry"
)

// attempt is one request of a delivery: d (with its event), the attempt's
// number and trigger, then what came back and where it leaves d.
type attempt struct {
	d       *ent.Delivery
	number  int
	trigger deliveryattempt.Trigger
	trace   string // the publish's traceparent, carried by its tasks
	res     sender.Result
	out     sqlstore.Outcome
}

// spanNames name the span of an attempt by its trigger.
var spanNames = map[deliveryattempt.Trigger]string{
	deliveryattempt.TriggerAUTOMATIC: "ferry.deliver",
	deliveryattempt.TriggerMANUAL:    "ferry.resend",
	deliveryattempt.TriggerPING:      "ferry.ping",
	deliveryattempt.TriggerTEST:      "ferry.test",
}

// send makes the request of a to t. Every attempt's request is built here.
func (s *Service) send(ctx context.Context, t *target, a *attempt) {
	ctx, span := telemetry.StartSpan(telemetry.WithTraceparent(ctx, a.trace), spanNames[a.trigger],
		attribute.String("ferry.delivery_id", string(a.d.ID)), attribute.Int("ferry.attempt", a.number))
	defer span.End()
	done := s.Metrics.InFlight(string(t.cfg.ID))
	evt := a.d.Edges.Event
	a.res = s.Sender.Send(ctx, sender.Message{
		URL: t.cfg.URL, Timeout: time.Duration(t.cfg.TimeoutSeconds) * time.Second, Headers: t.headers,
		EventID: string(evt.ID), EventType: evt.Type, Data: evt.Data, OccurredAt: evt.OccurredAt,
		ConfigurationID: string(t.cfg.ID), DeliveryID: string(a.d.ID), Attempt: a.number, Keys: t.secrets,
	})
	done()
	span.SetAttributes(attribute.Int("http.response.status_code", a.res.StatusCode), attribute.Bool("ferry.ok", a.res.OK()))
}

// finish records the attempts as, all sent to t, and follows each up. An
// attempt is recorded only if its delivery is still where it was when the
// attempt was loaded: whoever moves a delivery first records its attempt,
// so nothing is marked twice. It returns each delivery as it now is, nil
// where another attempt got there first.
func (s *Service) finish(ctx context.Context, t *target, as []*attempt) ([]*ent.Delivery, error) {
	moved := make([]*ent.Delivery, len(as))
	var (
		ps   []sqlstore.Pending
		auto []int // index in as of each of ps
	)
	for i, a := range as {
		a.out = s.outcome(t.cfg, a)
		if a.trigger == deliveryattempt.TriggerAUTOMATIC {
			ps = append(ps, sqlstore.Pending{Delivery: a.d, Number: a.number, Result: a.res, Outcome: a.out})
			auto = append(auto, i)
			continue
		}
		d, err := sqlstore.SaveAttempt(ctx, s.Client, a.d, a.number, a.trigger, a.res, a.out, false)
		if err != nil {
			return nil, err
		}
		moved[i] = d
	}
	if len(ps) > 0 {
		saved, errs := s.records.DoAll(ctx, ps)
		for j, i := range auto {
			if errs[j] != nil {
				return nil, errs[j]
			}
			moved[i] = saved[j]
		}
	}
	var changed []*ent.Delivery
	for i, a := range as {
		if moved[i] == nil {
			if a.trigger == deliveryattempt.TriggerAUTOMATIC {
				s.attemptLogger(t, a).WarnContext(ctx, "attempt already recorded by another worker; this one is dropped")
			}
			continue
		}
		changed = append(changed, moved[i])
		s.followUp(ctx, t, a)
	}
	s.Live.Deliveries(ctx, changed...)
	return moved, nil
}

// followUp does what follows a recorded attempt: metrics, deactivating on
// 410 Gone, auto-disable, and queuing the next automatic attempt.
func (s *Service) followUp(ctx context.Context, t *target, a *attempt) {
	cfg, res, out := t.cfg, a.res, a.out
	s.Metrics.Attempt(string(a.trigger), res.OK(), res.Duration)
	if a.trigger == deliveryattempt.TriggerAUTOMATIC || a.trigger == deliveryattempt.TriggerMANUAL {
		s.Metrics.Ended(string(out.Status), string(cfg.ID))
	}
	if s.Logger.Enabled(ctx, slog.LevelDebug) {
		s.attemptLogger(t, a).DebugContext(ctx, "attempt recorded", "trigger", a.trigger, "status", out.Status,
			"response_status", res.StatusCode, "duration_ms", res.Duration.Milliseconds(), "error", res.Error)
	}
	if a.trigger != deliveryattempt.TriggerAUTOMATIC {
		if out.Status == entdelivery.StatusRETRYING {
			// The queued automatic attempt was for this number; it is stale now.
			s.enqueueNext(ctx, t, a)
		}
		return
	}
	failed := !res.OK() && res.ErrorKind != sender.ErrInterrupted
	if failed && !gone(res) && s.Notices != nil {
		s.Notices.Failing(ctx, cfg, a.d, a.number, res)
	}
	switch {
	case gone(res):
		s.deactivateGone(ctx, t, a)
	case out.Status == entdelivery.StatusFAILED:
		if s.Notices != nil {
			s.Notices.Exhausted(ctx, cfg, a.d, a.number, res)
		}
		if s.Failures != nil {
			s.Failures.AfterFailure(ctx, cfg.ID)
		}
	case out.Status == entdelivery.StatusRETRYING:
		s.enqueueNext(ctx, t, a)
	}
}

// enqueueNext queues the attempt after a, at a.out.Next. Should that fail,
// the recovery loop queues it once it is overdue.
func (s *Service) enqueueNext(ctx context.Context, t *target, a *attempt) {
	next := queue.Attempt{DeliveryID: a.d.ID, Number: a.number + 1, Config: t.cfg.ID, Trace: a.trace}
	if err := s.Queue.Enqueue(ctx, next, a.out.Next); err != nil {
		s.attemptLogger(t, a).WarnContext(ctx, "enqueue the next attempt; recovery will", "err", err)
	}
}

// deactivateGone switches off the configuration whose endpoint answered a
// with 410 Gone.
func (s *Service) deactivateGone(ctx context.Context, t *target, a *attempt) {
	log := s.attemptLogger(t, a)
	log.WarnContext(ctx, "410 Gone: configuration deactivated")
	if s.Deactivator == nil {
		return
	}
	reason := fmt.Sprintf("the endpoint answered 410 Gone on %s (delivery %s)", s.now().UTC().Format(time.RFC3339), a.d.ID)
	off, err := s.Deactivator.DeactivateIfActive(ctx, t.cfg.ID, &reason)
	if err != nil {
		log.ErrorContext(ctx, "deactivate after 410", "err", err)
		return
	}
	if off != nil && s.Notices != nil {
		s.Notices.Gone(ctx, off, a.d, a.res)
	}
}

// attemptLogger is the logger of one attempt. It is made only when used:
// most attempts log nothing.
func (s *Service) attemptLogger(t *target, a *attempt) *slog.Logger {
	return s.Logger.With("delivery_id", a.d.ID, "event_id", a.d.EventID, "configuration_id", t.cfg.ID, "attempt", a.number)
}
