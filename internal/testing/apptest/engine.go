package apptest

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/deliveryattempt"
	"github.com/ferryhq/ferry/internal/edge/viewer"
)

// StartWorker runs a delivery worker until the test ends or stop is called.
func (e *Env) StartWorker() (stop func()) {
	e.T.Helper()
	w, err := e.App.NewWorker()
	if err != nil {
		e.T.Fatalf("new worker: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = w.Run(ctx) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	e.T.Cleanup(stop)
	return stop
}

// Endpoint is an active configuration with its signing secret.
type Endpoint struct {
	ID, KeyID, Secret string
}

// ActiveEndpoint creates a key and a configuration for url (with input
// overrides), and activates it.
func (e *Env) ActiveEndpoint(token, url string, eventTypes []string, overrides map[string]any) Endpoint {
	e.T.Helper()
	keyID, secret := e.CreateSigningKey(token, "key for "+url)
	in := map[string]any{"name": "endpoint " + url, "url": url, "signingKeyID": keyID, "eventTypes": eventTypes}
	for k, v := range overrides {
		in[k] = v
	}
	id := e.CreateConfiguration(token, in)
	var out struct {
		ActivateConfiguration struct{ Configuration struct{ Status string } }
	}
	e.MustDo(token, `mutation($id: ID!) { activateConfiguration(id: $id) { configuration { status } } }`, map[string]any{"id": id}, &out)
	if out.ActivateConfiguration.Configuration.Status != "ACTIVE" {
		e.T.Fatalf("configuration %s did not activate", id)
	}
	return Endpoint{ID: id, KeyID: keyID, Secret: secret}
}

// Publish publishes an event with token and returns its id.
func (e *Env) Publish(token, eventType string, data any, extra map[string]any) string {
	e.T.Helper()
	in := map[string]any{"type": eventType, "data": data}
	for k, v := range extra {
		in[k] = v
	}
	var out struct{ PublishEvent struct{ ID string } }
	e.MustDo(token, `mutation($in: PublishEventInput!) { publishEvent(input: $in) { id } }`, map[string]any{"in": in}, &out)
	return out.PublishEvent.ID
}

// Deliveries returns the deliveries (with attempts, in order) matching ps,
// read directly from PostgreSQL.
func (e *Env) Deliveries(ps ...func(*ent.DeliveryQuery)) []*ent.Delivery {
	e.T.Helper()
	q := e.App.Client.Delivery.Query().
		Where(delivery.EventTypeNEQ("ping")).
		WithAttempts(func(q *ent.DeliveryAttemptQuery) { q.Order(ent.Asc(deliveryattempt.FieldNumber)) }).
		Order(ent.Asc(delivery.FieldID))
	for _, p := range ps {
		p(q)
	}
	ds, err := q.All(viewer.System(context.Background()))
	if err != nil {
		e.T.Fatalf("load deliveries: %v", err)
	}
	return ds
}

// WaitFor polls until done reports true for the current deliveries, or fails
// the test after timeout, printing them.
func (e *Env) WaitFor(timeout time.Duration, done func([]*ent.Delivery) bool) []*ent.Delivery {
	e.T.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ds := e.Deliveries()
		if done(ds) {
			return ds
		}
		if time.Now().After(deadline) {
			summary := map[string]int{}
			for _, d := range ds {
				summary[string(d.Status)]++
			}
			b, _ := json.Marshal(summary)
			e.T.Fatalf("deliveries did not reach the expected state within %s: %s", timeout, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// AllEnded reports whether n deliveries exist and none is waiting.
func AllEnded(n int) func([]*ent.Delivery) bool {
	return func(ds []*ent.Delivery) bool {
		if len(ds) != n {
			return false
		}
		for _, d := range ds {
			if d.Status == delivery.StatusPENDING || d.Status == delivery.StatusRETRYING {
				return false
			}
		}
		return true
	}
}
