package worker_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/configuration"
	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/queue"
	"github.com/ferryhq/ferry/internal/domain/notices"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// seedDeliveries stores ds as deliveries of configuration cfgID, waiting
// ones not due during the test, so the recovery loop leaves them be.
func seedDeliveries(t *testing.T, e *apptest.Env, cfgID string, ds ...apptest.Seeded) []*ent.Delivery {
	t.Helper()
	cfg := e.App.Client.Configuration.GetX(systemCtx(), pulid.ID(cfgID))
	return e.SeedDeliveries(cfg, typ, time.Now().Add(time.Hour), ds...)
}

// failingEndpoint is an active configuration of token for typ, without
// retries, whose receiver answered its verification and activation ping
// and answers 500 to everything since. The ping is moved back to 101 hours ago, as if the
// configuration had been activated then and had not succeeded since.
func failingEndpoint(t *testing.T, e *apptest.Env, token string) (apptest.Endpoint, *apptest.Receiver) {
	t.Helper()
	rcv := apptest.NewReceiver(t, 200)
	rcv.Status = func(n int) int {
		if n <= 2 {
			return 200 // the URL verification and the activation ping
		}
		return 500
	}
	ep := e.ActiveEndpoint(token, rcv.URL, []string{typ}, map[string]any{"retrySchedule": []int{}})
	n := e.App.Client.Delivery.Update().
		Where(delivery.ConfigurationID(pulid.ID(ep.ID)), delivery.EventType("ping")).
		SetLastAttemptAt(time.Now().Add(-101 * time.Hour)).
		SaveX(systemCtx())
	if n != 1 {
		t.Fatalf("moved %d activation pings back, want 1", n)
	}
	return ep, rcv
}

// waitIdle waits until the worker has no task running or waiting, so that
// everything a finished attempt set off (the auto-disable check) is done.
func waitIdle(t *testing.T, e *apptest.Env) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		info, err := e.App.Queue.Inspector().GetQueueInfo(queue.Name)
		if err == nil && info.Active == 0 && info.Pending == 0 && info.Retry == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the worker did not go idle within 10s: %+v, %v", info, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitEnded waits until every delivery of event evtID has ended.
func waitEnded(t *testing.T, e *apptest.Env, evtID string, n int) {
	t.Helper()
	e.WaitFor(10*time.Second, func(ds []*ent.Delivery) bool {
		var of []*ent.Delivery
		for _, d := range ds {
			if string(d.EventID) == evtID {
				of = append(of, d)
			}
		}
		return apptest.AllEnded(n)(of)
	})
}

// configurationState reads status and disabledReason through the API, as
// the account sees them.
func configurationState(t *testing.T, e *apptest.Env, token, id string) (status, reason string) {
	t.Helper()
	var out struct {
		Node struct {
			Status         string
			DisabledReason *string
		}
	}
	e.MustDo(token, `query($id: ID!) { node(id: $id) { ... on Configuration { status disabledReason } } }`, map[string]any{"id": id}, &out)
	if out.Node.DisabledReason != nil {
		reason = *out.Node.DisabledReason
	}
	return out.Node.Status, reason
}

func TestAutoDisableSwitchesOffAFailingConfigurationAndTellsItsAccount(t *testing.T) {
	t.Parallel()
	e, acc := setup(t)
	other := e.CreateAccount("other tenant")
	// Starting the worker puts the event type in the catalog, so that
	// configurations can subscribe to it.
	e.StartWorker()
	ep, failing := failingEndpoint(t, e, acc.Token)
	listener, otherListener := apptest.NewReceiver(t, 200), apptest.NewReceiver(t, 200)
	sub := e.ActiveEndpoint(acc.Token, listener.URL, []string{notices.ConfigurationDisabled}, nil)
	otherSub := e.ActiveEndpoint(other.Token, otherListener.URL, []string{notices.ConfigurationDisabled}, nil)
	// Past the URL verification and the activation ping of each.
	seen, otherSeen := len(listener.Requests()), len(otherListener.Requests())
	now := time.Now()
	since := now.Add(-100 * time.Hour).UTC().Truncate(time.Millisecond)
	seedDeliveries(t, e, ep.ID, apptest.FailedBetween(20, since, now.Add(-80*time.Hour))...)
	waiting := seedDeliveries(t, e, ep.ID, apptest.Seeded{Status: delivery.StatusRETRYING,
		Created: now.Add(-2 * time.Hour), Attempted: now.Add(-time.Hour), Code: 500})[0]

	evtID := e.Publish(acc.Token, typ, map[string]any{"n": 1}, nil)
	waitEnded(t, e, evtID, 1)
	deadline := time.Now().Add(10 * time.Second)
	for len(listener.Requests()) == seen && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	waitIdle(t, e)

	if n := len(failing.EventRequests(evtID)); n != 1 {
		t.Errorf("the failing receiver got the event %d times, want once (no retries)", n)
	}
	status, reason := configurationState(t, e, acc.Token, ep.ID)
	if status != "INACTIVE" {
		t.Fatalf("configuration is %s after failing for 100h, want INACTIVE", status)
	}
	for _, want := range []string{since.Format(time.RFC3339), "21 failed deliveries", "HTTP 500"} {
		if !strings.Contains(reason, want) {
			t.Errorf("disabledReason %q does not say %q", reason, want)
		}
	}
	if d := e.App.Client.Delivery.GetX(systemCtx(), waiting.ID); d.Status != delivery.StatusCANCELLED || d.NextAttemptAt != nil {
		t.Errorf("the waiting delivery is %s (next %v), want CANCELLED", d.Status, d.NextAttemptAt)
	}

	reqs := listener.Requests()[seen:]
	if len(reqs) != 1 {
		t.Fatalf("the account's listener got %d requests, want the one event", len(reqs))
	}
	apptest.CheckSignatures(t, sub.Secret, reqs[0])
	var body struct {
		Event string         `json:"event"`
		Data  map[string]any `json:"data"`
	}
	if err := json.Unmarshal(reqs[0].Body, &body); err != nil {
		t.Fatalf("body %s: %v", reqs[0].Body, err)
	}
	if body.Event != notices.ConfigurationDisabled {
		t.Errorf("event %q, want %q", body.Event, notices.ConfigurationDisabled)
	}
	want := map[string]any{
		"configurationId":    ep.ID,
		"name":               "endpoint " + failing.URL,
		"url":                failing.URL,
		"disabledReason":     reason,
		"failingSince":       since.Format("2006-01-02T15:04:05.000Z"),
		"failedDeliveries":   float64(21),
		"lastResponseStatus": float64(500),
	}
	for k, v := range want {
		if body.Data[k] != v {
			t.Errorf("data.%s = %#v, want %#v", k, body.Data[k], v)
		}
	}
	if n := len(otherListener.Requests()) - otherSeen; n != 0 {
		t.Errorf("another account's listener got %d requests, want none", n)
	}
	n := e.App.Client.Delivery.Query().Where(delivery.ConfigurationID(pulid.ID(otherSub.ID))).
		Where(delivery.EventTypeNEQ("ping")).CountX(systemCtx())
	if n != 0 {
		t.Errorf("another account's listener has %d deliveries, want none", n)
	}
}

func TestAutoDisableSparesConfigurationsOutsideTheRule(t *testing.T) {
	t.Parallel()
	e, acc := setup(t)
	e.StartWorker()
	now := time.Now()
	h := func(n int) time.Time { return now.Add(-time.Duration(n) * time.Hour) }
	tests := []struct {
		desc string
		seed []apptest.Seeded // each configuration also fails the event published below
		want string
	}{
		{
			desc: "19 old failures and this one: MinFailures reached",
			seed: apptest.FailedBetween(19, h(100), h(80)),
			want: "INACTIVE",
		},
		{
			desc: "18 old failures and this one: below MinFailures",
			seed: apptest.FailedBetween(18, h(100), h(80)),
			want: "ACTIVE",
		},
		{
			desc: "30 failures, all newer than 72h",
			seed: apptest.FailedBetween(30, h(71), h(1)),
			want: "ACTIVE",
		},
		{
			desc: "an old delivery resent with success since the failures began",
			seed: append(append(apptest.FailedBetween(25, h(100), h(80)),
				apptest.Seeded{Status: delivery.StatusSUCCEEDED, Created: h(200), Attempted: h(10), Code: 200}),
				apptest.FailedBetween(25, h(9), h(1))...),
			want: "ACTIVE",
		},
	}
	eps := make([]apptest.Endpoint, len(tests))
	for i, tc := range tests {
		eps[i], _ = failingEndpoint(t, e, acc.Token)
		seedDeliveries(t, e, eps[i].ID, tc.seed...)
	}
	evtID := e.Publish(acc.Token, typ, map[string]any{"n": 1}, nil)
	waitEnded(t, e, evtID, len(tests))
	waitIdle(t, e)
	for i, tc := range tests {
		status, reason := configurationState(t, e, acc.Token, eps[i].ID)
		if status != tc.want || (reason != "") != (tc.want == "INACTIVE") {
			t.Errorf("%s: configuration is %s (reason %q), want %s", tc.desc, status, reason, tc.want)
		}
	}
}

func TestAutoDisableIsOffWhenAfterIsZero(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		after string
		want  configuration.Status
	}{
		{"72h", configuration.StatusINACTIVE},
		{"0", configuration.StatusACTIVE},
	} {
		t.Run("FERRY_AUTO_DISABLE_AFTER="+tc.after, func(t *testing.T) {
			t.Parallel()
			e := apptest.NewWith(t, map[string]string{"FERRY_AUTO_DISABLE_AFTER": tc.after})
			e.CreateEventType(typ)
			acc := e.CreateAccount("tenant")
			e.StartWorker()
			ep, _ := failingEndpoint(t, e, acc.Token)
			now := time.Now()
			seedDeliveries(t, e, ep.ID, apptest.FailedBetween(30, now.Add(-100*time.Hour), now.Add(-time.Hour))...)
			evtID := e.Publish(acc.Token, typ, map[string]any{"n": 1}, nil)
			waitEnded(t, e, evtID, 1)
			waitIdle(t, e)
			if got := e.App.Client.Configuration.GetX(systemCtx(), pulid.ID(ep.ID)).Status; got != tc.want {
				t.Errorf("configuration is %s after failing for 100h, want %s", got, tc.want)
			}
		})
	}
}
