package graph_test

import (
	"bytes"
	"encoding/json"
	"math/big"
	"testing"

	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// noInternalError fails when any error of res is INTERNAL: whatever a
// client sends, Ferry answers it or refuses it as bad input.
func noInternalError(t *testing.T, res apptest.Response, input ...any) {
	t.Helper()
	for _, err := range res.Errors {
		if err.Code() == "INTERNAL" || err.Code() == "" {
			t.Fatalf("input %q: error %+v", input, err)
		}
	}
}

// on is e reporting to t: inside a fuzz target the *testing.F that made e
// must not be used.
func on(e *apptest.Env, t *testing.T) *apptest.Env {
	c := *e
	c.T = t
	return &c
}

// FuzzDeliveryFilters sends arbitrary values through every kind of
// delivery filter: none may cause an internal error.
func FuzzDeliveryFilters(f *testing.F) {
	e := apptest.New(f, true)
	e.CreateEventType("order.paid")
	acc := e.CreateAccount("acme")
	rcv := apptest.NewReceiver(f, 200)
	e.ActiveEndpoint(acc.Token, rcv.URL, []string{"order.paid"}, nil)
	e.Publish(acc.Token, "order.paid", map[string]any{"n": 1}, map[string]any{"metadata": map[string]any{"k": "v"}})

	f.Add("PENDING", "order.paid", "k", "v", 200, "2026-01-01T00:00:00Z", "cfg_01J")
	f.Add("SUCCEEDED", "", "", "", 0, "", "")
	f.Add("nope", "\x00", "k\x00", "\xff", -1, "yesterday", "dlv_\u00e9")
	f.Add("FAILED", "a%b_c", "'; drop table deliveries; --", `{"a":1}`, 1<<31, "9999-12-31T23:59:59Z", "acc_"+string(make([]byte, 300)))
	f.Fuzz(func(t *testing.T, status, eventType, key, value string, code int, createdAt, id string) {
		e := on(e, t)
		where := map[string]any{
			"statusIn":             []string{status},
			"eventTypeIn":          []string{eventType},
			"eventTypeContains":    eventType,
			"metadata":             []map[string]string{{"key": key, "value": value}},
			"lastResponseStatusIn": []int{code},
			"createdAtGTE":         createdAt,
			"configurationIDIn":    []string{id},
			"eventID":              id,
			"or":                   []any{map[string]any{"urlContains": value}, map[string]any{"not": map[string]any{"idGT": id}}},
		}
		res := e.Do(acc.Token, `query($w: DeliveryWhereInput) { deliveries(first: 5, where: $w) { totalCount edges { node { id } } } }`,
			map[string]any{"w": where})
		noInternalError(t, res, where)
		// Each filter alone, so one bad value does not hide the others.
		for k, v := range where {
			res := e.Do(acc.Token, `query($w: DeliveryWhereInput) { deliveries(first: 5, where: $w) { totalCount } }`,
				map[string]any{"w": map[string]any{k: v}})
			noInternalError(t, res, k, v)
		}
	})
}

// FuzzPublishEvent publishes arbitrary data and metadata: each is stored
// and read back as sent, or refused as bad input naming its field.
func FuzzPublishEvent(f *testing.F) {
	e := apptest.New(f, true)
	e.CreateEventType("order.paid")
	acc := e.CreateAccount("acme")

	f.Add([]byte(`{"total": 10, "items": [{"sku": "a"}]}`), "source", "shop", "key-1")
	f.Add([]byte(`[]`), "", "", "")
	f.Add([]byte(`{"s": "\u0000"}`), "k\x00", "v", "\x00")
	f.Add([]byte(`{"deep": {"a": {"b": {"c": [1, 2.5e300, -0, null, true, "é"]}}}}`), "\xff\xfe", "\u2028", "")
	f.Add([]byte(`"just a string"`), "k", string(make([]byte, 2000)), string(make([]byte, 300)))
	f.Fuzz(func(t *testing.T, data []byte, key, value, idem string) {
		e := on(e, t)
		if !json.Valid(data) {
			return // not expressible as a JSON variable; the transport refuses it
		}
		in := map[string]any{"type": "order.paid", "data": json.RawMessage(data), "metadata": map[string]string{key: value}}
		if idem != "" {
			in["idempotencyKey"] = idem
		}
		res := e.Do(acc.Token, `mutation($in: PublishEventInput!) { publishEvent(input: $in) { id data metadata } }`,
			map[string]any{"in": in})
		noInternalError(t, res, data, key, value, idem)
		for _, err := range res.Errors {
			if err.Code() == "BAD_USER_INPUT" && err.Field() == "" {
				t.Fatalf("bad input without a field: %+v", err)
			}
		}
		if len(res.Errors) > 0 {
			return
		}
		var out struct {
			PublishEvent struct {
				Data     json.RawMessage
				Metadata map[string]string
			}
		}
		if err := json.Unmarshal(res.Data, &out); err != nil {
			t.Fatal(err)
		}
		if idem == "" && !sameJSON(data, out.PublishEvent.Data) {
			t.Fatalf("data %s came back as %s", data, out.PublishEvent.Data)
		}
	})
}

// sameJSON compares two JSON texts by value, numbers by their decimal value
// (PostgreSQL's jsonb writes 1.0 as 1.0 but -0 as 0, say).
func sameJSON(a, b []byte) bool {
	decode := func(raw []byte) (any, bool) {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var v any
		return v, dec.Decode(&v) == nil
	}
	va, okA := decode(a)
	vb, okB := decode(b)
	return okA && okB && sameValue(va, vb)
}

func sameValue(a, b any) bool {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		fx, _, errX := big.ParseFloat(string(x), 10, 2000, big.ToNearestEven)
		fy, _, errY := big.ParseFloat(string(y), 10, 2000, big.ToNearestEven)
		return errX == nil && errY == nil && fx.Cmp(fy) == 0
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if w, ok := y[k]; !ok || !sameValue(v, w) {
				return false
			}
		}
		return true
	default:
		return a == b
	}
}
