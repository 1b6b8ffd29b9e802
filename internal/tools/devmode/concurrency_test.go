package devmode_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// Dev mode's SQLite lets one writer at a time. A transaction that read
// first and wrote after another writer's commit failed at once with
// SQLITE_BUSY ("database is locked"), whatever the busy timeout: every
// deleteConfiguration of this test did, while publishes were delivered.
func TestDevModeDeletesConfigurationsWhileDelivering(t *testing.T) {
	t.Parallel()
	e := apptest.NewDev(t)
	e.StartWorker()
	acc := e.CreateAccount("busy")
	const typ = "busy.happened"
	e.CreateEventType(typ)
	rcv := apptest.NewReceiver(t, 200)
	var eps []apptest.Endpoint
	for range 6 {
		eps = append(eps, e.ActiveEndpoint(acc.Token, rcv.URL, []string{typ}, nil))
	}
	failures := make(chan string, 400)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 40 {
				res := e.Do(acc.Token, `mutation($in: PublishEventInput!) { publishEvent(input: $in) { id } }`,
					map[string]any{"in": map[string]any{"type": typ, "data": map[string]any{"w": w, "i": i}}})
				if len(res.Errors) > 0 {
					failures <- fmt.Sprintf("publish %d/%d: %v", w, i, res.Errors)
				}
			}
		})
	}
	time.Sleep(300 * time.Millisecond) // deliveries under way
	for _, ep := range eps[:5] {
		res := e.Do(acc.Token, `mutation($id: ID!) { deleteConfiguration(id: $id) }`, map[string]any{"id": ep.ID})
		if len(res.Errors) > 0 {
			failures <- fmt.Sprintf("delete %s: %v", ep.ID, res.Errors)
		}
	}
	wg.Wait()
	close(failures)
	for f := range failures {
		t.Error(f)
	}
	var out struct {
		Configurations struct{ TotalCount int }
	}
	e.MustDo(acc.Token, `{ configurations { totalCount } }`, nil, &out)
	if out.Configurations.TotalCount != 1 {
		t.Errorf("%d configurations left, want 1", out.Configurations.TotalCount)
	}
}
