package graph_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

const resendDelivery = `mutation($id: ID!) { resendDelivery(id: $id) {
	id status attemptCount lastResponseStatus eventID
	attempts { number trigger responseStatus requestBody } } }`

type resent struct {
	ResendDelivery struct {
		ID, Status, EventID string
		AttemptCount        int
		LastResponseStatus  int
		Attempts            []struct {
			Number         int
			Trigger        string
			ResponseStatus int
			RequestBody    string
		}
	}
}

// failedDelivery publishes one event to a receiver answering 500 with no
// retries and returns the FAILED delivery.
func failedDelivery(t *testing.T, e *apptest.Env, token string, rcv *apptest.Receiver) (*ent.Delivery, apptest.Endpoint) {
	t.Helper()
	ep := e.ActiveEndpoint(token, rcv.URL, []string{"QUESTION_ANSWERED"}, map[string]any{"retrySchedule": []int{}})
	rcv.Status = func(int) int { return 500 }
	e.StartWorker()
	e.Publish(token, "QUESTION_ANSWERED", map[string]any{"q": 1}, nil)
	d := e.WaitFor(10*time.Second, apptest.AllEnded(1))[0]
	if d.Status != delivery.StatusFAILED {
		t.Fatalf("delivery is %s, want FAILED before the resend", d.Status)
	}
	return d, ep
}

func TestResendDeliveryOfAFailedDeliverySucceedsWithAManualAttempt(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	e.CreateEventType("QUESTION_ANSWERED")
	acc, other := e.CreateAccount("owner"), e.CreateAccount("other")
	rcv := apptest.NewReceiver(t, 200)
	d, ep := failedDelivery(t, e, acc.Token, rcv)

	if err := apptest.OnlyError(t, e.Do(other.Token, resendDelivery, map[string]any{"id": d.ID})); err.Code() != "NOT_FOUND" {
		t.Errorf("another account's resend: %s %q, want NOT_FOUND", err.Code(), err.Message)
	}
	rcv.Status = func(int) int { return 200 }
	var out resent
	e.MustDo(acc.Token, resendDelivery, map[string]any{"id": d.ID}, &out)
	got := out.ResendDelivery
	if got.Status != "SUCCEEDED" || got.AttemptCount != 2 || got.LastResponseStatus != 200 || len(got.Attempts) != 2 {
		t.Fatalf("after resend: %+v, want SUCCEEDED with 2 attempts", got)
	}
	if a := got.Attempts[1]; a.Number != 2 || a.Trigger != "MANUAL" || a.ResponseStatus != 200 || a.RequestBody != got.Attempts[0].RequestBody {
		t.Errorf("resend attempt = %+v, want #2 MANUAL answered 200 with the original body", a)
	}
	reqs := rcv.EventRequests(string(d.EventID))
	if len(reqs) != 2 || string(reqs[0].Body) != string(reqs[1].Body) || reqs[1].Header.Get("X-Ferry-Attempt") != "2" {
		t.Fatalf("receiver got %d requests for the event; want the original and the resend with the same body", len(reqs))
	}
	apptest.CheckSignatures(t, ep.Secret, reqs[1])

	// Any state may be resent: a SUCCEEDED delivery again, now failing.
	rcv.Status = func(int) int { return 503 }
	e.MustDo(acc.Token, resendDelivery, map[string]any{"id": d.ID}, &out)
	if got := out.ResendDelivery; got.Status != "FAILED" || got.AttemptCount != 3 || got.LastResponseStatus != 503 {
		t.Errorf("resending a SUCCEEDED delivery to a failing receiver: %+v, want FAILED after 3 attempts", got)
	}
}

func TestResendDeliveryIsRefusedOnceTheConfigurationIsDeleted(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	e.CreateEventType("QUESTION_ANSWERED")
	acc := e.CreateAccount("owner")
	d, ep := failedDelivery(t, e, acc.Token, apptest.NewReceiver(t, 200))
	e.MustDo(acc.Token, `mutation($id: ID!) { deleteConfiguration(id: $id) }`, map[string]any{"id": ep.ID}, nil)

	err := apptest.OnlyError(t, e.Do(acc.Token, resendDelivery, map[string]any{"id": d.ID}))
	if err.Code() != "BAD_USER_INPUT" || err.Field() != "id" || !strings.Contains(err.Message, "deleted") {
		t.Errorf("resend after delete: %s %q (field %q), want BAD_USER_INPUT on id saying the configuration was deleted", err.Code(), err.Message, err.Field())
	}
}

func TestResendDeliveriesResendsExactlyTheMatchingOnes(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	e.CreateEventType("QUESTION_ANSWERED")
	acc := e.CreateAccount("owner")
	flaky, steady := apptest.NewReceiver(t, 200), apptest.NewReceiver(t, 200)
	epFlaky := e.ActiveEndpoint(acc.Token, flaky.URL, []string{"QUESTION_ANSWERED"}, map[string]any{"retrySchedule": []int{}})
	e.ActiveEndpoint(acc.Token, steady.URL, []string{"QUESTION_ANSWERED"}, nil)
	flaky.Status = func(int) int { return 500 }
	e.StartWorker()
	for i := range 6 {
		e.Publish(acc.Token, "QUESTION_ANSWERED", map[string]any{"i": i}, map[string]any{"metadata": map[string]string{"batch": fmt.Sprint(i % 2)}})
	}
	e.WaitFor(10*time.Second, apptest.AllEnded(12))
	flaky.Status = func(int) int { return 200 }

	// The failed ones of batch 0 only: 3 of the 12.
	where := map[string]any{"statusIn": []string{"FAILED"}, "configurationIDIn": []string{epFlaky.ID},
		"metadata": []map[string]string{{"key": "batch", "value": "0"}}}
	var out struct{ ResendDeliveries int }
	e.MustDo(acc.Token, `mutation($where: DeliveryWhereInput!) { resendDeliveries(where: $where) }`, map[string]any{"where": where}, &out)
	if out.ResendDeliveries != 3 {
		t.Fatalf("resendDeliveries queued %d, want 3", out.ResendDeliveries)
	}
	ds := e.WaitFor(10*time.Second, func(ds []*ent.Delivery) bool { return count(ds, delivery.StatusSUCCEEDED) == 9 })
	for _, d := range ds {
		manual := 0
		for _, a := range d.Edges.Attempts {
			if a.Trigger == "MANUAL" {
				manual++
			}
		}
		body := d.Edges.Attempts[0].RequestBody
		batch0 := slices.ContainsFunc([]string{`"i":0`, `"i":2`, `"i":4`}, func(s string) bool { return strings.Contains(body, s) })
		want := 0
		if d.URL == flaky.URL && batch0 {
			want = 1
		}
		if manual != want {
			t.Errorf("delivery %s to %s (batch 0: %v) has %d MANUAL attempts, want %d", d.ID, d.URL, batch0, manual, want)
		}
	}
}

func TestResendDeliveriesRefusesMoreThan10000(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	for _, name := range historyTypes {
		e.CreateEventType(name)
	}
	acc := e.CreateAccount("owner")
	cfgID := configuration(t, e, acc.Token)
	// 10,001 FAILED deliveries of one event, straight into PostgreSQL.
	evtID := "evt_01JBULK000000000000000000"
	_, err := e.App.DB.Exec(`INSERT INTO events (id, created_at, updated_at, type, data, metadata, occurred_at, account_id)
		VALUES ($1, now(), now(), 'QUESTION_ANSWERED', '{}', '{}', now(), $2)`, evtID, acc.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.App.DB.Exec(`INSERT INTO deliveries (id, created_at, updated_at, status, event_type, url, configuration_id, account_id, event_id)
		SELECT 'dlv_01JBULK' || lpad(g::text, 16, '0'), now(), now(), 'FAILED', 'QUESTION_ANSWERED', 'https://example.com', $1, $2, $3
		FROM generate_series(1, 10001) g`, cfgID, acc.ID, evtID)
	if err != nil {
		t.Fatal(err)
	}
	res := e.Do(acc.Token, `mutation { resendDeliveries(where: {statusIn: [FAILED]}) }`, nil)
	if err := apptest.OnlyError(t, res); err.Code() != "BAD_USER_INPUT" || !strings.Contains(err.Message, "10001") || !strings.Contains(err.Message, "10000") {
		t.Errorf("resending 10,001: %s %q, want BAD_USER_INPUT naming the count and the limit", err.Code(), err.Message)
	}
	if keys, _ := e.App.Redis.Keys(context.Background(), "asynq:{deliveries}:t:*").Result(); len(keys) != 0 {
		t.Errorf("%d tasks were queued by a refused bulk resend", len(keys))
	}
}

const sendTestEvent = `mutation($in: SendTestEventInput!) { sendTestEvent(input: $in) {
	trigger number requestURL requestBody requestHeaders responseStatus responseBody durationMs error } }`

func TestSendTestEventReachesAnInactiveConfigurationSigned(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	e.CreateEventType("QUESTION_ANSWERED")
	e.CreateEventType("REPLY_ANSWERED")
	acc, other := e.CreateAccount("owner"), e.CreateAccount("other")
	rcv := apptest.NewReceiver(t, 200)
	keyID, secret := e.CreateSigningKey(acc.Token, "k")
	cfgID := e.CreateConfiguration(acc.Token, map[string]any{"name": "inactive", "url": rcv.URL, "signingKeyID": keyID,
		"eventTypes": []string{"QUESTION_ANSWERED"}})

	var out struct {
		SendTestEvent struct {
			Trigger, RequestURL, RequestBody, ResponseBody string
			Number, ResponseStatus                         int
			RequestHeaders                                 map[string]string
			Error                                          *string
		}
	}
	// A type the configuration does not subscribe to, with given data.
	e.MustDo(acc.Token, sendTestEvent, map[string]any{"in": map[string]any{
		"configurationID": cfgID, "eventType": "REPLY_ANSWERED", "data": map[string]any{"reply": "hi"}}}, &out)
	got := out.SendTestEvent
	reqs := rcv.Requests()
	last := reqs[len(reqs)-1]
	if got.Trigger != "TEST" || got.Number != 1 || got.ResponseStatus != 200 || got.ResponseBody != `{"received":true}` ||
		got.RequestURL != rcv.URL || got.RequestBody != string(last.Body) || got.RequestHeaders["X-Signature"] != last.Header.Get("X-Signature") || got.Error != nil {
		t.Errorf("sendTestEvent returned %+v; want the TEST request as received and the 200 response", got)
	}
	if !strings.Contains(string(last.Body), `"event":"REPLY_ANSWERED","data":{"reply":"hi"}`) {
		t.Errorf("test event body %s", last.Body)
	}
	apptest.CheckSignatures(t, secret, last)

	// Without data: a sample.
	e.MustDo(acc.Token, sendTestEvent, map[string]any{"in": map[string]any{"configurationID": cfgID, "eventType": "QUESTION_ANSWERED"}}, &out)
	if !strings.Contains(out.SendTestEvent.RequestBody, `"test":true`) {
		t.Errorf("test event without data sent %s, want a sample", out.SendTestEvent.RequestBody)
	}
	var cfg struct{ Node struct{ Status string } }
	e.MustDo(acc.Token, `query($id: ID!) { node(id: $id) { ... on Configuration { status } } }`, map[string]any{"id": cfgID}, &cfg)
	if cfg.Node.Status != "INACTIVE" {
		t.Errorf("a test event changed the configuration to %s", cfg.Node.Status)
	}

	for _, c := range []struct {
		desc, token, code, field string
		in                       map[string]any
	}{
		{"unknown type", acc.Token, "BAD_USER_INPUT", "eventType", map[string]any{"configurationID": cfgID, "eventType": "NOPE"}},
		{"data not an object", acc.Token, "BAD_USER_INPUT", "data", map[string]any{"configurationID": cfgID, "eventType": "REPLY_ANSWERED", "data": []int{1}}},
		{"another account's configuration", other.Token, "NOT_FOUND", "", map[string]any{"configurationID": cfgID, "eventType": "REPLY_ANSWERED"}},
	} {
		err := apptest.OnlyError(t, e.Do(c.token, sendTestEvent, map[string]any{"in": c.in}))
		if err.Code() != c.code || err.Field() != c.field {
			t.Errorf("%s: %s %q (field %q), want %s on %q", c.desc, err.Code(), err.Message, err.Field(), c.code, c.field)
		}
	}
}

// count returns how many deliveries have status s.
func count(ds []*ent.Delivery, s delivery.Status) int {
	n := 0
	for _, d := range ds {
		if d.Status == s {
			n++
		}
	}
	return n
}
