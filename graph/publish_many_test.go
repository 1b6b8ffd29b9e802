package graph_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/testing/apptest"
)

const publishMany = `mutation($in: [PublishEventInput!]!) { publishEvents(input: $in) { id type data idempotencyKey } }`

type published struct {
	PublishEvents []struct {
		ID, Type, IdempotencyKey string
		Data                     map[string]int
	}
}

// publishEvents returns the events in the order given, delivers each once,
// and a key seen before returns its first event.
func TestPublishEventsStoresAndDeliversEachInOrder(t *testing.T) {
	t.Parallel()
	apptest.InBothModes(t, publishEventsInOrder)
}

func publishEventsInOrder(t *testing.T, e *apptest.Env) {
	e.CreateEventType("QUESTION_ANSWERED")
	e.CreateEventType("REPLY_ANSWERED")
	acc := e.CreateAccount("publisher")
	rcv := apptest.NewReceiver(t, 200)
	e.ActiveEndpoint(acc.Token, rcv.URL, []string{"QUESTION_ANSWERED", "REPLY_ANSWERED"}, nil)
	e.StartWorker()
	in := []map[string]any{
		{"type": "QUESTION_ANSWERED", "data": map[string]int{"n": 0}},
		{"type": "REPLY_ANSWERED", "data": map[string]int{"n": 1}, "idempotencyKey": "reply-1"},
		{"type": "QUESTION_ANSWERED", "data": map[string]int{"n": 2}},
	}
	var out published
	e.MustDo(acc.Token, publishMany, map[string]any{"in": in}, &out)
	if len(out.PublishEvents) != 3 {
		t.Fatalf("got %d events, want 3", len(out.PublishEvents))
	}
	for i, evt := range out.PublishEvents {
		if evt.Data["n"] != i || evt.Type != in[i]["type"] || !strings.HasPrefix(evt.ID, "evt_") {
			t.Errorf("event %d = %+v, want input %d back", i, evt, i)
		}
	}
	e.WaitFor(10*time.Second, apptest.AllEnded(3))
	for i, evt := range out.PublishEvents {
		if n := len(rcv.EventRequests(evt.ID)); n != 1 {
			t.Errorf("event %d reached the receiver %d times, want once", i, n)
		}
	}
	var again published
	e.MustDo(acc.Token, publishMany, map[string]any{"in": in[1:2]}, &again)
	if again.PublishEvents[0].ID != out.PublishEvents[1].ID {
		t.Errorf("repeated key gave %s, want the first event %s", again.PublishEvents[0].ID, out.PublishEvents[1].ID)
	}
	if n := len(e.Deliveries()); n != 3 {
		t.Errorf("%d deliveries after repeating a key, want still 3", n)
	}
}

// Bad input anywhere stores nothing and names the event at fault.
func TestPublishEventsRefusesBadInputNamingTheEvent(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	e.CreateEventType("QUESTION_ANSWERED")
	acc := e.CreateAccount("publisher")
	ok := map[string]any{"type": "QUESTION_ANSWERED", "data": map[string]int{"n": 1}}
	tooMany := make([]map[string]any, 101)
	for i := range tooMany {
		tooMany[i] = ok
	}
	cases := []struct {
		desc, token, field string
		in                 []map[string]any
	}{
		{"bad data in the third", acc.Token, "input[2].data", []map[string]any{ok, ok, {"type": "QUESTION_ANSWERED", "data": []int{1}}}},
		{"unknown type in the second", acc.Token, "input[1].type", []map[string]any{ok, {"type": "NOPE", "data": map[string]int{}}}},
		{"admin without accountID", apptest.AdminToken, "input[0].accountID", []map[string]any{ok}},
		{"admin naming no account in the second", apptest.AdminToken, "input[1].accountID", []map[string]any{
			{"type": "QUESTION_ANSWERED", "data": map[string]int{"n": 1}, "accountID": acc.ID},
			{"type": "QUESTION_ANSWERED", "data": map[string]int{"n": 2}, "accountID": "acc_01M8QNC6REBMQEWNK0EEHJQM49"}}},
		{"none", acc.Token, "input", []map[string]any{}},
		{"101", acc.Token, "input", tooMany},
	}
	for _, c := range cases {
		err := apptest.OnlyError(t, e.Do(c.token, publishMany, map[string]any{"in": c.in}))
		if err.Code() != "BAD_USER_INPUT" || err.Field() != c.field || !strings.HasPrefix(err.Message, c.field) {
			t.Errorf("%s: got %s %q (field %q), want BAD_USER_INPUT naming %q", c.desc, err.Code(), err.Message, err.Field(), c.field)
		}
	}
	err := apptest.OnlyError(t, e.Do(apptest.AdminToken, `mutation($in: PublishEventInput!) { publishEvent(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"type": "QUESTION_ANSWERED", "data": map[string]int{}, "accountID": "acc_missing"}}))
	if err.Code() != "BAD_USER_INPUT" || err.Field() != "accountID" {
		t.Errorf("publishEvent naming no account: got %s %q (field %q), want BAD_USER_INPUT naming accountID", err.Code(), err.Message, err.Field())
	}
	var out struct{ Events struct{ TotalCount int } }
	e.MustDo(apptest.AdminToken, `{ events { totalCount } }`, nil, &out)
	if out.Events.TotalCount != 0 {
		t.Errorf("refused publishes stored %d events", out.Events.TotalCount)
	}
}
