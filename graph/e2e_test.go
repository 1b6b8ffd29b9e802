package graph_test

import (
	"testing"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// The same journey runs on PostgreSQL + Redis and on dev mode (SQLite + an
// in-process Redis): dev mode has no second code path to drift.
func TestPublishDeliverHistoryResendInBothModes(t *testing.T) {
	t.Parallel()
	apptest.InBothModes(t, journey)
}

func journey(t *testing.T, e *apptest.Env) {
	e.CreateEventType("QUESTION_ANSWERED")
	e.CreateEventType("SYNC")
	acc := e.CreateAccount("journey")
	rcv := apptest.NewReceiver(t, 200)
	ep := e.ActiveEndpoint(acc.Token, rcv.URL, []string{"QUESTION_ANSWERED"}, map[string]any{"retrySchedule": []int{1}})
	e.StartWorker()
	sub, err := e.Subscribe(acc.Token, deliveryUpdated, map[string]any{"where": map[string]any{"configurationIDIn": []string{ep.ID}}})
	if err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	synced(t, e, acc.Token, ep.ID, sub)
	first := len(rcv.Requests()) + 1
	rcv.Status = func(n int) int {
		if n == first {
			return 500
		}
		return 200
	}

	// A metadata key with a dot and a value with a quote: both dialects'
	// JSON paths must take them.
	metadata := map[string]string{"utm.source": "it's", "course": "go"}
	evtID := e.Publish(acc.Token, "QUESTION_ANSWERED", map[string]any{"answer": 42}, map[string]any{"metadata": metadata})
	ds := e.WaitFor(15*time.Second, func(ds []*ent.Delivery) bool { return apptest.AllEnded(1)(ofEvent(ds, evtID)) })
	if d := ofEvent(ds, evtID)[0]; d.Status != "SUCCEEDED" || d.AttemptCount != 2 {
		t.Fatalf("delivery %s after %d attempts, want SUCCEEDED after a 500 and a 200", d.Status, d.AttemptCount)
	}
	var statuses []string
	for len(statuses) == 0 || statuses[len(statuses)-1] != "SUCCEEDED" {
		u := next(t, sub).DeliveryUpdated
		if u.EventID == evtID {
			statuses = append(statuses, u.Status)
		}
	}
	if statuses[0] != "PENDING" || len(statuses) != 3 {
		t.Errorf("live updates %v, want PENDING, RETRYING, SUCCEEDED", statuses)
	}

	where := map[string]any{"metadata": []map[string]string{{"key": "utm.source", "value": "it's"}}, "statusIn": []string{"SUCCEEDED"}}
	var hist struct {
		Deliveries struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					ID       string
					Attempts []struct{ Number, ResponseStatus int }
				}
			}
		}
	}
	e.MustDo(acc.Token, `query($w: DeliveryWhereInput) { deliveries(where: $w) { totalCount edges { node { id attempts { number responseStatus } } } } }`,
		map[string]any{"w": where}, &hist)
	if hist.Deliveries.TotalCount != 1 || len(hist.Deliveries.Edges[0].Node.Attempts) != 2 || hist.Deliveries.Edges[0].Node.Attempts[0].ResponseStatus != 500 {
		t.Fatalf("history by metadata = %+v, want the delivery with its 500 and 200 attempts", hist.Deliveries)
	}
	id := hist.Deliveries.Edges[0].Node.ID

	var out resent
	e.MustDo(acc.Token, resendDelivery, map[string]any{"id": id}, &out)
	if got := out.ResendDelivery; got.Status != "SUCCEEDED" || got.AttemptCount != 3 || got.Attempts[2].Trigger != "MANUAL" {
		t.Errorf("resendDelivery = %+v, want SUCCEEDED with a third, MANUAL attempt", got)
	}
	var bulk struct{ ResendDeliveries int }
	e.MustDo(acc.Token, `mutation($w: DeliveryWhereInput!) { resendDeliveries(where: $w) }`, map[string]any{"w": where}, &bulk)
	if bulk.ResendDeliveries != 1 {
		t.Fatalf("resendDeliveries queued %d, want 1", bulk.ResendDeliveries)
	}
	e.WaitFor(10*time.Second, func(ds []*ent.Delivery) bool {
		ds = ofEvent(ds, evtID)
		return len(ds) == 1 && ds[0].AttemptCount == 4
	})
	if n := len(rcv.EventRequests(evtID)); n != 4 {
		t.Errorf("receiver got the event %d times, want 4 (500, 200, resend, bulk resend)", n)
	}
}

// ofEvent keeps the deliveries of one event.
func ofEvent(ds []*ent.Delivery, eventID string) []*ent.Delivery {
	var out []*ent.Delivery
	for _, d := range ds {
		if string(d.EventID) == eventID {
			out = append(out, d)
		}
	}
	return out
}
