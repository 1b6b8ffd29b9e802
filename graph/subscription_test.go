package graph_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/testing/apptest"
)

const deliveryUpdated = `subscription($where: DeliveryUpdatedFilter) {
	deliveryUpdated(where: $where) { id status eventID configurationID attemptCount event { type } } }`

type update struct {
	DeliveryUpdated struct {
		ID, Status, EventID, ConfigurationID string
		AttemptCount                         int
		Event                                struct{ Type string }
	}
}

func next(t *testing.T, s *apptest.Subscription) update {
	t.Helper()
	data, err := s.Next(10 * time.Second)
	if err != nil {
		t.Fatalf("subscription: %v", err)
	}
	var u update
	if err := json.Unmarshal(data, &u); err != nil {
		t.Fatalf("update %s: %v", data, err)
	}
	return u
}

// synced sends test events until the subscription shows one, so that what
// is published next is certain to be seen, and drains that test delivery.
func synced(t *testing.T, e *apptest.Env, token, cfgID string, s *apptest.Subscription) {
	t.Helper()
	for range 20 {
		e.MustDo(token, `mutation($id: ID!) { sendTestEvent(input: {configurationID: $id, eventType: "SYNC"}) { id } }`,
			map[string]any{"id": cfgID}, nil)
		data, err := s.Next(500 * time.Millisecond)
		if apptest.IsTimeout(err) {
			continue
		}
		if err != nil {
			t.Fatalf("subscription: %v", err)
		}
		var u update
		_ = json.Unmarshal(data, &u)
		for u.DeliveryUpdated.Status != "SUCCEEDED" {
			u = next(t, s)
		}
		return
	}
	t.Fatal("the subscription never showed a test event")
}

func TestDeliveryUpdatedShowsOwnDeliveriesProcessedByAnotherWorkerInstance(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	e.CreateEventType("QUESTION_ANSWERED")
	e.CreateEventType("SYNC")
	a, b := e.CreateAccount("a"), e.CreateAccount("b")
	epA := e.ActiveEndpoint(a.Token, apptest.NewReceiver(t, 200).URL, []string{"QUESTION_ANSWERED"}, nil)
	e.ActiveEndpoint(b.Token, apptest.NewReceiver(t, 200).URL, []string{"QUESTION_ANSWERED"}, nil)
	// The worker is another Ferry instance: its own Redis connections and
	// asynq server, sharing only PostgreSQL and Redis with the API.
	apptest.NewWith(t, e.Vars).StartWorker()

	all, err := e.Subscribe(a.Token, deliveryUpdated, nil)
	if err != nil {
		t.Fatalf("subscribe with A's token: %v", err)
	}
	synced(t, e, a.Token, epA.ID, all)
	succeeded, err := e.Subscribe(a.Token, deliveryUpdated, map[string]any{"where": map[string]any{"statusIn": []string{"SUCCEEDED"}}})
	if err != nil {
		t.Fatalf("subscribe with a filter: %v", err)
	}
	synced(t, e, a.Token, epA.ID, succeeded)

	// B's delivery first: were it leaked, A would see it before its own.
	e.Publish(b.Token, "QUESTION_ANSWERED", map[string]any{"who": "b"}, nil)
	evtA := e.Publish(a.Token, "QUESTION_ANSWERED", map[string]any{"who": "a"}, nil)

	var seen []string
	for {
		u := next(t, all).DeliveryUpdated
		if u.ConfigurationID == epA.ID && u.Event.Type == "SYNC" {
			continue // the second subscription's sync
		}
		if u.ConfigurationID != epA.ID || u.EventID != evtA {
			t.Fatalf("A's subscription got a delivery of configuration %s, event %s; want only A's delivery of %s", u.ConfigurationID, u.EventID, evtA)
		}
		if u.Event.Type != "QUESTION_ANSWERED" {
			t.Errorf("nested event type = %q", u.Event.Type)
		}
		seen = append(seen, u.Status)
		if u.Status == "SUCCEEDED" {
			if u.AttemptCount != 1 {
				t.Errorf("SUCCEEDED update shows %d attempts, want 1", u.AttemptCount)
			}
			break
		}
	}
	if len(seen) != 2 || seen[0] != "PENDING" {
		t.Errorf("A saw %v, want [PENDING SUCCEEDED]", seen)
	}
	if u := next(t, succeeded).DeliveryUpdated; u.Status != "SUCCEEDED" || u.EventID != evtA {
		t.Errorf("the statusIn: [SUCCEEDED] subscription got %+v first, want A's delivery SUCCEEDED", u)
	}
}

func TestDeliveryUpdatedRefusesConnectionsWithoutAValidToken(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	for name, token := range map[string]string{"no token": "", "bad token": "fry_not-a-real-token"} {
		if _, err := e.Subscribe(token, deliveryUpdated, nil); err == nil {
			t.Errorf("%s: the subscription was accepted", name)
		}
	}
}
