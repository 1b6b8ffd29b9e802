// Package live carries delivery changes from whichever process made them
// (a worker, an API) to every API process holding deliveryUpdated
// subscriptions, over one Redis pub/sub channel. Publishing never waits on
// subscribers: a subscriber that falls behind loses updates, not delivery
// speed.
package live

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/platform/coalesce"
)

// Channel is the Redis pub/sub channel of delivery changes for the Redis
// database db. Pub/sub ignores database numbers, so the channel names it:
// Ferry installations sharing a Redis server on different databases (as
// Ferry's own tests do) never hear each other.
func Channel(db int) string { return "ferry:live:deliveries:" + strconv.Itoa(db) }

// publishTimeout bounds how long a change may hold up its publisher.
const publishTimeout = time.Second

// SubscriberBuffer is how many changes a subscriber may fall behind before
// it misses some.
const SubscriberBuffer = 256

// snapshot is a delivery as published: the fields, not the edges (which
// could hold secrets) nor the ent client.
type snapshot struct {
	ID                 pulid.ID        `json:"id"`
	AccountID          pulid.ID        `json:"accountId"`
	EventID            pulid.ID        `json:"eventId"`
	ConfigurationID    *pulid.ID       `json:"configurationId,omitempty"`
	Status             delivery.Status `json:"status"`
	EventType          string          `json:"eventType"`
	URL                string          `json:"url"`
	AttemptCount       int             `json:"attemptCount"`
	LastResponseStatus *int            `json:"lastResponseStatus,omitempty"`
	LastDurationMs     *int            `json:"lastDurationMs,omitempty"`
	LastAttemptAt      *time.Time      `json:"lastAttemptAt,omitempty"`
	NextAttemptAt      *time.Time      `json:"nextAttemptAt,omitempty"`
	CreatedAt          time.Time       `json:"createdAt"`
	UpdatedAt          time.Time       `json:"updatedAt"`
}

func toSnapshot(d *ent.Delivery) snapshot {
	return snapshot{
		ID: d.ID, AccountID: d.AccountID, EventID: d.EventID, ConfigurationID: d.ConfigurationID,
		Status: d.Status, EventType: d.EventType, URL: d.URL, AttemptCount: d.AttemptCount,
		LastResponseStatus: d.LastResponseStatus, LastDurationMs: d.LastDurationMs,
		LastAttemptAt: d.LastAttemptAt, NextAttemptAt: d.NextAttemptAt,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
	}
}

func (s snapshot) delivery() *ent.Delivery {
	return &ent.Delivery{
		ID: s.ID, AccountID: s.AccountID, EventID: s.EventID, ConfigurationID: s.ConfigurationID,
		Status: s.Status, EventType: s.EventType, URL: s.URL, AttemptCount: s.AttemptCount,
		LastResponseStatus: s.LastResponseStatus, LastDurationMs: s.LastDurationMs,
		LastAttemptAt: s.LastAttemptAt, NextAttemptAt: s.NextAttemptAt,
		CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt,
	}
}

// Overlay copies the changing fields of snap onto d, a delivery read from
// the database, so a subscriber sees the state of the change it was told
// about even when the row has moved on since.
func Overlay(d, snap *ent.Delivery) {
	d.Status, d.AttemptCount = snap.Status, snap.AttemptCount
	d.LastResponseStatus, d.LastDurationMs = snap.LastResponseStatus, snap.LastDurationMs
	d.LastAttemptAt, d.NextAttemptAt, d.UpdatedAt = snap.LastAttemptAt, snap.NextAttemptAt, snap.UpdatedAt
	d.ConfigurationID = snap.ConfigurationID
}

// Nobody listening: a Hub with subscribers keeps listeningKey alive in
// Redis. Notifiers look at it at most every listenCheck and publish nothing
// while it is absent, since publishing costs throughput (BENCHMARKS.md). A Hub
// whose first subscriber arrives waits out listenCheck (and some margin)
// before Subscribe returns, so every notifier has seen the key by then and
// no change published afterwards is skipped.
const (
	listenCheck   = 500 * time.Millisecond
	listenSettle  = listenCheck + 100*time.Millisecond
	listenTTL     = 10 * time.Second
	listenRefresh = 3 * time.Second
)

// listeningKey is the key whose presence says that some API process holds
// subscriptions for the Redis database db.
func listeningKey(db int) string { return "ferry:live:listening:" + strconv.Itoa(db) }

// Notifier publishes delivery changes. A nil Notifier publishes nothing.
type Notifier struct {
	rdb     *redis.Client
	channel string
	key     string
	logger  *slog.Logger
	// Changes published at the same time share one message: a PUBLISH of
	// a JSON array of snapshots, one Redis round trip for all of them.
	sends *coalesce.Batcher[[]snapshot, struct{}]

	mu        sync.Mutex
	checked   time.Time // when listening was last read, before the read
	listening bool
}

// NewNotifier returns a Notifier publishing on rdb.
func NewNotifier(rdb *redis.Client, logger *slog.Logger) *Notifier {
	n := &Notifier{rdb: rdb, channel: Channel(rdb.Options().DB), key: listeningKey(rdb.Options().DB), logger: logger}
	n.sends = coalesce.New(n.publish, coalesce.Options{Timeout: publishTimeout})
	return n
}

// Deliveries publishes the current state of ds. Failures are logged, never
// returned: live updates must not fail or slow the change they report.
func (n *Notifier) Deliveries(ctx context.Context, ds ...*ent.Delivery) {
	if n == nil || len(ds) == 0 || !n.anyListener(ctx) {
		return
	}
	snaps := make([]snapshot, len(ds))
	for i, d := range ds {
		snaps[i] = toSnapshot(d)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), publishTimeout)
	defer cancel()
	if _, err := n.sends.Do(ctx, snaps); err != nil {
		n.logger.WarnContext(ctx, "live update not published", "deliveries", len(ds), "err", err)
	}
}

// anyListener reports whether some Hub holds subscriptions, reading Redis
// at most every listenCheck. When Redis cannot tell, it says yes.
func (n *Notifier) anyListener(ctx context.Context) bool {
	n.mu.Lock()
	if time.Since(n.checked) < listenCheck {
		defer n.mu.Unlock()
		return n.listening
	}
	n.mu.Unlock()
	before := time.Now()
	found, err := n.rdb.Exists(ctx, n.key).Result()
	listening := err != nil || found > 0
	n.mu.Lock()
	defer n.mu.Unlock()
	if before.After(n.checked) {
		n.checked, n.listening = before, listening
	}
	return listening
}

// maxPerMessage bounds one message, so a subscriber's process never
// decodes a huge one at once.
const maxPerMessage = 500

// publish sends the snapshots of many callers in as few messages as fit.
func (n *Notifier) publish(ctx context.Context, groups [][]snapshot) ([]struct{}, error) {
	var all []snapshot
	for _, g := range groups {
		all = append(all, g...)
	}
	_, err := n.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for start := 0; start < len(all); start += maxPerMessage {
			msg, err := json.Marshal(all[start:min(start+maxPerMessage, len(all))])
			if err != nil {
				return err
			}
			p.Publish(ctx, n.channel, msg)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return make([]struct{}, len(groups)), nil
}

// Hub holds one Redis subscription for the whole process and fans changes
// out to local subscribers.
type Hub struct {
	rdb     *redis.Client
	channel string
	key     string
	logger  *slog.Logger

	mu   sync.RWMutex
	ps   *redis.PubSub
	subs map[*subscriber]struct{}
	// since is when this Hub set listeningKey for its current subscribers;
	// zero while it has none.
	since time.Time
	// stop ends the goroutine keeping listeningKey alive; one per start.
	stop chan struct{}
}

type subscriber struct {
	account pulid.ID // empty: every account (the admin token)
	filter  *Filter
	ch      chan *ent.Delivery
	dropped int
}

// NewHub returns a Hub on rdb; it subscribes to Redis on first use.
func NewHub(rdb *redis.Client, logger *slog.Logger) *Hub {
	return &Hub{rdb: rdb, channel: Channel(rdb.Options().DB), key: listeningKey(rdb.Options().DB), logger: logger,
		subs: map[*subscriber]struct{}{}}
}

// Subscribe returns the changes of account's deliveries (every account's
// when account is empty) that pass filter, until ctx is done, when the
// channel is closed. Changes published after Subscribe returns are seen.
func (h *Hub) Subscribe(ctx context.Context, account pulid.ID, filter *Filter) (<-chan *ent.Delivery, error) {
	if err := h.start(ctx); err != nil {
		return nil, err
	}
	s := &subscriber{account: account, filter: filter, ch: make(chan *ent.Delivery, SubscriberBuffer)}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	since := h.since
	h.mu.Unlock()
	go func() {
		<-ctx.Done()
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := h.subs[s]; ok {
			delete(h.subs, s)
			close(s.ch)
		}
		if len(h.subs) == 0 {
			h.since = time.Time{} // the key expires unless another Hub keeps it
		}
	}()
	if since.IsZero() {
		if err := h.announce(ctx); err != nil {
			return nil, err
		}
		since = time.Now()
		h.mu.Lock()
		if h.since.IsZero() && len(h.subs) > 0 {
			h.since = since
		}
		h.mu.Unlock()
	}
	// Until every notifier has read the key, changes may go unpublished.
	select {
	case <-time.After(time.Until(since.Add(listenSettle))):
	case <-ctx.Done():
	}
	return s.ch, nil
}

// keepListening refreshes listeningKey while this Hub has subscribers,
// until stop is closed.
func (h *Hub) keepListening(stop <-chan struct{}) {
	t := time.NewTicker(listenRefresh)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		h.mu.RLock()
		active := len(h.subs) > 0
		h.mu.RUnlock()
		if !active {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), listenRefresh)
		if err := h.announce(ctx); err != nil {
			h.logger.Warn("live subscribers not announced", "err", err)
		}
		cancel()
	}
}

// announce sets listeningKey for another listenTTL.
func (h *Hub) announce(ctx context.Context) error {
	if err := h.rdb.Set(ctx, h.key, "1", listenTTL).Err(); err != nil {
		return fmt.Errorf("announce live subscribers: %w", err)
	}
	return nil
}

// start subscribes to Redis once, waiting for the subscription to be
// confirmed so that no change published afterwards is missed.
func (h *Hub) start(ctx context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ps != nil {
		return nil
	}
	ps := h.rdb.Subscribe(context.WithoutCancel(ctx), h.channel)
	if _, err := ps.Receive(ctx); err != nil {
		_ = ps.Close()
		return err
	}
	h.ps = ps
	go h.run(ps.Channel(redis.WithChannelSize(1024)))
	h.stop = make(chan struct{})
	go h.keepListening(h.stop)
	return nil
}

// run fans messages out until the subscription is closed.
func (h *Hub) run(msgs <-chan *redis.Message) {
	for msg := range msgs {
		snaps, err := decode(msg.Payload)
		if err != nil {
			h.logger.Warn("bad live update", "err", err)
			continue
		}
		for _, snap := range snaps {
			h.fanOut(snap.delivery())
		}
	}
}

// decode reads a message: an array of snapshots, or one snapshot as
// Ferry published them before messages were shared.
func decode(payload string) ([]snapshot, error) {
	if strings.HasPrefix(payload, "[") {
		var snaps []snapshot
		err := json.Unmarshal([]byte(payload), &snaps)
		return snaps, err
	}
	var snap snapshot
	err := json.Unmarshal([]byte(payload), &snap)
	return []snapshot{snap}, err
}

func (h *Hub) fanOut(d *ent.Delivery) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for s := range h.subs {
		if (s.account != "" && s.account != d.AccountID) || !s.filter.Match(d) {
			continue
		}
		select {
		case s.ch <- d:
		default:
			// Never block on a slow subscriber: it misses this change.
			s.dropped++
			if s.dropped == 1 || s.dropped%1000 == 0 {
				h.logger.Warn("slow live subscriber misses updates", "account_id", s.account, "dropped", s.dropped)
			}
		}
	}
}

// Close ends the Redis subscription and every local subscriber.
func (h *Hub) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		delete(h.subs, s)
		close(s.ch)
	}
	if h.ps == nil {
		return nil
	}
	close(h.stop)
	err := h.ps.Close()
	h.ps = nil
	return err
}
