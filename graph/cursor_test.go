package graph_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"entgo.io/contrib/entgql"

	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// forged encodes a cursor the way entgql does, with any id and value.
func forged(id string, value any) string {
	var b bytes.Buffer
	entgql.Cursor[pulid.ID]{ID: pulid.ID(id), Value: value}.MarshalGQL(&b)
	return strings.Trim(b.String(), `"`)
}

// A cursor is opaque: one that does not decode, or decodes to what no page
// ever returned, is bad input naming the argument on every connection.
func TestMalformedCursorsAreBadInputNamingTheArgument(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	e.CreateEventType("a.b")
	acc := e.CreateAccount("acme")
	e.ActiveEndpoint(acc.Token, apptest.NewReceiver(t, 200).URL, []string{"a.b"}, nil)
	e.Publish(acc.Token, "a.b", map[string]any{"n": 1}, nil)
	connections := []struct {
		name, token string
	}{
		{"deliveries", acc.Token}, {"events", acc.Token}, {"configurations", acc.Token},
		{"signingKeys", acc.Token}, {"eventTypes", acc.Token}, {"accounts", apptest.AdminToken},
	}
	cursors := map[string]string{
		"garbage":            "garbage",
		"not base64":         "!!!",
		"empty":              "",
		"truncated msgpack":  forged("acc_01HZZZZZZZZZZZZZZZZZZZZZZZ", "x")[:10],
		"a map as the value": forged("acc_01HZZZZZZZZZZZZZZZZZZZZZZZ", map[string]any{"a": 1}),
	}
	for _, c := range connections {
		for desc, cursor := range cursors {
			for _, arg := range []string{"after", "before"} {
				size := map[string]string{"after": "first", "before": "last"}[arg]
				q := fmt.Sprintf(`query($c: Cursor) { %s(%s: $c, %s: 2) { edges { cursor } } }`, c.name, arg, size)
				err := apptest.OnlyError(t, e.Do(c.token, q, map[string]any{"c": cursor}))
				if err.Code() != "BAD_USER_INPUT" || err.Field() != arg || !strings.HasPrefix(err.Message, arg+":") {
					t.Errorf("%s(%s: %s cursor): got %s %q field %q, want BAD_USER_INPUT naming %s", c.name, arg, desc, err.Code(), err.Message, err.Field(), arg)
				}
			}
		}
		// Written in the query rather than passed as a variable.
		err := apptest.OnlyError(t, e.Do(c.token, fmt.Sprintf(`{ %s(after: "garbage") { totalCount } }`, c.name), nil))
		if err.Code() != "BAD_USER_INPUT" || err.Field() != "after" {
			t.Errorf("%s(after: \"garbage\") inline: got %s %q field %q, want BAD_USER_INPUT naming after", c.name, err.Code(), err.Message, err.Field())
		}
	}
	// A cursor of another order (a name where a time is expected, and back).
	for _, tc := range []struct{ query, cursor string }{
		{`query($c: Cursor) { deliveries(after: $c, first: 2) { edges { cursor } } }`, forged("dlv_01HZZZZZZZZZZZZZZZZZZZZZZZ", "not a time")},
		{`query($c: Cursor) { events(after: $c, first: 2) { edges { cursor } } }`, forged("evt_01HZZZZZZZZZZZZZZZZZZZZZZZ", 12)},
		{`query($c: Cursor) { signingKeys(after: $c, first: 2, orderBy: {field: NAME}) { edges { cursor } } }`, forged("key_01HZZZZZZZZZZZZZZZZZZZZZZZ", time.Now())},
	} {
		err := apptest.OnlyError(t, e.Do(acc.Token, tc.query, map[string]any{"c": tc.cursor}))
		if err.Code() != "BAD_USER_INPUT" || err.Field() != "after" {
			t.Errorf("%s with a cursor of another order: got %s %q field %q, want BAD_USER_INPUT naming after", tc.query, err.Code(), err.Message, err.Field())
		}
	}
	if strings.Contains(e.Logs.String(), "internal error") {
		t.Errorf("a malformed cursor was logged as an internal error:\n%s", e.Logs.String())
	}

	// The cursors Ferry returns still page.
	var page struct {
		Deliveries struct{ Edges []struct{ Cursor string } }
	}
	e.MustDo(acc.Token, `{ deliveries(first: 1) { edges { cursor } } }`, nil, &page)
	if len(page.Deliveries.Edges) != 1 {
		t.Fatal("no delivery to page through")
	}
	e.MustDo(acc.Token, `query($c: Cursor) { deliveries(after: $c, first: 1) { totalCount } }`, map[string]any{"c": page.Deliveries.Edges[0].Cursor}, nil)
	var keys struct {
		SigningKeys struct{ Edges []struct{ Cursor string } }
	}
	byName := `query($c: Cursor) { signingKeys(after: $c, first: 1, orderBy: {field: NAME}) { edges { cursor } } }`
	e.MustDo(acc.Token, byName, map[string]any{"c": nil}, &keys)
	e.MustDo(acc.Token, byName, map[string]any{"c": keys.SigningKeys.Edges[0].Cursor}, nil)
	stillWorks(t, e, acc.Token)
}
