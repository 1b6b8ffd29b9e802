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
	"github.com/ferryhq/ferry/internal/adapter/sqlstore"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/platform/telemetry"
)

// Group commit: under load, each publish paying its own transaction makes
// the commit (an fsync) and the round trips the bottleneck. Publishes that
// arrive while others are being stored share the next transaction instead;
// each caller still returns only after that transaction has committed.

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

// storeBatch stores the events of reqs and their deliveries in one
// transaction: three statements (more only past deliveriesPerInsert)
// whatever the number of events. Then it queues their first attempts, a
// task per configuration.
func (p *Publisher) storeBatch(ctx context.Context, reqs []request) ([]stored, error) {
	// The batch runs with the first caller's viewer, but holds events of any
	// account. Each caller's account was checked by auth.OwnerAccount before
	// it queued, so the batch writes as Ferry itself: an account viewer could
	// neither create another account's rows nor see its configurations.
	ctx = viewer.System(ctx)
	ctx, span := telemetry.StartSpan(ctx, "ferry.publish.batch", attribute.Int("ferry.batch_size", len(reqs)))
	defer span.End()
	var (
		events     []*ent.Event
		deliveries [][]*ent.Delivery
	)
	err := sqlstore.WithTx(ctx, p.client, func(tx *ent.Tx) error {
		now := p.now()
		var err error
		if events, err = p.createEvents(ctx, tx, reqs, now); err != nil {
			return err
		}
		configs, err := activeConfigs(ctx, tx, reqs)
		if err != nil {
			return err
		}
		deliveries, err = p.createDeliveries(ctx, tx, events, configs, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]stored, len(events))
	for i, evt := range events {
		out[i] = stored{event: evt.Unwrap(), deliveries: deliveries[i]}
	}
	// Queued once committed, before any publish of the batch returns.
	p.enqueue(ctx, reqs, out)
	return out, nil
}

// createEvents stores the events of reqs in tx and returns them, bound to
// tx. A keyed event's constraint error tells a key already used.
func (p *Publisher) createEvents(ctx context.Context, tx *ent.Tx, reqs []request, now time.Time) ([]*ent.Event, error) {
	events := make([]*ent.Event, len(reqs))
	for i, r := range reqs {
		events[i] = &ent.Event{ID: pulid.New("evt"), CreatedAt: now, UpdatedAt: now, Type: r.in.Type,
			Data: r.in.Data, Metadata: metadataOf(r.in), IdempotencyKey: r.in.IdempotencyKey, OccurredAt: now,
			AccountID: r.accountID}
	}
	if err := p.sql.InsertEvents(ctx, tx, events); err != nil {
		return nil, fmt.Errorf("publish: store events: %w", err)
	}
	client := tx.Client()
	for i, evt := range events {
		events[i] = evt.Bind(client)
	}
	return events, nil
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
func activeConfigs(ctx context.Context, tx *ent.Tx, reqs []request) (map[pulid.ID][]*ent.Configuration, error) {
	var accounts []pulid.ID
	for _, r := range reqs {
		if !slices.Contains(accounts, r.accountID) {
			accounts = append(accounts, r.accountID)
		}
	}
	configs, err := tx.Configuration.Query().
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

// createDeliveries creates one delivery per event and subscribed
// configuration of the event's own account, and returns them by event.
func (p *Publisher) createDeliveries(ctx context.Context, tx *ent.Tx, events []*ent.Event, configs map[pulid.ID][]*ent.Configuration, now time.Time) ([][]*ent.Delivery, error) {
	var (
		ds    []*ent.Delivery
		owner []int // index in events of each of ds
	)
	for i, evt := range events {
		for _, c := range configs[evt.AccountID] {
			if !slices.Contains(c.EventTypes, evt.Type) {
				continue
			}
			next, cfg, name := now, c.ID, c.Name
			ds = append(ds, &ent.Delivery{ID: pulid.New("dlv"), CreatedAt: now, UpdatedAt: now,
				Status: delivery.StatusPENDING, EventType: evt.Type, URL: c.URL, NextAttemptAt: &next,
				ConfigurationID: &cfg, ConfigurationName: &name, AccountID: evt.AccountID, EventID: evt.ID})
			owner = append(owner, i)
		}
	}
	if err := p.sql.InsertDeliveries(ctx, tx, ds); err != nil {
		return nil, fmt.Errorf("publish: store deliveries: %w", err)
	}
	byEvent := make([][]*ent.Delivery, len(events))
	for j, d := range ds {
		byEvent[owner[j]] = append(byEvent[owner[j]], d)
	}
	return byEvent, nil
}
