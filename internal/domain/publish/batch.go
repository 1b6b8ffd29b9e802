package publish

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"entgo.io/ent/dialect"
	"github.com/lib/pq"
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

// deliveriesPerInsert bounds one multi-row insert of deliveries, so that it
// stays far below the bind-parameter limits of PostgreSQL (65535) and
// SQLite (32766) at a dozen columns a row.
const deliveriesPerInsert = 1000

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

// createEvents stores the events of reqs. On PostgreSQL, a batch without
// idempotency keys is one statement taking each column as one array (see
// insertArrays); a keyed event goes through ent, whose constraint error
// tells a key already used.
func (p *Publisher) createEvents(ctx context.Context, tx *ent.Tx, reqs []request, now time.Time) ([]*ent.Event, error) {
	if p.Dialect == dialect.Postgres && !slices.ContainsFunc(reqs, func(r request) bool { return r.in.IdempotencyKey != nil }) {
		return insertEventArrays(ctx, tx, reqs, now)
	}
	builders := make([]*ent.EventCreate, len(reqs))
	for i, r := range reqs {
		builders[i] = tx.Event.Create().
			SetAccountID(r.accountID).SetType(r.in.Type).SetData(r.in.Data).
			SetMetadata(metadataOf(r.in)).SetNillableIdempotencyKey(r.in.IdempotencyKey).SetOccurredAt(now)
	}
	events, err := tx.Event.CreateBulk(builders...).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("publish: store events: %w", err)
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

// insertEventArrays inserts the events of reqs, none keyed, in one
// statement whose text does not depend on their number: PostgreSQL parses
// and plans a few array parameters instead of a VALUES list of nine
// parameters an event. It returns them as ent's bulk insert would, bound
// to tx.
func insertEventArrays(ctx context.Context, tx *ent.Tx, reqs []request, now time.Time) ([]*ent.Event, error) {
	n := len(reqs)
	ids, types, data, metadata, accounts := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	events := make([]*ent.Event, n)
	client := tx.Client()
	for i, r := range reqs {
		md := metadataOf(r.in)
		raw, err := json.Marshal(md)
		if err != nil {
			return nil, fmt.Errorf("publish: store events: metadata: %w", err)
		}
		evt := &ent.Event{ID: pulid.New("evt"), CreatedAt: now, UpdatedAt: now, Type: r.in.Type,
			Data: r.in.Data, Metadata: md, OccurredAt: now, AccountID: r.accountID}
		events[i] = evt.Bind(client)
		ids[i], types[i], data[i], metadata[i], accounts[i] = string(evt.ID), evt.Type, string(evt.Data), string(raw), string(evt.AccountID)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO events (id, created_at, updated_at, type, data, metadata, occurred_at, account_id)
SELECT u.id, $1, $1, u.type, u.data, u.metadata, $1, u.account
FROM unnest($2::text[], $3::text[], $4::jsonb[], $5::jsonb[], $6::text[]) AS u(id, type, data, metadata, account)`,
		now, pq.Array(ids), pq.Array(types), pq.Array(data), pq.Array(metadata), pq.Array(accounts))
	if err != nil {
		return nil, fmt.Errorf("publish: store events: %w", err)
	}
	return events, nil
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
		Select(configuration.FieldAccountID, configuration.FieldURL, configuration.FieldEventTypes).
		Modify(sqlstore.KeyShare). // a configuration deleted meanwhile waits for this batch
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
			next, cfg := now, c.ID
			ds = append(ds, &ent.Delivery{ID: pulid.New("dlv"), CreatedAt: now, UpdatedAt: now,
				Status: delivery.StatusPENDING, EventType: evt.Type, URL: c.URL, NextAttemptAt: &next,
				ConfigurationID: &cfg, AccountID: evt.AccountID, EventID: evt.ID})
			owner = append(owner, i)
		}
	}
	insert := insertEach
	if p.Dialect == dialect.Postgres {
		insert = insertArrays
	}
	if err := insert(ctx, tx, ds); err != nil {
		return nil, fmt.Errorf("publish: store deliveries: %w", err)
	}
	byEvent := make([][]*ent.Delivery, len(events))
	for j, d := range ds {
		byEvent[owner[j]] = append(byEvent[owner[j]], d)
	}
	return byEvent, nil
}

// insertArrays inserts ds on PostgreSQL in one statement that takes each
// column as one array, so its text is the same whatever the number of
// deliveries: PostgreSQL parses and plans a few parameters instead of a
// VALUES list of thousands, and Ferry skips ent's bulk builder.
func insertArrays(ctx context.Context, tx *ent.Tx, ds []*ent.Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	ids, types, urls, configs, accounts, events := make([]string, len(ds)), make([]string, len(ds)),
		make([]string, len(ds)), make([]string, len(ds)), make([]string, len(ds)), make([]string, len(ds))
	for i, d := range ds {
		ids[i], types[i], urls[i] = string(d.ID), d.EventType, d.URL
		configs[i], accounts[i], events[i] = string(*d.ConfigurationID), string(d.AccountID), string(d.EventID)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO deliveries (id, created_at, updated_at, status, event_type,
  url, attempt_count, next_attempt_at, configuration_id, account_id, event_id)
SELECT u.id, $1, $1, $2, u.type, u.url, 0, $1, u.cfg, u.account, u.event
FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS u(id, type, url, cfg, account, event)`,
		ds[0].CreatedAt, string(delivery.StatusPENDING),
		pq.Array(ids), pq.Array(types), pq.Array(urls), pq.Array(configs), pq.Array(accounts), pq.Array(events))
	return err
}

// insertEach inserts ds through ent, deliveriesPerInsert at a time (dev
// mode's SQLite).
func insertEach(ctx context.Context, tx *ent.Tx, ds []*ent.Delivery) error {
	for start := 0; start < len(ds); start += deliveriesPerInsert {
		end := min(start+deliveriesPerInsert, len(ds))
		builders := make([]*ent.DeliveryCreate, 0, end-start)
		for _, d := range ds[start:end] {
			builders = append(builders, tx.Delivery.Create().SetID(d.ID).SetCreatedAt(d.CreatedAt).
				SetUpdatedAt(d.UpdatedAt).SetAccountID(d.AccountID).SetEventID(d.EventID).
				SetNillableConfigurationID(d.ConfigurationID).SetEventType(d.EventType).SetURL(d.URL).
				SetNillableNextAttemptAt(d.NextAttemptAt))
		}
		if err := tx.Delivery.CreateBulk(builders...).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}
