// Package publish takes events in: it validates them, stores the event and one
// delivery per subscribed, active configuration in a single transaction
// (shared with concurrent publishes, see batch.go), and only then queues the
// work. Once Publish returns, nothing can be lost.
package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"golang.org/x/sync/errgroup"

	"github.com/hashicorp/golang-lru/v2/expirable"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/account"
	"github.com/ferryhq/ferry/ent/event"
	"github.com/ferryhq/ferry/ent/eventtype"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/live"
	"github.com/ferryhq/ferry/internal/adapter/queue"
	"github.com/ferryhq/ferry/internal/adapter/sqlstore"
	"github.com/ferryhq/ferry/internal/domain/apperr"
	"github.com/ferryhq/ferry/internal/domain/catalog"
	"github.com/ferryhq/ferry/internal/edge/auth"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/platform/coalesce"
	"github.com/ferryhq/ferry/internal/platform/telemetry"
)

// Limits on what a publisher may send.
const (
	MaxDataBytes      = 256 << 10
	MaxMetadataPairs  = 50
	MaxMetadataKey    = 128
	MaxMetadataValue  = 1024
	MaxIdempotencyKey = 255
)

// Input is one event to publish.
type Input struct {
	AccountID      *pulid.ID         `json:"accountID,omitempty"`
	Type           string            `json:"type"`
	Data           json.RawMessage   `json:"data"`
	Metadata       map[string]string `json:"metadata,omitempty"`
	IdempotencyKey *string           `json:"idempotencyKey,omitempty"`
}

// Publisher stores events and queues their deliveries.
type Publisher struct {
	client *ent.Client
	queue  *queue.Queue
	live   *live.Notifier
	logger *slog.Logger
	now    func() time.Time
	types  *expirable.LRU[string, struct{}] // publishable types, see typeTTL
	// accounts the admin token named that exist: accounts are never
	// deleted, so one found stays found (see checkAccount).
	accounts *expirable.LRU[pulid.ID, struct{}]
	group    *coalesce.Batcher[request, stored] // group commit, see batch.go
	sql      sqlstore.Store
	// Metrics counts publishes and created deliveries; nil counts nothing.
	Metrics *telemetry.Metrics
}

// New returns a Publisher; new deliveries are announced on n.
func New(client *ent.Client, store sqlstore.Store, q *queue.Queue, n *live.Notifier, logger *slog.Logger) *Publisher {
	p := &Publisher{client: client, sql: store, queue: q, live: n, logger: logger, now: time.Now,
		types:    expirable.NewLRU[string, struct{}](10_000, nil, typeTTL),
		accounts: expirable.NewLRU[pulid.ID, struct{}](10_000, nil, time.Hour)}
	// At most 200 events a batch bounds one insert to 50 MiB of data.
	p.group = coalesce.New(p.storeBatch, coalesce.Options{Max: 200})
	return p
}

// Publish stores the event and its deliveries, then queues them. Publishing
// an idempotency key again returns the first event and creates nothing.
func (p *Publisher) Publish(ctx context.Context, in Input) (_ *ent.Event, err error) {
	defer func() {
		if err != nil {
			p.Metrics.PublishFailed()
		}
	}()
	ctx, span := telemetry.StartSpan(ctx, "ferry.publish", attribute.String("ferry.event_type", in.Type))
	defer span.End()
	accountID, err := p.checked(ctx, in)
	if err != nil {
		return nil, err
	}
	s, replay, err := p.publishChecked(ctx, accountID, in)
	if err != nil || replay {
		return s.event, err
	}
	span.SetAttributes(attribute.String("ferry.event_id", string(s.event.ID)), attribute.Int("ferry.deliveries", len(s.deliveries)))
	return s.event, nil
}

// checked runs the checks of the input every publish starts with, and
// returns the account the event is for.
func (p *Publisher) checked(ctx context.Context, in Input) (pulid.ID, error) {
	accountID, err := auth.OwnerAccount(ctx, in.AccountID, "accountID")
	if err != nil {
		return "", err
	}
	if err := validate(in); err != nil {
		return "", err
	}
	if v, _ := viewer.FromContext(ctx); catalog.Reserved(in.Type) && v.Role != viewer.RoleSystem {
		return "", apperr.Invalid("type", "the %q namespace is reserved for events Ferry publishes itself", catalog.ReservedPrefix)
	}
	return accountID, p.checkAccount(ctx, accountID)
}

// checkAccount refuses an account named by the admin token that does not
// exist; an account token's own account does. PostgreSQL does not check an
// event's account (see migrations.Unenforced). An account found is
// remembered, so publishEvents' 100 events of one account cost one query,
// not 100; one not found is not, so it is found once created.
func (p *Publisher) checkAccount(ctx context.Context, id pulid.ID) error {
	if v, _ := viewer.FromContext(ctx); v.Role != viewer.RoleAdmin {
		return nil
	}
	if _, ok := p.accounts.Get(id); ok {
		return nil
	}
	ok, err := p.client.Account.Query().Where(account.ID(id)).Exist(ctx)
	if err != nil {
		return fmt.Errorf("publish: look up account %s: %w", id, err)
	}
	if !ok {
		return apperr.Invalid("accountID", "no account has the id %q", id)
	}
	p.accounts.Add(id, struct{}{})
	return nil
}

// publishChecked is Publish once checked has passed: it stores the event
// and its deliveries and announces them, or, with replay, returns the
// first event of in's idempotency key.
func (p *Publisher) publishChecked(ctx context.Context, accountID pulid.ID, in Input) (_ stored, replay bool, _ error) {
	if in.IdempotencyKey != nil {
		if evt, err := p.byIdempotencyKey(ctx, accountID, *in.IdempotencyKey); evt != nil || err != nil {
			return stored{event: evt}, true, err
		}
	}
	if err := p.checkType(ctx, in.Type); err != nil {
		return stored{}, false, err
	}
	// A keyed publish has a transaction of its own: its unique violation
	// must not fail a batch.
	save := p.storeGrouped
	if in.IdempotencyKey != nil {
		save = p.store
	}
	evt, deliveries, err := save(ctx, accountID, in)
	if ent.IsConstraintError(err) && in.IdempotencyKey != nil {
		// A concurrent publish with the same key won the race.
		evt, err := p.byIdempotencyKey(ctx, accountID, *in.IdempotencyKey)
		return stored{event: evt}, true, err
	}
	if err != nil {
		return stored{}, false, err
	}
	p.published(ctx, evt, deliveries)
	return stored{event: evt, deliveries: deliveries}, false, nil
}

// published announces a stored event's deliveries and counts them.
func (p *Publisher) published(ctx context.Context, evt *ent.Event, deliveries []*ent.Delivery) {
	p.live.Deliveries(ctx, deliveries...)
	p.Metrics.Published()
	for _, d := range deliveries {
		if d.ConfigurationID != nil {
			p.Metrics.Created(string(*d.ConfigurationID), 1)
		}
	}
}

// enqueueParallel bounds the Redis round trips one batch makes at once
// when it fans out to many configurations.
const enqueueParallel = 16

// perTask bounds the first attempts one task carries.
const perTask = 100

// enqueue queues the first attempts of a batch's deliveries: one task per
// configuration (per perTask deliveries), several at a time. A delivery
// alone for its configuration gets a task of its own. A failed enqueue
// loses nothing: the recovery loop finds the delivery.
func (p *Publisher) enqueue(ctx context.Context, reqs []request, out []stored) {
	open := map[pulid.ID]*queue.Many{}
	var tasks []*queue.Many
	for i, s := range out {
		for _, d := range s.deliveries {
			if d.ConfigurationID == nil {
				continue
			}
			c := *d.ConfigurationID
			g := open[c]
			if g == nil || len(g.Deliveries) == perTask {
				g = &queue.Many{Config: c}
				open[c] = g
				tasks = append(tasks, g)
			}
			g.Deliveries = append(g.Deliveries, d.ID)
			g.Traces = append(g.Traces, reqs[i].trace)
		}
	}
	var g errgroup.Group
	g.SetLimit(enqueueParallel)
	for _, m := range tasks {
		g.Go(func() error {
			var err error
			if len(m.Deliveries) == 1 {
				err = p.queue.Enqueue(ctx, queue.Attempt{DeliveryID: m.Deliveries[0], Number: 1, Config: m.Config, Trace: m.Traces[0]}, time.Time{})
			} else {
				err = p.queue.EnqueueMany(ctx, *m)
			}
			if err != nil {
				p.logger.WarnContext(ctx, "enqueue after publish failed; recovery will retry",
					"configuration_id", m.Config, "deliveries", len(m.Deliveries), "err", err)
			}
			return nil
		})
	}
	_ = g.Wait()
}

// store stores in within a transaction of its own: the group commit's
// code, for a batch of one.
func (p *Publisher) store(ctx context.Context, accountID pulid.ID, in Input) (*ent.Event, []*ent.Delivery, error) {
	s, err := p.storeBatch(ctx, []request{{accountID: accountID, in: in, trace: telemetry.Traceparent(ctx)}})
	if err != nil {
		return nil, nil, err
	}
	return s[0].event, s[0].deliveries, nil
}

func (p *Publisher) byIdempotencyKey(ctx context.Context, accountID pulid.ID, key string) (*ent.Event, error) {
	evt, err := p.client.Event.Query().
		Where(event.AccountID(accountID), event.IdempotencyKey(key)).
		Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("publish: look up idempotency key: %w", err)
	}
	return evt, nil
}

// typeTTL is how long a catalog lookup is reused: an event type archived
// takes at most this long to be refused by every publisher. Only
// publishable types are remembered, so a stream of publishes of one type
// costs the catalog one query a second, not one each, and a type created
// right after a refused publish works at once.
const typeTTL = time.Second

func (p *Publisher) checkType(ctx context.Context, name string) error {
	if _, ok := p.types.Get(name); ok {
		return nil
	}
	err := p.lookUpType(ctx, name)
	if err == nil {
		p.types.Add(name, struct{}{})
	}
	return err
}

func (p *Publisher) lookUpType(ctx context.Context, name string) error {
	et, err := p.client.EventType.Query().Where(eventtype.Name(name)).Only(ctx)
	switch {
	case ent.IsNotFound(err):
		return apperr.Invalid("type", "unknown event type %q", name)
	case err != nil:
		return fmt.Errorf("publish: look up type: %w", err)
	case et.Archived:
		return apperr.Invalid("type", "event type %q is archived", name)
	}
	return nil
}

// CheckData refuses event data that is not a JSON object of at most
// MaxDataBytes.
func CheckData(raw json.RawMessage) error {
	data := bytes.TrimSpace(raw)
	if len(data) == 0 || data[0] != '{' || !json.Valid(data) {
		return apperr.Invalid("data", "must be a JSON object")
	}
	if len(data) > MaxDataBytes {
		return apperr.Invalid("data", "must be at most %d KiB, got %d bytes", MaxDataBytes>>10, len(data))
	}
	return nil
}

func validate(in Input) error {
	if strings.TrimSpace(in.Type) == "" {
		return apperr.Invalid("type", "is required")
	}
	if err := CheckData(in.Data); err != nil {
		return err
	}
	if len(in.Metadata) > MaxMetadataPairs {
		return apperr.Invalid("metadata", "must have at most %d pairs, got %d", MaxMetadataPairs, len(in.Metadata))
	}
	for k, v := range in.Metadata {
		if k == "" || len(k) > MaxMetadataKey || len(v) > MaxMetadataValue {
			return apperr.Invalid("metadata", "keys must be 1-%d bytes and values at most %d bytes", MaxMetadataKey, MaxMetadataValue)
		}
	}
	if k := in.IdempotencyKey; k != nil && (*k == "" || len(*k) > MaxIdempotencyKey) {
		return apperr.Invalid("idempotencyKey", "must be 1-%d characters", MaxIdempotencyKey)
	}
	return nil
}
