package graph_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

const createTypeWithSample = `mutation($in: CreateEventTypeInput!) { createEventType(input: $in) { id sample } }`

// sampleOf reads an event type's sample back from the catalog, as a
// console session would.
func sampleOf(t *testing.T, e *apptest.Env, token, name string) json.RawMessage {
	t.Helper()
	var out struct {
		EventTypes struct {
			Edges []struct {
				Node struct{ Sample json.RawMessage }
			}
		}
	}
	e.MustDo(token, `query($n: String!) { eventTypes(first: 1, where: {name: $n}) { edges { node { sample } } } }`, map[string]any{"n": name}, &out)
	if len(out.EventTypes.Edges) != 1 {
		t.Fatalf("event type %s not in the catalog", name)
	}
	return out.EventTypes.Edges[0].Node.Sample
}

// jsonDiff compares want, marshalled, with got by value: PostgreSQL's
// jsonb reorders keys.
func jsonDiff(want any, got json.RawMessage) string {
	var g any
	if err := json.Unmarshal(got, &g); err != nil {
		return "not JSON: " + string(got)
	}
	w, _ := json.Marshal(want)
	var wv any
	_ = json.Unmarshal(w, &wv)
	return cmp.Diff(wv, g)
}

// An event type's sample is stored with it, read back by every token,
// changed by updateEventType and removed by {}.
func TestEventTypeSamplesAreStoredAndQueried(t *testing.T) {
	t.Parallel()
	apptest.InBothModes(t, func(t *testing.T, e *apptest.Env) {
		sample := map[string]any{"order": map[string]any{"id": "ord_123", "total": 4990, "currency": "BRL"}, "paid": true}
		var out struct{ CreateEventType struct{ ID string } }
		e.MustDo(apptest.AdminToken, createTypeWithSample, map[string]any{"in": map[string]any{"name": "order.paid", "sample": sample}}, &out)
		acc := e.CreateAccount("acme")
		session := newSession(t, e, map[string]any{"accountID": acc.ID})
		if diff := jsonDiff(sample, sampleOf(t, e, session.Token, "order.paid")); diff != "" {
			t.Errorf("the sample a console session reads (-want +got):\n%s", diff)
		}

		const update = `mutation($id: ID!, $in: UpdateEventTypeInput!) { updateEventType(id: $id, input: $in) { sample } }`
		changed := map[string]any{"order": map[string]any{"id": "ord_456"}}
		e.MustDo(apptest.AdminToken, update, map[string]any{"id": out.CreateEventType.ID, "in": map[string]any{"description": "paid"}}, nil)
		if diff := jsonDiff(sample, sampleOf(t, e, acc.Token, "order.paid")); diff != "" {
			t.Errorf("an update without sample changed it (-want +got):\n%s", diff)
		}
		e.MustDo(apptest.AdminToken, update, map[string]any{"id": out.CreateEventType.ID, "in": map[string]any{"sample": changed}}, nil)
		if diff := jsonDiff(changed, sampleOf(t, e, acc.Token, "order.paid")); diff != "" {
			t.Errorf("the updated sample (-want +got):\n%s", diff)
		}
		e.MustDo(apptest.AdminToken, update, map[string]any{"id": out.CreateEventType.ID, "in": map[string]any{"sample": map[string]any{}}}, nil)
		if got := sampleOf(t, e, acc.Token, "order.paid"); string(got) != "null" {
			t.Errorf("sample after updating it to {}: %s, want null", got)
		}
		e.CreateEventType("order.refunded")
		if got := sampleOf(t, e, acc.Token, "order.refunded"); string(got) != "null" {
			t.Errorf("sample of a type created without one: %s, want null", got)
		}
	})
}

// A sample must be a JSON object of at most 64 KiB; anything else is
// refused BAD_USER_INPUT naming sample, and nothing is stored.
func TestEventTypeSampleIsChecked(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	id := e.CreateEventType("order.paid")
	for _, tc := range []struct {
		desc   string
		sample any
	}{
		{"an array", []int{1, 2}},
		{"a string", "order"},
		{"a number", 42},
		{"over 64 KiB", map[string]any{"blob": strings.Repeat("x", 64<<10)}},
	} {
		err := apptest.OnlyError(t, e.Do(apptest.AdminToken, createTypeWithSample, map[string]any{"in": map[string]any{"name": "order.refunded", "sample": tc.sample}}))
		if err.Code() != "BAD_USER_INPUT" || err.Field() != "sample" {
			t.Errorf("create with %s: %s %q (field %q), want BAD_USER_INPUT on sample", tc.desc, err.Code(), err.Message, err.Field())
		}
		err = apptest.OnlyError(t, e.Do(apptest.AdminToken, `mutation($id: ID!, $s: JSON) { updateEventType(id: $id, input: {sample: $s}) { id } }`,
			map[string]any{"id": id, "s": tc.sample}))
		if err.Code() != "BAD_USER_INPUT" || err.Field() != "sample" {
			t.Errorf("update with %s: %s %q (field %q), want BAD_USER_INPUT on sample", tc.desc, err.Code(), err.Message, err.Field())
		}
	}
	ctx := viewer.System(t.Context())
	if n, _ := e.App.Client.EventType.Query().Count(ctx); n != 1 {
		t.Errorf("%d event types after refused creates, want 1", n)
	}
	if et, err := e.App.Client.EventType.Get(ctx, pulid.ID(id)); err != nil || et.Sample != nil {
		t.Errorf("order.paid after refused updates: sample %s (%v), want none", et.Sample, err)
	}
}

// sendTestEvent without data sends the type's sample, and the generic one
// for a type without.
func TestSendTestEventSendsTheTypesSample(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	sample := map[string]any{"invoice": map[string]any{"number": "INV-0042", "amount": 12900}}
	e.MustDo(apptest.AdminToken, createTypeWithSample, map[string]any{"in": map[string]any{"name": "invoice.created", "sample": sample}}, nil)
	e.CreateEventType("customer.created")
	acc := e.CreateAccount("acme")
	rcv := apptest.NewReceiver(t, 200)
	keyID, _ := e.CreateSigningKey(acc.Token, "k")
	cfgID := e.CreateConfiguration(acc.Token, map[string]any{"name": "billing", "url": rcv.URL, "signingKeyID": keyID,
		"eventTypes": []string{"invoice.created"}})

	var out struct{ SendTestEvent struct{ RequestBody string } }
	e.MustDo(acc.Token, sendTestEvent, map[string]any{"in": map[string]any{"configurationID": cfgID, "eventType": "invoice.created"}}, &out)
	var body struct {
		Event string
		Data  json.RawMessage
	}
	if err := json.Unmarshal([]byte(out.SendTestEvent.RequestBody), &body); err != nil || body.Event != "invoice.created" {
		t.Fatalf("attempt's request body %s (%v), want an invoice.created event", out.SendTestEvent.RequestBody, err)
	}
	if diff := jsonDiff(sample, body.Data); diff != "" {
		t.Errorf("test event data, want the type's sample (-want +got):\n%s", diff)
	}
	if reqs := rcv.Requests(); string(reqs[len(reqs)-1].Body) != out.SendTestEvent.RequestBody {
		t.Errorf("the receiver got %s, want the request recorded", reqs[len(reqs)-1].Body)
	}

	e.MustDo(acc.Token, sendTestEvent, map[string]any{"in": map[string]any{"configurationID": cfgID, "eventType": "customer.created"}}, &out)
	if !strings.Contains(out.SendTestEvent.RequestBody, `"test":true`) {
		t.Errorf("test event of a type without a sample sent %s, want the generic one", out.SendTestEvent.RequestBody)
	}
}
