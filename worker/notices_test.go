package worker_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/ferryhq/ferry/ent/event"
	"github.com/ferryhq/ferry/internal/domain/notices"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// notice is one operational event a listener received.
type notice struct {
	Event string         `json:"event"`
	Data  map[string]any `json:"data"`
}

// notices waits until rcv got at least n requests after the first skip,
// then a little for any more, and returns them decoded.
func noticesOf(t *testing.T, rcv *apptest.Receiver, skip, n int) []notice {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for len(rcv.Requests())-skip < n {
		if time.Now().After(deadline) {
			t.Fatalf("the listener got %d notices, want %d", len(rcv.Requests())-skip, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(700 * time.Millisecond) // one too many would have come by now
	var out []notice
	for _, r := range rcv.Requests()[skip:] {
		var b notice
		if err := json.Unmarshal(r.Body, &b); err != nil {
			t.Fatalf("notice %s: %v", r.Body, err)
		}
		out = append(out, b)
	}
	return out
}

// failingReceiver answers the URL verification and the activation ping,
// then 500 to everything.
func failingReceiver(t *testing.T) *apptest.Receiver {
	rcv := apptest.NewReceiver(t, 200)
	rcv.Status = func(n int) int {
		if n <= 2 {
			return 200
		}
		return 500
	}
	return rcv
}

func TestAnAccountHearsOfItsFailingConfigurationOnceAndOfEachExhaustedDelivery(t *testing.T) {
	t.Parallel()
	e, acc := setup(t)
	e.StartWorker() // puts the ferry.* types in the catalog
	failing := failingReceiver(t)
	ep := e.ActiveEndpoint(acc.Token, failing.URL, []string{typ}, map[string]any{"retrySchedule": []int{1}})
	listener := apptest.NewReceiver(t, 200)
	e.ActiveEndpoint(acc.Token, listener.URL, []string{notices.ConfigurationFailing, notices.DeliveryExhausted}, nil)
	seen := len(listener.Requests())
	first := e.Publish(acc.Token, typ, map[string]any{"n": 1}, nil)
	second := e.Publish(acc.Token, typ, map[string]any{"n": 2}, nil)
	waitEnded(t, e, first, 1)
	waitEnded(t, e, second, 1)

	got := noticesOf(t, listener, seen, 3)
	var failingNotices, exhausted []notice
	for _, n := range got {
		switch n.Event {
		case notices.ConfigurationFailing:
			failingNotices = append(failingNotices, n)
		case notices.DeliveryExhausted:
			exhausted = append(exhausted, n)
		default:
			t.Errorf("the listener got a %s, which it does not subscribe to", n.Event)
		}
	}
	// Four attempts failed; the configuration's notice goes out once an hour.
	if len(failingNotices) != 1 {
		t.Errorf("%d failing notices for four failed attempts, want 1", len(failingNotices))
	} else if d := failingNotices[0].Data; d["configurationId"] != ep.ID || d["url"] != failing.URL || d["lastResponseStatus"] != float64(500) || d["attempt"] != float64(1) {
		t.Errorf("failing notice data %v, want the configuration, its URL, 500 and attempt 1", d)
	}
	events := map[any]bool{}
	for _, n := range exhausted {
		d := n.Data
		events[d["eventId"]] = true
		if d["configurationId"] != ep.ID || d["eventType"] != typ || d["attempts"] != float64(2) || d["lastResponseStatus"] != float64(500) || d["deliveryId"] == nil || d["exhaustedAt"] == nil {
			t.Errorf("exhausted notice data %v, want the configuration, %s, 2 attempts, 500, the delivery and when", d, typ)
		}
	}
	if len(exhausted) != 2 || !events[first] || !events[second] {
		t.Errorf("%d exhausted notices for events %v, want one for each of %s and %s", len(exhausted), events, first, second)
	}
}

func TestGoneTellsTheAccountItsConfigurationWasSwitchedOff(t *testing.T) {
	t.Parallel()
	e, acc := setup(t)
	e.StartWorker()
	gone := apptest.NewReceiver(t, 200)
	gone.Status = func(n int) int {
		if n <= 2 {
			return 200
		}
		return 410
	}
	ep := e.ActiveEndpoint(acc.Token, gone.URL, []string{typ}, nil)
	listener := apptest.NewReceiver(t, 200)
	e.ActiveEndpoint(acc.Token, listener.URL, []string{notices.ConfigurationDisabled, notices.ConfigurationFailing}, nil)
	seen := len(listener.Requests())
	e.Publish(acc.Token, typ, map[string]any{"n": 1}, nil)

	got := noticesOf(t, listener, seen, 1)
	if len(got) != 1 || got[0].Event != notices.ConfigurationDisabled {
		t.Fatalf("the listener got %+v, want one %s (a 410 is no failing endpoint)", got, notices.ConfigurationDisabled)
	}
	d := got[0].Data
	if d["cause"] != notices.CauseGone || d["configurationId"] != ep.ID || d["lastResponseStatus"] != float64(410) || d["disabledReason"] == "" {
		t.Errorf("disabled notice data %v, want cause gone, the configuration, 410 and the reason", d)
	}
}

// A configuration that listens to the notices and fails itself hears of
// the first failure only: nothing is said about a delivery of a notice.
func TestNoticesAreNotAboutNotices(t *testing.T) {
	t.Parallel()
	e, acc := setup(t)
	e.StartWorker()
	e.ActiveEndpoint(acc.Token, failingReceiver(t).URL, []string{typ}, map[string]any{"retrySchedule": []int{}})
	listener := failingReceiver(t)
	e.ActiveEndpoint(acc.Token, listener.URL, []string{notices.ConfigurationFailing, notices.DeliveryExhausted}, map[string]any{"retrySchedule": []int{}})
	seen := len(listener.Requests())
	evtID := e.Publish(acc.Token, typ, map[string]any{"n": 1}, nil)
	waitEnded(t, e, evtID, 1)

	if got := noticesOf(t, listener, seen, 2); len(got) != 2 {
		t.Errorf("the failing listener got %d notices, want 2 (failing and exhausted of the event, none of their own)", len(got))
	}
	n := e.App.Client.Event.Query().Where(event.TypeHasPrefix("ferry.")).CountX(systemCtx())
	if n != 2 {
		t.Errorf("%d ferry.* events were published, want 2", n)
	}
}
