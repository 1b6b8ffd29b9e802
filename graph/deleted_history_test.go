package graph_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// Deleting a configuration, also while events are being published and test
// events sent to it and delivered, keeps its history whole: every delivery
// and attempt keeps the configuration's id, deliveries its name, and the
// history can still be filtered by it; the configuration itself is gone
// for every client, and nothing more is sent or resent to it.
func TestDeletingAConfigurationKeepsItsHistory(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	stop := e.StartWorker()
	defer stop()
	acc := e.CreateAccount("deleted-history")
	e.CreateEventType("deleted.tested")
	rcv := apptest.NewReceiver(t, 200)
	var deleted []apptest.Endpoint
	for round := range 3 {
		ep := e.ActiveEndpoint(acc.Token, rcv.URL, []string{"deleted.tested"}, map[string]any{"name": fmt.Sprintf("gone %d", round)})
		deleted = append(deleted, ep)
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for ctx.Err() == nil {
					res := e.Do(acc.Token, `mutation($in: PublishEventInput!) { publishEvent(input: $in) { id } }`,
						map[string]any{"in": map[string]any{"type": "deleted.tested", "data": map[string]any{"n": 1}}})
					if len(res.Errors) > 0 {
						t.Errorf("publish: %v", res.Errors)
						return
					}
				}
			})
		}
		wg.Go(func() {
			// Test events write a delivery of their own.
			for ctx.Err() == nil {
				res := e.Do(acc.Token, `mutation($in: SendTestEventInput!) { sendTestEvent(input: $in) { id } }`,
					map[string]any{"in": map[string]any{"configurationID": ep.ID, "eventType": "deleted.tested"}})
				if len(res.Errors) > 0 {
					if code := apptest.OnlyError(t, res).Code(); code != "NOT_FOUND" {
						t.Errorf("send test event: %v", res.Errors)
					}
					return
				}
			}
		})
		time.Sleep(150 * time.Millisecond) // publishes and attempts are under way
		if res := e.Do(acc.Token, `mutation($id: ID!) { deleteConfiguration(id: $id) }`, map[string]any{"id": ep.ID}); len(res.Errors) > 0 {
			t.Fatalf("delete: %v\n%s", res.Errors, e.Logs.String())
		}
		time.Sleep(50 * time.Millisecond) // and go on past the delete
		cancel()
		wg.Wait()
	}
	ds := e.WaitFor(30*time.Second, func(ds []*ent.Delivery) bool {
		for _, d := range ds {
			if d.Status == delivery.StatusPENDING || d.Status == delivery.StatusRETRYING {
				return false
			}
		}
		return true
	})
	perConfig := map[string]int{} // each with its activation ping, which e.Deliveries leaves out
	for _, ep := range deleted {
		perConfig[ep.ID] = 1
	}
	attempted := 0
	for _, d := range ds {
		if d.ConfigurationID == nil || d.ConfigurationName == nil {
			t.Errorf("delivery %s lost its configuration: id %v, name %v", d.ID, d.ConfigurationID, d.ConfigurationName)
			continue
		}
		perConfig[string(*d.ConfigurationID)]++
		for _, a := range d.Edges.Attempts {
			attempted++
			if a.ConfigurationID == nil || *a.ConfigurationID != *d.ConfigurationID {
				t.Errorf("attempt %s links to %v, want its delivery's configuration %s", a.ID, a.ConfigurationID, *d.ConfigurationID)
			}
		}
	}
	if len(ds) == 0 || attempted == 0 {
		t.Fatalf("%d deliveries and %d attempts: nothing was published and delivered before the deletes", len(ds), attempted)
	}
	t.Logf("%d deliveries, %d attempts", len(ds), attempted)
	e.CheckNoOrphans(t)

	for round, ep := range deleted {
		// The history, filtered by the deleted configuration, is all there.
		var hist struct {
			Deliveries struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						ConfigurationID   string
						ConfigurationName string
						Configuration     *struct{ ID string }
					}
				}
			}
		}
		e.MustDo(acc.Token, `query($id: ID!) { deliveries(where: {configurationIDIn: [$id]}, first: 100) {
			totalCount edges { node { configurationID configurationName configuration { id } } } } }`,
			map[string]any{"id": ep.ID}, &hist)
		if hist.Deliveries.TotalCount != perConfig[ep.ID] || hist.Deliveries.TotalCount == 0 {
			t.Errorf("deliveries of deleted %s: %d found by filter, %d stored", ep.ID, hist.Deliveries.TotalCount, perConfig[ep.ID])
		}
		for _, edge := range hist.Deliveries.Edges {
			n := edge.Node
			if n.ConfigurationID != ep.ID || n.ConfigurationName != fmt.Sprintf("gone %d", round) || n.Configuration != nil {
				t.Errorf("delivery of deleted %s shows configurationID %q, configurationName %q, configuration %v; want the id, its name, null",
					ep.ID, n.ConfigurationID, n.ConfigurationName, n.Configuration)
				break
			}
		}
		// The configuration itself is gone.
		if res := e.Do(acc.Token, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": ep.ID}); apptest.OnlyError(t, res).Code() != "NOT_FOUND" {
			t.Errorf("node(id) of deleted %s: %v, want NOT_FOUND", ep.ID, res.Errors)
		}
		var listed struct{ Configurations struct{ TotalCount int } }
		e.MustDo(acc.Token, `{ configurations { totalCount } }`, nil, &listed)
		if listed.Configurations.TotalCount != 0 {
			t.Errorf("%d configurations listed after deleting them all", listed.Configurations.TotalCount)
		}
		if res := e.Do(acc.Token, `mutation($id: ID!) { deleteConfiguration(id: $id) }`, map[string]any{"id": ep.ID}); apptest.OnlyError(t, res).Code() != "NOT_FOUND" {
			t.Errorf("deleting %s again: %v, want NOT_FOUND", ep.ID, res.Errors)
		}
		// Nothing is resent to it.
		var resent struct{ ResendDeliveries int }
		e.MustDo(acc.Token, `mutation($id: ID!) { resendDeliveries(where: {configurationIDIn: [$id]}) }`, map[string]any{"id": ep.ID}, &resent)
		if resent.ResendDeliveries != 0 {
			t.Errorf("resendDeliveries of deleted %s queued %d, want 0", ep.ID, resent.ResendDeliveries)
		}
	}
}
