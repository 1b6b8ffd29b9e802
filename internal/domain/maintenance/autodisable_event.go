package maintenance

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/eventtype"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/domain/publish"
	"github.com/ferryhq/ferry/internal/edge/viewer"
)

// EventType is the event published to an account's configurations that
// subscribe to it when Ferry switches one of its configurations off.
const EventType = "ferry.configuration.disabled"

// Application groups Ferry's own event types in the catalog.
const Application = "ferry"

// eventTypeDescription is the catalog description of EventType.
const eventTypeDescription = "Sent by Ferry when it switches one of the account's webhook configurations off " +
	"because every delivery to it has failed for FERRY_AUTO_DISABLE_AFTER (default 72h) with at least " +
	"FERRY_AUTO_DISABLE_MIN_FAILURES (default 20) failed deliveries. The configuration is INACTIVE and its " +
	"waiting deliveries are CANCELLED; fix the endpoint, activate it again and resend what it missed. " +
	"Data: configurationId, name, url, disabledReason, failingSince, failedDeliveries, " +
	"lastResponseStatus (when the last failure got a response), lastError (when it got none), disabledAt."

// timeFormat is how times appear in the event's data, as sentDate does.
const timeFormat = "2006-01-02T15:04:05.000Z"

// EnsureEventType adds EventType to the catalog unless it is there, so that
// configurations can subscribe to it before anything is switched off. Many
// processes may call it at once: one inserts, the others find its row.
// A nil AutoDisable does nothing.
func (c *AutoDisable) EnsureEventType(ctx context.Context) error {
	if c == nil || c.After <= 0 {
		return nil
	}
	ctx = viewer.System(ctx)
	exists, err := c.Client.EventType.Query().Where(eventtype.Name(EventType)).Exist(ctx)
	if err != nil {
		return fmt.Errorf("look up event type %s: %w", EventType, err)
	}
	if exists {
		return nil
	}
	err = c.Client.EventType.Create().
		SetName(EventType).SetDescription(eventTypeDescription).SetApplication(Application).
		Exec(ctx)
	if ent.IsConstraintError(err) {
		return nil // another process inserted it first
	}
	if err != nil {
		return fmt.Errorf("create event type %s: %w", EventType, err)
	}
	c.logger().InfoContext(ctx, "event type added to the catalog", "event_type", EventType)
	return nil
}

// disabledData is the data of an EventType event.
type disabledData struct {
	ConfigurationID    pulid.ID `json:"configurationId"`
	Name               string   `json:"name"`
	URL                string   `json:"url"`
	DisabledReason     string   `json:"disabledReason"`
	FailingSince       string   `json:"failingSince"`
	FailedDeliveries   int      `json:"failedDeliveries"`
	LastResponseStatus *int     `json:"lastResponseStatus,omitempty"`
	LastError          string   `json:"lastError,omitempty"`
	DisabledAt         string   `json:"disabledAt"`
}

// announce publishes EventType for cfg, just switched off, to its account.
func (c *AutoDisable) announce(ctx context.Context, cfg *ent.Configuration, f *failure, reason string) error {
	data, err := json.Marshal(disabledData{
		ConfigurationID: cfg.ID, Name: cfg.Name, URL: cfg.URL, DisabledReason: reason,
		FailingSince:       f.since.UTC().Format(timeFormat),
		FailedDeliveries:   f.count,
		LastResponseStatus: f.status,
		LastError:          f.errMsg,
		DisabledAt:         cfg.UpdatedAt.UTC().Format(timeFormat),
	})
	if err != nil {
		return fmt.Errorf("auto-disable: event data: %w", err)
	}
	// Ensured here too: the worker's start may have found the database down.
	if err := c.EnsureEventType(ctx); err != nil {
		return fmt.Errorf("auto-disable: %w", err)
	}
	account := cfg.AccountID
	evt, err := c.Publisher.Publish(viewer.System(ctx), publish.Input{
		AccountID: &account,
		Type:      EventType,
		Data:      data,
		Metadata:  map[string]string{"configurationId": string(cfg.ID)},
	})
	if err != nil {
		return fmt.Errorf("auto-disable: publish %s for %s: %w", EventType, cfg.ID, err)
	}
	c.logger().InfoContext(ctx, "account told its configuration was switched off",
		"configuration_id", cfg.ID, "account_id", account, "event_id", evt.ID)
	return nil
}
