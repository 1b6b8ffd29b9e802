package graph_test

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// A configuration's static headers are credentials: each kind of request
// (activation ping, test event, automatic delivery, manual and bulk resend)
// carries them to the receiver, and nothing Ferry shows or stores holds
// them in the clear.
func TestStaticHeadersReachTheReceiverButAreNeverShownOrStored(t *testing.T) {
	apptest.InBothModes(t, func(t *testing.T, e *apptest.Env) {
		rcv := apptest.NewReceiver(t, 200)
		e.CreateEventType("QUESTION_ANSWERED")
		acc := e.CreateAccount("headers")
		keyID, _ := e.CreateSigningKey(acc.Token, "k")
		clear := map[string]string{
			"Authorization": "Basic dXNlcjpwYXNzd29yZA==",
			"X-Api-Key":     "sk_live_0123456789abcdef",
			"X-Pin":         "4321",
		}
		redacted := map[string]string{"Authorization": "••••ZA==", "X-Api-Key": "••••cdef", "X-Pin": "••••"}

		var created struct {
			CreateConfiguration struct {
				ID      string
				Headers map[string]string
			}
		}
		e.MustDo(acc.Token, `mutation($in: CreateConfigurationInput!) { createConfiguration(input: $in) { id headers } }`,
			map[string]any{"in": map[string]any{"name": "endpoint", "url": rcv.URL, "signingKeyID": keyID,
				"eventTypes": []string{"QUESTION_ANSWERED"}, "headers": clear}}, &created)
		cfgID := created.CreateConfiguration.ID
		if !maps.Equal(created.CreateConfiguration.Headers, redacted) {
			t.Errorf("createConfiguration answered headers %v, want %v", created.CreateConfiguration.Headers, redacted)
		}

		e.MustDo(acc.Token, `mutation($id: ID!) { activateConfiguration(id: $id) { configuration { status } } }`, map[string]any{"id": cfgID}, nil)
		e.MustDo(acc.Token, `mutation($in: SendTestEventInput!) { sendTestEvent(input: $in) { trigger } }`,
			map[string]any{"in": map[string]any{"configurationID": cfgID, "eventType": "QUESTION_ANSWERED"}}, nil)
		e.StartWorker()
		evtID := e.Publish(acc.Token, "QUESTION_ANSWERED", map[string]any{"q": 1}, nil)
		attempted := func(n int) func([]*ent.Delivery) bool {
			return func(ds []*ent.Delivery) bool {
				for _, d := range ds {
					if string(d.EventID) == evtID && len(d.Edges.Attempts) == n {
						return true
					}
				}
				return false
			}
		}
		e.WaitFor(10*time.Second, attempted(1))
		var dlv struct {
			Deliveries struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		e.MustDo(acc.Token, `query($evt: ID!) { deliveries(where: {eventID: $evt}) { edges { node { id } } } }`, map[string]any{"evt": evtID}, &dlv)
		e.MustDo(acc.Token, `mutation($id: ID!) { resendDelivery(id: $id) { status } }`, map[string]any{"id": dlv.Deliveries.Edges[0].Node.ID}, nil)
		e.MustDo(acc.Token, `mutation($where: DeliveryWhereInput!) { resendDeliveries(where: $where) }`,
			map[string]any{"where": map[string]any{"eventID": evtID}}, nil)
		e.WaitFor(10*time.Second, attempted(3))

		// The URL check carries none; every other request carries them all.
		reqs := rcv.Requests()
		if len(reqs) != 6 {
			t.Fatalf("receiver got %d requests, want 6 (check, ping, test, automatic, manual, bulk)", len(reqs))
		}
		for i, req := range reqs[1:] {
			for name, value := range clear {
				if got := req.Header.Get(name); got != value {
					t.Errorf("request %d: header %s = %q, want the value configured", i+2, name, got)
				}
			}
		}

		var read struct {
			Configurations struct {
				Edges []struct {
					Node struct{ Headers map[string]string }
				}
			}
			Deliveries struct {
				Edges []struct {
					Node struct {
						Attempts []struct {
							Trigger        string
							RequestHeaders map[string]string
						}
					}
				}
			}
		}
		e.MustDo(acc.Token, `{ configurations { edges { node { headers } } }
			deliveries { edges { node { attempts { trigger requestHeaders } } } } }`, nil, &read)
		if got := read.Configurations.Edges[0].Node.Headers; !maps.Equal(got, redacted) {
			t.Errorf("configurations answered headers %v, want %v", got, redacted)
		}
		triggers := map[string]int{}
		for _, d := range read.Deliveries.Edges {
			for _, a := range d.Node.Attempts {
				triggers[a.Trigger]++
				for name, want := range redacted {
					if got := a.RequestHeaders[name]; got != want {
						t.Errorf("%s attempt records %s = %q, want %q", a.Trigger, name, got, want)
					}
				}
			}
		}
		if want := map[string]int{"PING": 1, "TEST": 1, "AUTOMATIC": 1, "MANUAL": 2}; !maps.Equal(triggers, want) {
			t.Errorf("attempts by trigger %v, want %v", triggers, want)
		}

		dump := dumpDatabase(t, e)
		if !strings.Contains(dump, "••••ZA==") {
			t.Fatalf("the dump misses the configuration's redacted headers: %.300s", dump)
		}
		for name, value := range clear {
			if len(value) > 4 && (strings.Contains(dump, value) || strings.Contains(dump, hexOf(value))) {
				t.Errorf("the database holds header %s in the clear", name)
			}
		}
	})
}

// A client that reads a configuration, changes one header and sends the
// map back keeps the values it only saw redacted.
func TestUpdatingHeadersKeepsTheValuesSentBackRedacted(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	rcv := apptest.NewReceiver(t, 200)
	e.CreateEventType("QUESTION_ANSWERED")
	acc := e.CreateAccount("headers update")
	keyID, _ := e.CreateSigningKey(acc.Token, "k")
	const auth = "Basic dXNlcjpwYXNzd29yZA=="
	cfgID := e.CreateConfiguration(acc.Token, map[string]any{"name": "endpoint", "url": rcv.URL, "signingKeyID": keyID,
		"eventTypes": []string{"QUESTION_ANSWERED"}, "headers": map[string]string{"Authorization": auth, "X-Team": "billing"}})
	update := func(headers map[string]string) apptest.Response {
		return e.Do(acc.Token, `mutation($id: ID!, $in: UpdateConfigurationInput!) { updateConfiguration(id: $id, input: $in) { headers } }`,
			map[string]any{"id": cfgID, "in": map[string]any{"headers": headers}})
	}
	sent := func() map[string]string {
		t.Helper()
		e.MustDo(acc.Token, `mutation($in: SendTestEventInput!) { sendTestEvent(input: $in) { trigger } }`,
			map[string]any{"in": map[string]any{"configurationID": cfgID, "eventType": "QUESTION_ANSWERED"}}, nil)
		reqs := rcv.Requests()
		h := reqs[len(reqs)-1].Header
		return map[string]string{"Authorization": h.Get("Authorization"), "X-Team": h.Get("X-Team"), "X-New": h.Get("X-New")}
	}

	// Sent back as read, one value changed, one added; a name in another case still matches.
	res := update(map[string]string{"authorization": "••••ZA==", "X-Team": "payments", "X-New": "hello world"})
	if len(res.Errors) != 0 {
		t.Fatalf("update with the redacted map: %+v", res.Errors)
	}
	if !strings.Contains(string(res.Data), `"authorization":"••••ZA=="`) || !strings.Contains(string(res.Data), `"X-Team":"••••ents"`) {
		t.Errorf("update answered %s, want the new map redacted", res.Data)
	}
	if got, want := sent(), map[string]string{"Authorization": auth, "X-Team": "payments", "X-New": "hello world"}; !maps.Equal(got, want) {
		t.Errorf("after the update the receiver got %v, want %v", got, want)
	}

	// A redacted form that is not the stored value's is refused, and changes nothing.
	err := apptest.OnlyError(t, update(map[string]string{"authorization": "••••AAAA", "X-Team": "other"}))
	if err.Code() != "BAD_USER_INPUT" || err.Field() != "headers.authorization" || !strings.HasPrefix(err.Message, "headers.authorization:") {
		t.Errorf("update with a wrong redacted value: %q %q field %q, want BAD_USER_INPUT naming headers.authorization", err.Code(), err.Message, err.Field())
	}
	if got := sent(); got["Authorization"] != auth || got["X-Team"] != "payments" {
		t.Errorf("a refused update changed what is sent: %v", got)
	}

	// An empty map removes them all.
	if res := update(map[string]string{}); len(res.Errors) != 0 || !strings.Contains(string(res.Data), `"headers":{}`) {
		t.Fatalf("update to no headers: %s %+v", res.Data, res.Errors)
	}
	if got := sent(); got["Authorization"] != "" || got["X-Team"] != "" || got["X-New"] != "" {
		t.Errorf("after removing the headers the receiver still got %v", got)
	}
}

// dumpDatabase is every row of every table of e's database as text, with
// bytes also in hex, to look for values that must not be stored.
func dumpDatabase(t *testing.T, e *apptest.Env) string {
	t.Helper()
	ctx := context.Background()
	list := `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`
	if e.App.Dialect == dialect.SQLite {
		list = `SELECT name FROM sqlite_master WHERE type = 'table'`
	}
	rows, err := e.App.DB.QueryContext(ctx, list)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	var dump strings.Builder
	for _, table := range tables {
		rows, err := e.App.DB.QueryContext(ctx, `SELECT * FROM "`+table+`"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				if b, ok := v.([]byte); ok {
					fmt.Fprintf(&dump, "%s %x ", b, b)
					continue
				}
				fmt.Fprint(&dump, v, " ")
			}
		}
		rows.Close()
	}
	return dump.String()
}
