package graph_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/testing/apptest"
)

const publish = `mutation($in: PublishEventInput!) { publishEvent(input: $in) { id type data metadata idempotencyKey occurredAt } }`

func TestPublishRefusesBadInputNamingTheFieldAndStoresNothing(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	e.CreateEventType("QUESTION_ANSWERED")
	archivedID := e.CreateEventType("OLD_EVENT")
	e.MustDo(apptest.AdminToken, `mutation($id: ID!) { archiveEventType(id: $id) { archived } }`, map[string]any{"id": archivedID}, nil)
	acc := e.CreateAccount("publisher")
	other := e.CreateAccount("other")

	metadata := map[string]string{}
	for i := range 51 {
		metadata[strings.Repeat("k", i+1)] = "v"
	}
	valid := func(changes map[string]any) map[string]any {
		in := map[string]any{"type": "QUESTION_ANSWERED", "data": map[string]any{"a": 1}}
		for k, v := range changes {
			in[k] = v
		}
		return in
	}
	cases := []struct {
		desc, token, field, code string
		in                       map[string]any
	}{
		{"unknown type", acc.Token, "type", "BAD_USER_INPUT", valid(map[string]any{"type": "NOPE"})},
		{"archived type", acc.Token, "type", "BAD_USER_INPUT", valid(map[string]any{"type": "OLD_EVENT"})},
		{"empty type", acc.Token, "type", "BAD_USER_INPUT", valid(map[string]any{"type": " "})},
		{"data an array", acc.Token, "data", "BAD_USER_INPUT", valid(map[string]any{"data": []int{1}})},
		{"data a string", acc.Token, "data", "BAD_USER_INPUT", valid(map[string]any{"data": "x"})},
		{"data null", acc.Token, "data", "BAD_USER_INPUT", valid(map[string]any{"data": nil})},
		{"data over 256 KiB", acc.Token, "data", "BAD_USER_INPUT", valid(map[string]any{"data": map[string]string{"x": strings.Repeat("a", 256<<10)}})},
		{"51 metadata pairs", acc.Token, "metadata", "BAD_USER_INPUT", valid(map[string]any{"metadata": metadata})},
		{"metadata not strings", acc.Token, "metadata", "BAD_USER_INPUT", valid(map[string]any{"metadata": map[string]any{"n": 1}})},
		{"empty idempotency key", acc.Token, "idempotencyKey", "BAD_USER_INPUT", valid(map[string]any{"idempotencyKey": ""})},
		{"admin without accountID", apptest.AdminToken, "accountID", "BAD_USER_INPUT", valid(nil)},
		{"another account's id", acc.Token, "", "NOT_FOUND", valid(map[string]any{"accountID": other.ID})},
		{"no token", "", "", "UNAUTHENTICATED", valid(nil)},
	}
	for _, c := range cases {
		err := apptest.OnlyError(t, e.Do(c.token, publish, map[string]any{"in": c.in}))
		if err.Code() != c.code || err.Field() != c.field || (c.field != "" && !strings.HasPrefix(err.Message, c.field)) {
			t.Errorf("%s: got %s %q (field %q), want %s naming %q", c.desc, err.Code(), err.Message, err.Field(), c.code, c.field)
		}
	}
	var out struct{ Events struct{ TotalCount int } }
	e.MustDo(acc.Token, `{ events { totalCount } }`, nil, &out)
	if out.Events.TotalCount != 0 {
		t.Errorf("refused publishes stored %d events", out.Events.TotalCount)
	}
}

func TestPublishReturnsTheStoredEvent(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	e.CreateEventType("QUESTION_ANSWERED")
	acc := e.CreateAccount("publisher")
	var out struct {
		PublishEvent struct {
			ID, Type, OccurredAt string
			Data                 json.RawMessage
			Metadata             map[string]string
			IdempotencyKey       string
		}
	}
	// The admin token publishes for any account; data may be a literal.
	e.MustDo(apptest.AdminToken, `mutation($acc: ID!) { publishEvent(input: {accountID: $acc, type: "QUESTION_ANSWERED",
		data: {questionId: 42, answer: "Yes"}, metadata: {course: "go-101"}, idempotencyKey: "answer-42"}) {
		id type data metadata idempotencyKey occurredAt } }`, map[string]any{"acc": acc.ID}, &out)
	got := out.PublishEvent
	if !strings.HasPrefix(got.ID, "evt_") || got.Type != "QUESTION_ANSWERED" || string(got.Data) != `{"answer":"Yes","questionId":42}` ||
		got.Metadata["course"] != "go-101" || got.IdempotencyKey != "answer-42" || got.OccurredAt == "" {
		t.Errorf("published event = %+v (data %s)", got, got.Data)
	}
	// The account sees it as its own.
	var node struct{ Node struct{ ID string } }
	e.MustDo(acc.Token, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": got.ID}, &node)
	if node.Node.ID != got.ID {
		t.Errorf("the account cannot read the event published for it")
	}
}
