package delivery

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/configuration"
	"github.com/ferryhq/ferry/ent/deliveryattempt"
	"github.com/ferryhq/ferry/internal/adapter/sqlstore"
	"github.com/ferryhq/ferry/internal/domain/apperr"
)

// Probe sends one signed event of eventType with data to cfg, whatever its
// status: an activation ping (trigger PING) or a test event (TEST). It is
// kept in the history as an event, a delivery and one attempt, which it
// returns; ok reports a 2xx answer. Neither is retried.
func (s *Service) Probe(ctx context.Context, cfg *ent.Configuration, eventType string, data json.RawMessage,
	trigger deliveryattempt.Trigger) (att *ent.DeliveryAttempt, ok bool, err error) {
	key, err := s.Keys.Usable(ctx, cfg.AccountID, cfg.SigningKeyID, "signingKeyID")
	if err != nil {
		return nil, false, err
	}
	cfg.Edges.SigningKey = key
	t, err := s.open(cfg)
	if err != nil {
		return nil, false, err
	}
	var (
		evt *ent.Event
		d   *ent.Delivery
	)
	err = sqlstore.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		// Deleted since it was read: nothing to send to.
		ok, err := tx.Configuration.Query().Where(configuration.ID(cfg.ID)).Exist(ctx)
		if err != nil {
			return fmt.Errorf("find configuration %s: %w", cfg.ID, err)
		}
		if !ok {
			return apperr.Missing("configuration " + string(cfg.ID))
		}
		if evt, err = tx.Event.Create().
			SetAccountID(cfg.AccountID).SetType(eventType).
			SetData(data).SetOccurredAt(s.now()).
			Save(ctx); err != nil {
			return fmt.Errorf("create %s event: %w", eventType, err)
		}
		if d, err = tx.Delivery.Create().
			SetAccountID(cfg.AccountID).SetEventID(evt.ID).SetConfigurationID(cfg.ID).
			SetConfigurationName(cfg.Name).SetEventType(eventType).SetURL(cfg.URL).
			Save(ctx); err != nil {
			return fmt.Errorf("create %s delivery: %w", eventType, err)
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	d = d.Unwrap()
	d.Edges.Event = evt.Unwrap()
	s.Live.Deliveries(ctx, d)
	a := &attempt{d: d, number: 1, trigger: trigger}
	s.send(ctx, t, a)
	if _, err := s.finish(ctx, t, []*attempt{a}); err != nil {
		return nil, false, err
	}
	att, err = s.Client.DeliveryAttempt.Query().
		Where(deliveryattempt.DeliveryID(d.ID), deliveryattempt.Number(1)).
		Only(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("read back the attempt of %s: %w", d.ID, err)
	}
	return att, a.res.OK(), nil
}
