package configs

import (
	"context"
	"fmt"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/configuration"
	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/deliveryattempt"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/attempts"
	"github.com/ferryhq/ferry/internal/catalog"
	"github.com/ferryhq/ferry/internal/sender"
)

// Activation is the outcome of activateConfiguration.
type Activation struct {
	Configuration *ent.Configuration   `json:"configuration"`
	Attempt       *ent.DeliveryAttempt `json:"attempt"`
}

// Activate sends a signed ping event to the configuration's URL and turns it
// ACTIVE only if it answers 2xx. The ping is kept in the history as an event,
// a delivery and an attempt with trigger PING.
func (s *Service) Activate(ctx context.Context, id pulid.ID) (*Activation, error) {
	cfg, err := s.get(ctx, id)
	if err != nil {
		return nil, err
	}
	key, err := s.keys.Usable(ctx, cfg.SigningKeyID, "signingKeyID")
	if err != nil {
		return nil, err
	}
	secrets, err := s.keys.Secrets(key)
	if err != nil {
		return nil, fmt.Errorf("activate %s: %w", id, err)
	}
	now := s.now()
	evt, err := s.client.Event.Create().
		SetAccountID(cfg.AccountID).SetType(catalog.PingType).
		SetData(pingData(cfg)).SetOccurredAt(now).
		Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("activate %s: create ping event: %w", id, err)
	}
	d, err := s.client.Delivery.Create().
		SetAccountID(cfg.AccountID).SetEventID(evt.ID).SetConfigurationID(cfg.ID).
		SetEventType(catalog.PingType).SetURL(cfg.URL).
		Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("activate %s: create ping delivery: %w", id, err)
	}
	res := s.sender.Send(ctx, sender.Message{
		URL:             cfg.URL,
		Timeout:         time.Duration(cfg.TimeoutSeconds) * time.Second,
		Headers:         cfg.Headers,
		EventID:         string(evt.ID),
		EventType:       evt.Type,
		Data:            evt.Data,
		OccurredAt:      evt.OccurredAt,
		ConfigurationID: string(cfg.ID),
		DeliveryID:      string(d.ID),
		Attempt:         1,
		Keys:            secrets,
	})
	att, err := attempts.Record(ctx, s.client, d, 1, deliveryattempt.TriggerPING, res)
	if err != nil {
		return nil, err
	}
	status := delivery.StatusFAILED
	if res.OK() {
		status = delivery.StatusSUCCEEDED
	}
	upd := s.client.Delivery.UpdateOne(d).
		SetStatus(status).SetAttemptCount(1).
		SetLastDurationMs(att.DurationMs).SetLastAttemptAt(att.StartedAt)
	if att.ResponseStatus != nil {
		upd.SetLastResponseStatus(*att.ResponseStatus)
	}
	if err := upd.Exec(ctx); err != nil {
		return nil, fmt.Errorf("activate %s: update ping delivery: %w", id, err)
	}
	if res.OK() {
		cfg, err = s.client.Configuration.UpdateOne(cfg).
			SetStatus(configuration.StatusACTIVE).SetActivatedAt(now).ClearDisabledReason().
			Save(ctx)
		if err != nil {
			return nil, fmt.Errorf("activate %s: %w", id, err)
		}
	}
	return &Activation{Configuration: cfg, Attempt: att}, nil
}
