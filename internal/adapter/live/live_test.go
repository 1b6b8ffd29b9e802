package live_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/live"
	"github.com/ferryhq/ferry/internal/testing/testenv"
)

// redisClients returns two connections to the test's own Redis DB, as a
// publishing process and a subscribing one would have.
func redisClients(t *testing.T) (*redis.Client, *redis.Client) {
	t.Helper()
	opts, err := redis.ParseURL(testenv.Redis(t))
	if err != nil {
		t.Fatal(err)
	}
	a, b := redis.NewClient(opts), redis.NewClient(opts)
	t.Cleanup(func() { _ = a.Close(); _ = b.Close() })
	return a, b
}

// newLive returns a hub and a notifier on their own connections to the
// test's Redis DB, as a subscribing and a publishing process would have, the
// publisher's connection, and a context that ends with the test.
func newLive(t *testing.T) (*live.Hub, *live.Notifier, *redis.Client, context.Context) {
	t.Helper()
	pub, sub := redisClients(t)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	hub, notifier := live.NewHub(sub, logger), live.NewNotifier(pub, logger)
	t.Cleanup(func() { _ = hub.Close() })
	return hub, notifier, pub, t.Context()
}

func change(i int, account string, status delivery.Status) *ent.Delivery {
	cfg := pulid.ID("cfg_" + account)
	return &ent.Delivery{ID: pulid.ID(fmt.Sprintf("dlv_%05d", i)), AccountID: pulid.ID(account), ConfigurationID: &cfg,
		Status: status, EventType: "QUESTION_ANSWERED", CreatedAt: time.Now(), UpdatedAt: time.Now()}
}

func receive(t *testing.T, ch <-chan *ent.Delivery) *ent.Delivery {
	t.Helper()
	select {
	case d, ok := <-ch:
		if !ok {
			t.Fatal("subscription closed")
		}
		return d
	case <-time.After(5 * time.Second):
		t.Fatal("no change arrived")
		return nil
	}
}

func TestChangesReachOnlyTheOwningAccountsMatchingSubscribers(t *testing.T) {
	t.Parallel()
	hub, notifier, _, ctx := newLive(t)
	all, err := hub.Subscribe(ctx, "acc_a", nil)
	if err != nil {
		t.Fatal(err)
	}
	failedOnly, err := hub.Subscribe(ctx, "acc_a", &live.Filter{StatusIn: []delivery.Status{delivery.StatusFAILED}})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := hub.Subscribe(ctx, "", nil)
	if err != nil {
		t.Fatal(err)
	}

	notifier.Deliveries(ctx, change(1, "acc_b", delivery.StatusFAILED), change(2, "acc_a", delivery.StatusPENDING), change(3, "acc_a", delivery.StatusFAILED))
	if d := receive(t, all); d.ID != "dlv_00002" {
		t.Errorf("account A first got %s, want dlv_00002 (B's change must not reach it)", d.ID)
	}
	if d := receive(t, all); d.ID != "dlv_00003" || d.Status != delivery.StatusFAILED || *d.ConfigurationID != "cfg_acc_a" {
		t.Errorf("account A then got %+v, want dlv_00003 FAILED with its fields", d)
	}
	if d := receive(t, failedOnly); d.ID != "dlv_00003" {
		t.Errorf("the FAILED-only subscription got %s first, want dlv_00003", d.ID)
	}
	for _, want := range []pulid.ID{"dlv_00001", "dlv_00002", "dlv_00003"} {
		if d := receive(t, admin); d.ID != want {
			t.Errorf("the admin subscription got %s, want %s", d.ID, want)
		}
	}
}

func TestASlowSubscriberMissesChangesWithoutHoldingUpOthers(t *testing.T) {
	t.Parallel()
	hub, notifier, _, ctx := newLive(t)
	slow, _ := hub.Subscribe(ctx, "acc_a", nil) // never read until the end
	fast, err := hub.Subscribe(ctx, "acc_a", nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 3 * live.SubscriberBuffer
	got := make(chan int)
	go func() {
		seen := 0
		for range fast {
			if seen++; seen == n {
				break
			}
		}
		got <- seen
	}()
	for i := range n {
		notifier.Deliveries(ctx, change(i, "acc_a", delivery.StatusSUCCEEDED))
	}
	select {
	case seen := <-got:
		if seen != n {
			t.Errorf("the fast subscriber saw %d of %d changes", seen, n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the fast subscriber was held up by the slow one")
	}
	if buffered := len(slow); buffered != live.SubscriberBuffer {
		t.Errorf("the slow subscriber holds %d changes, want its full buffer of %d and no more", buffered, live.SubscriberBuffer)
	}
}

// Concurrent changes share messages; every one still reaches the
// subscriber once, and a single-object message from an older Ferry is read.
func TestConcurrentChangesEachArriveOnce(t *testing.T) {
	t.Parallel()
	hub, notifier, pub, ctx := newLive(t)
	ch, err := hub.Subscribe(ctx, "acc_a", nil)
	if err != nil {
		t.Fatal(err)
	}
	const n = live.SubscriberBuffer - 1 // all fit in the buffer: none is dropped
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { notifier.Deliveries(ctx, change(i, "acc_a", delivery.StatusSUCCEEDED)) })
	}
	wg.Wait()
	old := `{"id":"dlv_old","accountId":"acc_a","status":"FAILED","eventType":"x","url":"u","attemptCount":1,"createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z"}`
	if err := pub.Publish(ctx, live.Channel(pub.Options().DB), old).Err(); err != nil {
		t.Fatal(err)
	}
	seen := map[pulid.ID]int{}
	for range n + 1 {
		seen[receive(t, ch).ID]++
	}
	for i := range n {
		if id := pulid.ID(fmt.Sprintf("dlv_%05d", i)); seen[id] != 1 {
			t.Errorf("%s arrived %d times, want once", id, seen[id])
		}
	}
	if seen["dlv_old"] != 1 {
		t.Error("the single-object message was not read")
	}
}

// Nothing is published while no Hub holds a subscription, and a change
// made right after the first Subscribe returns still arrives, although
// the notifier had found nobody listening a moment before.
func TestNothingPublishedWithoutSubscribersAndNothingMissedOnceSubscribed(t *testing.T) {
	t.Parallel()
	hub, notifier, pub, ctx := newLive(t)
	raw := pub.Subscribe(ctx, live.Channel(pub.Options().DB))
	defer raw.Close()
	if _, err := raw.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	notifier.Deliveries(ctx, change(1, "acc_a", delivery.StatusPENDING))
	select {
	case msg := <-raw.Channel():
		t.Fatalf("published with no live subscription: %s", msg.Payload)
	case <-time.After(300 * time.Millisecond):
	}
	sub, err := hub.Subscribe(ctx, "acc_a", nil)
	if err != nil {
		t.Fatal(err)
	}
	notifier.Deliveries(ctx, change(2, "acc_a", delivery.StatusSUCCEEDED))
	if d := receive(t, sub); d.ID != "dlv_00002" {
		t.Errorf("first change after Subscribe = %s, want dlv_00002", d.ID)
	}
}
