package configurations

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/configuration"
	"github.com/ferryhq/ferry/ent/deliveryattempt"
	"github.com/ferryhq/ferry/ent/schema/pulid"
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
	att, _, err := s.attempts.Probe(ctx, cfg, in.EventType, data, deliveryattempt.TriggerTEST)
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
	att, ok, err := s.attempts.Probe(ctx, cfg, catalog.PingType, pingData(cfg), deliveryattempt.TriggerPING)
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
