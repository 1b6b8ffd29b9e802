package graph_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// Deleting a configuration unlinks its deliveries and their attempts, also
// while events are being published and test events sent to it, and
// delivered: PostgreSQL does not
// check those links (migrations.Unenforced), so Ferry must leave none
// pointing at a configuration that is gone. (Dev mode's SQLite keeps the
// foreign keys, and serialises writers.)
func TestDeletingAConfigurationLeavesNoLinkToIt(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	stop := e.StartWorker()
	defer stop()
	acc := e.CreateAccount("unlink")
	e.CreateEventType("unlink.tested")
	rcv := apptest.NewReceiver(t, 200)
	for range 3 {
		ep := e.ActiveEndpoint(acc.Token, rcv.URL, []string{"unlink.tested"}, nil)
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for ctx.Err() == nil {
					res := e.Do(acc.Token, `mutation($in: PublishEventInput!) { publishEvent(input: $in) { id } }`,
						map[string]any{"in": map[string]any{"type": "unlink.tested", "data": map[string]any{"n": 1}}})
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
					map[string]any{"in": map[string]any{"configurationID": ep.ID, "eventType": "unlink.tested"}})
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
	attempted := 0
	for _, d := range ds {
		if d.ConfigurationID != nil {
			t.Errorf("delivery %s still links to deleted configuration %s", d.ID, *d.ConfigurationID)
		}
		for _, a := range d.Edges.Attempts {
			attempted++
			if a.ConfigurationID != nil {
				t.Errorf("attempt %s still links to deleted configuration %s", a.ID, *a.ConfigurationID)
			}
		}
	}
	if len(ds) == 0 || attempted == 0 {
		t.Fatalf("%d deliveries and %d attempts: nothing was published and delivered before the deletes", len(ds), attempted)
	}
	t.Logf("%d deliveries, %d attempts", len(ds), attempted)
	e.CheckNoOrphans(t)
}
