package publish

import (
	"context"
	"fmt"
	"slices"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/configuration"
	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/platform/telemetry"
)

// Group commit: under load, each publish paying its own statements makes
// the commit (an fsync) and the round trips the bottleneck. Publishes that
// arrive while others are being stored share the next insert instead; each
// caller still returns only after that insert has committed.

// request is one publish waiting for a group commit; its account has been
// checked against the caller's viewer.
type request struct {
	accountID pulid.ID
	in        Input
	trace     string // the publish's W3C traceparent, for its deliveries
}

// stored is what one publish gets back: what store returns for it alone.
type stored struct {
	event      *ent.Event
	deliveries []*ent.Delivery
}

// storeGrouped stores in within a transaction shared with concurrent publishes.
func (p *Publisher) storeGrouped(ctx context.Context, accountID pulid.ID, in Input) (*ent.Event, []*ent.Delivery, error) {
	s, err := p.group.Do(ctx, request{accountID: accountID, in: in, trace: telemetry.Traceparent(ctx)})
	return s.event, s.deliveries, err
}

// storeBatch stores the events of reqs and their deliveries together:
// two statements whatever the number of events (the configurations' read,
// then one insert of both, see sqlstore.InsertPublished). Then it queues
// their first attempts, a task per configuration.
//
// The configurations are read before the insert, as a transaction at READ
// COMMITTED would read them too: a configuration deactivated or deleted in
// between has its deliveries cancelled by the worker that finds it so.
func (p *Publisher) storeBatch(ctx context.Context, reqs []request) ([]stored, error) {
	// The batch runs with the first caller's viewer, but holds events of any
	// account. Each caller's account was checked by auth.OwnerAccount before
	// it queued, so the batch writes as Ferry itself: an account viewer could
	// neither create another account's rows nor see its configurations.
	ctx = viewer.System(ctx)
	ctx, span := telemetry.StartSpan(ctx, "ferry.publish.batch", attribute.Int("ferry.batch_size", len(reqs)))
	defer span.End()
	configs, err := activeConfigs(ctx, p.client, reqs)
	if err != nil {
		return nil, err
	}
	now := p.now()
	events := newEvents(reqs, now)
	deliveries, all := newDeliveries(events, configs, now)
	if err := p.sql.InsertPublished(ctx, p.client, events, all); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	out := make([]stored, len(events))
	for i, evt := range events {
		out[i] = stored{event: evt.Bind(p.client), deliveries: deliveries[i]}
	}
	// Queued once stored, before any publish of the batch returns.
	p.enqueue(ctx, reqs, out)
	return out, nil
}

// newEvents are the events of reqs, created at now.
func newEvents(reqs []request, now time.Time) []*ent.Event {
	events := make([]*ent.Event, len(reqs))
	for i, r := range reqs {
		events[i] = &ent.Event{ID: pulid.New("evt"), CreatedAt: now, UpdatedAt: now, Type: r.in.Type,
			Data: r.in.Data, Metadata: metadataOf(r.in), IdempotencyKey: r.in.IdempotencyKey, OccurredAt: now,
			AccountID: r.accountID}
	}
	return events
}

// metadataOf is in's metadata, empty rather than nil.
func metadataOf(in Input) map[string]string {
	if in.Metadata == nil {
		return map[string]string{}
	}
	return in.Metadata
}

// activeConfigs returns the active configurations of the accounts of reqs,
// by account, in one query. Which event types each subscribes to is matched
// in Go, so that one query serves every type in the batch.
func activeConfigs(ctx context.Context, client *ent.Client, reqs []request) (map[pulid.ID][]*ent.Configuration, error) {
	var accounts []pulid.ID
	for _, r := range reqs {
		if !slices.Contains(accounts, r.accountID) {
			accounts = append(accounts, r.accountID)
		}
	}
	configs, err := client.Configuration.Query().
		Where(configuration.AccountIDIn(accounts...), configuration.StatusEQ(configuration.StatusACTIVE)).
		Select(configuration.FieldAccountID, configuration.FieldName, configuration.FieldURL, configuration.FieldEventTypes).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("publish: find configurations: %w", err)
	}
	byAccount := make(map[pulid.ID][]*ent.Configuration, len(accounts))
	for _, c := range configs {
		byAccount[c.AccountID] = append(byAccount[c.AccountID], c)
	}
	return byAccount, nil
}

// newDeliveries are the deliveries of events, one per event and subscribed
// configuration of the event's own account, by event and all together.
func newDeliveries(events []*ent.Event, configs map[pulid.ID][]*ent.Configuration, now time.Time) (byEvent [][]*ent.Delivery, all []*ent.Delivery) {
	byEvent = make([][]*ent.Delivery, len(events))
	for i, evt := range events {
		for _, c := range configs[evt.AccountID] {
			if !slices.Contains(c.EventTypes, evt.Type) {
				continue
			}
			next, cfg, name := now, c.ID, c.Name
			d := &ent.Delivery{ID: pulid.New("dlv"), CreatedAt: now, UpdatedAt: now,
				Status: delivery.StatusPENDING, EventType: evt.Type, URL: c.URL, NextAttemptAt: &next,
				ConfigurationID: &cfg, ConfigurationName: &name, AccountID: evt.AccountID, EventID: evt.ID}
			byEvent[i] = append(byEvent[i], d)
			all = append(all, d)
		}
	}
	return byEvent, all
}
