// Package notices holds Ferry's operational events: what Ferry tells an
// account about its own webhooks, as events of the ferry.* types delivered
// like any other to the account's configurations that subscribe to them.
//
//   - ferry.configuration.disabled: Ferry switched a configuration off,
//     because its deliveries kept failing (auto-disable) or its endpoint
//     answered 410 Gone;
//   - ferry.delivery.exhausted: a delivery failed its last automatic attempt;
//   - ferry.configuration.failing: an automatic attempt of a configuration
//     failed, at most once per configuration and FailingPeriod.
//
// None is published about a delivery of a ferry.* event, so a failing
// configuration that listens to them cannot feed itself.
package notices

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/configuration"
	"github.com/ferryhq/ferry/ent/eventtype"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/sender"
	"github.com/ferryhq/ferry/internal/domain/publish"
	"github.com/ferryhq/ferry/internal/edge/viewer"
)

// The operational event types.
const (
	ConfigurationDisabled = "ferry.configuration.disabled"
	ConfigurationFailing  = "ferry.configuration.failing"
	DeliveryExhausted     = "ferry.delivery.exhausted"
)

// Application groups Ferry's own event types in the catalog.
const Application = "ferry"

// DefaultFailingPeriod is how often one configuration's failing notice may
// be published at most.
const DefaultFailingPeriod = time.Hour

// descriptions are the catalog's descriptions of the types, which say what
// their data holds.
var descriptions = map[string]string{
	ConfigurationDisabled: "Sent by Ferry when it switches one of the account's webhook configurations off: cause auto_disable " +
		"when every delivery to it has failed for FERRY_AUTO_DISABLE_AFTER (default 72h) with at least " +
		"FERRY_AUTO_DISABLE_MIN_FAILURES (default 20) failed deliveries, cause gone when its endpoint answered 410 Gone. " +
		"The configuration is INACTIVE and its waiting deliveries are CANCELLED; fix the endpoint, activate it again and " +
		"resend what it missed. Data: cause, configurationId, name, url, disabledReason, failingSince, failedDeliveries, " +
		"lastResponseStatus (when the last failure got a response), lastError (when it got none), disabledAt.",
	DeliveryExhausted: "Sent by Ferry when a delivery failed its last automatic attempt and will not be retried (resend it by hand). " +
		"Data: deliveryId, eventId, eventType, configurationId, name, url, attempts, lastResponseStatus (when it got a response), " +
		"lastError (when it got none), exhaustedAt.",
	ConfigurationFailing: "Sent by Ferry when an automatic attempt to one of the account's configurations failed, at most once an hour " +
		"per configuration: its endpoint may be down. Data: configurationId, name, url, deliveryId, eventId, eventType, attempt, " +
		"lastResponseStatus (when it got a response), lastError (when it got none), failedAt.",
}

// timeFormat is how times appear in the events' data, as sentDate does.
const timeFormat = "2006-01-02T15:04:05.000Z"

// Notifier publishes the operational events.
type Notifier struct {
	client    *ent.Client
	publisher *publish.Publisher
	rdb       redis.UniversalClient // shares the failing throttle among processes; nil: per process
	logger    *slog.Logger
	// FailingPeriod bounds how often one configuration's failing notice is
	// published.
	FailingPeriod time.Duration
	now           func() time.Time

	ensured atomic.Bool // the types are in the catalog
	mu      sync.Mutex
	failing map[pulid.ID]time.Time // when this process last published one
}

// New returns a Notifier publishing through p.
func New(client *ent.Client, p *publish.Publisher, rdb redis.UniversalClient, logger *slog.Logger) *Notifier {
	return &Notifier{client: client, publisher: p, rdb: rdb, logger: logger,
		FailingPeriod: DefaultFailingPeriod, now: time.Now, failing: map[pulid.ID]time.Time{}}
}

// SetClock replaces the clock the failing period is measured by.
func (n *Notifier) SetClock(now func() time.Time) { n.now = now }

// EnsureEventTypes adds the operational types to the catalog unless they
// are there, so that configurations can subscribe to them before any is
// published. Many processes may call it at once.
func (n *Notifier) EnsureEventTypes(ctx context.Context) error {
	if n.ensured.Load() {
		return nil
	}
	ctx = viewer.System(ctx)
	for _, name := range []string{ConfigurationDisabled, DeliveryExhausted, ConfigurationFailing} {
		exists, err := n.client.EventType.Query().Where(eventtype.Name(name)).Exist(ctx)
		if err != nil {
			return fmt.Errorf("look up event type %s: %w", name, err)
		}
		if exists {
			continue
		}
		err = n.client.EventType.Create().
			SetName(name).SetDescription(descriptions[name]).SetApplication(Application).
			Exec(ctx)
		if err != nil && !ent.IsConstraintError(err) { // a constraint error: another process was first
			return fmt.Errorf("create event type %s: %w", name, err)
		}
	}
	n.ensured.Store(true)
	return nil
}

// Disabled is the data of a ferry.configuration.disabled event.
type Disabled struct {
	Cause              string   `json:"cause"` // auto_disable or gone
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

// Causes of a Disabled.
const (
	CauseAutoDisable = "auto_disable"
	CauseGone        = "gone"
)

// ConfigurationSwitchedOff tells cfg's account that Ferry switched cfg off.
func (n *Notifier) ConfigurationSwitchedOff(ctx context.Context, cfg *ent.Configuration, data Disabled) error {
	data.ConfigurationID, data.Name, data.URL = cfg.ID, cfg.Name, cfg.URL
	if data.DisabledAt == "" {
		data.DisabledAt = cfg.UpdatedAt.UTC().Format(timeFormat)
	}
	return n.publish(ctx, cfg, ConfigurationDisabled, data)
}

// Gone tells the account of cfg, just switched off because d's attempt got
// 410 Gone, why.
func (n *Notifier) Gone(ctx context.Context, cfg *ent.Configuration, d *ent.Delivery, res sender.Result) {
	at := res.StartedAt.UTC().Format(timeFormat)
	status := res.StatusCode
	data := Disabled{Cause: CauseGone, FailingSince: at, FailedDeliveries: 1, LastResponseStatus: &status}
	if cfg.DisabledReason != nil {
		data.DisabledReason = *cfg.DisabledReason
	}
	if err := n.ConfigurationSwitchedOff(ctx, cfg, data); err != nil {
		n.logger.ErrorContext(ctx, "tell the account its configuration was switched off", "configuration_id", cfg.ID, "delivery_id", d.ID, "err", err)
	}
}

// exhausted is the data of a ferry.delivery.exhausted event.
type exhausted struct {
	DeliveryID         pulid.ID `json:"deliveryId"`
	EventID            pulid.ID `json:"eventId"`
	EventType          string   `json:"eventType"`
	ConfigurationID    pulid.ID `json:"configurationId"`
	Name               string   `json:"name"`
	URL                string   `json:"url"`
	Attempts           int      `json:"attempts"`
	LastResponseStatus *int     `json:"lastResponseStatus,omitempty"`
	LastError          string   `json:"lastError,omitempty"`
	ExhaustedAt        string   `json:"exhaustedAt"`
}

// Exhausted tells the account of cfg that d failed attempt number, its
// last, with res.
func (n *Notifier) Exhausted(ctx context.Context, cfg *ent.Configuration, d *ent.Delivery, number int, res sender.Result) {
	if operational(d) {
		return
	}
	status, msg := outcome(res)
	data := exhausted{DeliveryID: d.ID, EventID: d.EventID, EventType: d.EventType, ConfigurationID: cfg.ID,
		Name: cfg.Name, URL: cfg.URL, Attempts: number, LastResponseStatus: status, LastError: msg,
		ExhaustedAt: n.now().UTC().Format(timeFormat)}
	if err := n.publish(ctx, cfg, DeliveryExhausted, data); err != nil {
		n.logger.ErrorContext(ctx, "tell the account a delivery is exhausted", "delivery_id", d.ID, "err", err)
	}
}

// failingData is the data of a ferry.configuration.failing event.
type failingData struct {
	ConfigurationID    pulid.ID `json:"configurationId"`
	Name               string   `json:"name"`
	URL                string   `json:"url"`
	DeliveryID         pulid.ID `json:"deliveryId"`
	EventID            pulid.ID `json:"eventId"`
	EventType          string   `json:"eventType"`
	Attempt            int      `json:"attempt"`
	LastResponseStatus *int     `json:"lastResponseStatus,omitempty"`
	LastError          string   `json:"lastError,omitempty"`
	FailedAt           string   `json:"failedAt"`
}

// Failing tells the account of cfg that attempt number of d failed with
// res, unless it was told within FailingPeriod (by any process sharing
// Redis, or by this one when Redis cannot say).
func (n *Notifier) Failing(ctx context.Context, cfg *ent.Configuration, d *ent.Delivery, number int, res sender.Result) {
	if operational(d) || !n.due(ctx, cfg.ID) {
		return
	}
	status, msg := outcome(res)
	data := failingData{ConfigurationID: cfg.ID, Name: cfg.Name, URL: cfg.URL, DeliveryID: d.ID, EventID: d.EventID,
		EventType: d.EventType, Attempt: number, LastResponseStatus: status, LastError: msg,
		FailedAt: res.StartedAt.UTC().Format(timeFormat)}
	if err := n.publish(ctx, cfg, ConfigurationFailing, data); err != nil {
		n.logger.ErrorContext(ctx, "tell the account its configuration is failing", "configuration_id", cfg.ID, "err", err)
	}
}

// due reports whether a failing notice of id may go out now, and takes the
// period if so.
func (n *Notifier) due(ctx context.Context, id pulid.ID) bool {
	now := n.now()
	n.mu.Lock()
	if at, ok := n.failing[id]; ok && now.Sub(at) < n.FailingPeriod {
		n.mu.Unlock()
		return false
	}
	if len(n.failing) > 10_000 {
		clear(n.failing)
	}
	n.failing[id] = now
	n.mu.Unlock()
	if n.rdb == nil {
		return true
	}
	ok, err := n.rdb.SetNX(ctx, "ferry:notice:failing:"+string(id), "1", n.FailingPeriod).Result()
	return ok || err != nil
}

// publish publishes typ with data to cfg's account.
func (n *Notifier) publish(ctx context.Context, cfg *ent.Configuration, typ string, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("%s data: %w", typ, err)
	}
	ctx = viewer.System(ctx)
	// Ensured here too: the worker's start may have found the database down.
	if err := n.EnsureEventTypes(ctx); err != nil {
		return err
	}
	account := cfg.AccountID
	if typ != ConfigurationDisabled {
		// The frequent ones are stored only when someone listens; a
		// switch-off is rare and stays in the events for the record.
		if listening, err := n.listening(ctx, account, typ); err != nil || !listening {
			return err
		}
	}
	evt, err := n.publisher.Publish(ctx, publish.Input{
		AccountID: &account, Type: typ, Data: raw,
		Metadata: map[string]string{"configurationId": string(cfg.ID)},
	})
	if err != nil {
		return fmt.Errorf("publish %s for %s: %w", typ, cfg.ID, err)
	}
	n.logger.InfoContext(ctx, "operational event published", "event_type", typ, "configuration_id", cfg.ID,
		"account_id", account, "event_id", evt.ID)
	return nil
}

// listening reports whether an ACTIVE configuration of account subscribes
// to typ.
func (n *Notifier) listening(ctx context.Context, account pulid.ID, typ string) (bool, error) {
	cfgs, err := n.client.Configuration.Query().
		Where(configuration.AccountID(account), configuration.StatusEQ(configuration.StatusACTIVE)).
		Select(configuration.FieldEventTypes).
		All(ctx)
	if err != nil {
		return false, fmt.Errorf("who listens to %s: %w", typ, err)
	}
	for _, c := range cfgs {
		if slices.Contains(c.EventTypes, typ) {
			return true, nil
		}
	}
	return false, nil
}

// operational reports whether d delivers one of Ferry's own events, about
// which nothing more is said.
func operational(d *ent.Delivery) bool {
	return strings.HasPrefix(strings.ToLower(d.EventType), Application+".")
}

// outcome is what an attempt got: its status, or its error when no
// response came.
func outcome(res sender.Result) (*int, string) {
	if res.StatusCode != 0 {
		s := res.StatusCode
		return &s, ""
	}
	return nil, res.Error
}
