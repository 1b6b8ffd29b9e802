package publish_test

import (
	"maps"
	"testing"
	"time"

	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// With Redis down, publishing answers at once: PostgreSQL takes the events
// and their deliveries, and queueing and live updates, which the recovery
// loop and a reload make up for, do not hold the publisher up.
func TestPublishingWithRedisDownAnswersAtOnce(t *testing.T) {
	e := apptest.New(t, true)
	e.CreateEventType("a.b")
	acc := e.CreateAccount("acme")
	rcv := apptest.NewReceiver(t, 200)
	e.ActiveEndpoint(acc.Token, rcv.URL, []string{"a.b"}, nil)
	vars := maps.Clone(e.Vars)
	vars["REDIS_URL"] = "redis://127.0.0.1:1/0" // nothing listens there
	down := apptest.NewWith(t, vars)

	start := time.Now()
	down.Publish(acc.Token, "a.b", map[string]any{"n": 0}, nil)
	one := time.Since(start)

	batch := make([]map[string]any, 50)
	for i := range batch {
		batch[i] = map[string]any{"type": "a.b", "data": map[string]any{"n": i + 1}}
	}
	start = time.Now()
	down.MustDo(acc.Token, `mutation($in: [PublishEventInput!]!) { publishEvents(input: $in) { id } }`, map[string]any{"in": batch}, nil)
	many := time.Since(start)
	t.Logf("with Redis down: publishEvent %s, publishEvents of 50 %s", one.Round(time.Millisecond), many.Round(time.Millisecond))
	// Generous for a loaded machine: it took 4.5 s and 16.6 s when every
	// Redis command waited out its own dial and retries; now milliseconds.
	if one > time.Second || many > 2*time.Second {
		t.Errorf("with Redis down publishEvent took %s and publishEvents of 50 %s, want each well under a second", one, many)
	}
	pending := 0
	for _, d := range e.Deliveries() {
		if d.Status == delivery.StatusPENDING {
			pending++
		}
	}
	if pending != 51 {
		t.Errorf("%d PENDING deliveries stored, want 51", pending)
	}
}
