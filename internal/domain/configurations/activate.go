package configurations

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/configuration"
	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/deliveryattempt"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/sender"
	"github.com/ferryhq/ferry/internal/adapter/sqlstore"
	"github.com/ferryhq/ferry/internal/domain/apperr"
	"github.com/ferryhq/ferry/internal/domain/attempts"
	"github.com/ferryhq/ferry/internal/domain/catalog"
	"github.com/ferryhq/ferry/internal/domain/publish"
)

// TestEventInput is one "Send test event" of a configuration.
type TestEventInput struct {
	ConfigurationID pulid.ID        `json:"configurationID"`
	EventType       string          `json:"eventType"`
	Data            json.RawMessage `json:"data,omitempty"`
}

// SendTestEvent sends one signed event of a known type to a configuration,
// whatever its status, with the given data, else the type's sample, else a
// generic one, and returns the attempt (trigger TEST): the request sent and
// the response.
func (s *Service) SendTestEvent(ctx context.Context, in TestEventInput) (*ent.DeliveryAttempt, error) {
	cfg, err := s.get(ctx, in.ConfigurationID)
	if err != nil {
		return nil, err
	}
	if err := catalog.CheckUsable(ctx, s.client, "eventType", []string{in.EventType}); err != nil {
		return nil, err
	}
	data := in.Data
	if len(data) == 0 || string(data) == "null" {
		if data, err = catalog.Sample(ctx, s.client, in.EventType); err != nil {
			return nil, err
		}
		if data == nil {
			data = sampleData(in.EventType)
		}
	} else if err := publish.CheckData(data); err != nil {
		return nil, err
	}
	att, _, err := s.sendOne(ctx, cfg, in.EventType, data, deliveryattempt.TriggerTEST)
	if err != nil {
		return nil, fmt.Errorf("send test event to %s: %w", cfg.ID, err)
	}
	return att, nil
}

// sampleData is the data of a test event sent without any, of a type that
// has no sample of its own.
func sampleData(eventType string) json.RawMessage {
	b, _ := json.Marshal(map[string]any{
		"test":      true,
		"eventType": eventType,
		"message":   "A test event sent by Ferry; it carries no real data.",
	})
	return b
}

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
	att, ok, err := s.sendOne(ctx, cfg, catalog.PingType, pingData(cfg), deliveryattempt.TriggerPING)
	if err != nil {
		return nil, fmt.Errorf("activate %s: %w", id, err)
	}
	if ok {
		cfg, err = s.client.Configuration.UpdateOne(cfg).
			SetStatus(configuration.StatusACTIVE).SetActivatedAt(s.now()).ClearDisabledReason().
			Save(ctx)
		if err != nil {
			return nil, fmt.Errorf("activate %s: %w", id, err)
		}
	}
	return &Activation{Configuration: cfg, Attempt: att}, nil
}

// sendOne sends one signed event of eventType with data to cfg, whatever its
// status, and keeps it in the history as an event, a delivery and one attempt
// with trigger. ok reports a 2xx answer.
func (s *Service) sendOne(ctx context.Context, cfg *ent.Configuration, eventType string, data json.RawMessage,
	trigger deliveryattempt.Trigger) (att *ent.DeliveryAttempt, ok bool, err error) {
	key, err := s.keys.Usable(ctx, cfg.AccountID, cfg.SigningKeyID, "signingKeyID")
	if err != nil {
		return nil, false, err
	}
	secrets, err := s.keys.Secrets(cfg.AccountID, key)
	if err != nil {
		return nil, false, err
	}
	headers, err := s.Headers(cfg)
	if err != nil {
		return nil, false, err
	}
	var (
		evt *ent.Event
		d   *ent.Delivery
	)
	err = sqlstore.WithTx(ctx, s.client, func(tx *ent.Tx) error {
		// Lock the configuration as a foreign key would: deleted meanwhile,
		// it is gone here, or waits to unlink this delivery.
		ok, err := tx.Configuration.Query().Where(configuration.ID(cfg.ID)).Modify(sqlstore.KeyShare).Exist(ctx)
		if err != nil {
			return fmt.Errorf("lock configuration %s: %w", cfg.ID, err)
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
			SetEventType(eventType).SetURL(cfg.URL).
			Save(ctx); err != nil {
			return fmt.Errorf("create %s delivery: %w", eventType, err)
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	evt, d = evt.Unwrap(), d.Unwrap()
	s.live.Deliveries(ctx, d)
	res := s.sender.Send(ctx, sender.Message{
		URL:             cfg.URL,
		Timeout:         time.Duration(cfg.TimeoutSeconds) * time.Second,
		Headers:         headers,
		EventID:         string(evt.ID),
		EventType:       evt.Type,
		Data:            evt.Data,
		OccurredAt:      evt.OccurredAt,
		ConfigurationID: string(cfg.ID),
		DeliveryID:      string(d.ID),
		Attempt:         1,
		Keys:            secrets,
	})
	out := attempts.Outcome{Status: delivery.StatusFAILED}
	if res.OK() {
		out.Status = delivery.StatusSUCCEEDED
	}
	moved, err := attempts.Save(ctx, s.client, d, 1, trigger, res, out, false)
	if err != nil {
		return nil, false, err
	}
	s.live.Deliveries(ctx, moved)
	s.Metrics.Attempt(string(trigger), res.OK(), res.Duration)
	att, err = s.client.DeliveryAttempt.Query().
		Where(deliveryattempt.DeliveryID(d.ID), deliveryattempt.Number(1)).
		Only(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("read back the attempt of %s: %w", d.ID, err)
	}
	return att, res.OK(), nil
}
