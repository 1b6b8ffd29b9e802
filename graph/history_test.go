package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

var (
	historyTypes    = []string{"QUESTION_ANSWERED", "REPLY_ANSWERED", "nutror.lesson_started"}
	historyStatuses = []delivery.Status{delivery.StatusPENDING, delivery.StatusRETRYING, delivery.StatusSUCCEEDED, delivery.StatusFAILED, delivery.StatusCANCELLED}
	historyCodes    = []int{200, 500, 404, 0}
	historyCourses  = []string{"go", "rust"}
	historyPlans    = []string{"free", "pro", "team"}
)

// row is one delivery of the fixture with what the filters look at.
type row struct {
	id, cfg, event, eventType string
	status                    delivery.Status
	code                      int
	created                   time.Time
	course, plan              string
}

// historyFixture stores n deliveries of account acc across cfgs, spread
// over every type, status, response code and metadata value, step apart
// from base, straight into PostgreSQL.
func historyFixture(t *testing.T, e *apptest.Env, acc string, cfgs []string, n int, base time.Time, step time.Duration) []row {
	t.Helper()
	ctx := viewer.System(context.Background())
	var rows []row
	for i := range n {
		r := row{
			cfg: cfgs[i%len(cfgs)], eventType: historyTypes[(i/3)%3], status: historyStatuses[i%5],
			code: historyCodes[i%4], created: base.Add(time.Duration(i) * step),
			course: historyCourses[i%2], plan: historyPlans[(i/2)%3],
		}
		evt := e.App.Client.Event.Create().
			SetAccountID(pulid.ID(acc)).SetType(r.eventType).SetData(json.RawMessage(fmt.Sprintf(`{"i":%d}`, i))).
			SetMetadata(map[string]string{"course": r.course, "plan": r.plan}).
			SetOccurredAt(r.created).SetCreatedAt(r.created).
			SaveX(ctx)
		c := e.App.Client.Delivery.Create().
			SetAccountID(pulid.ID(acc)).SetEventID(evt.ID).SetConfigurationID(pulid.ID(r.cfg)).
			SetEventType(r.eventType).SetURL("https://example.com/" + r.cfg).
			SetStatus(r.status).SetCreatedAt(r.created).SetAttemptCount(i % 3)
		if r.code != 0 {
			c.SetLastResponseStatus(r.code).SetLastAttemptAt(r.created).SetLastDurationMs(10 + i)
		}
		r.id, r.event = string(c.SaveX(ctx).ID), string(evt.ID)
		rows = append(rows, r)
	}
	return rows
}

// walk pages through deliveries(where) with first: 7 and returns the ids in
// order; between pages it runs between (which may insert rows).
func walk(t *testing.T, e *apptest.Env, token string, where map[string]any, between func()) []string {
	t.Helper()
	var ids []string
	var after *string
	for range 100 {
		var out struct {
			Deliveries struct {
				TotalCount int
				Edges      []struct{ Node struct{ ID string } }
				PageInfo   struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
		e.MustDo(token, `query($where: DeliveryWhereInput, $after: Cursor) {
			deliveries(first: 7, after: $after, where: $where) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
			map[string]any{"where": where, "after": after}, &out)
		for _, edge := range out.Deliveries.Edges {
			ids = append(ids, edge.Node.ID)
		}
		if !out.Deliveries.PageInfo.HasNextPage {
			return ids
		}
		after = &out.Deliveries.PageInfo.EndCursor
		if between != nil {
			between()
		}
	}
	t.Fatal("more than 100 pages")
	return nil
}

// expected returns the ids of rows passing keep, newest first.
func expected(rows []row, keep func(row) bool) []string {
	var ids []string
	for i := len(rows) - 1; i >= 0; i-- {
		if keep(rows[i]) {
			ids = append(ids, rows[i].id)
		}
	}
	return ids
}

func TestDeliveryFiltersReturnExactlyTheMatchingDeliveries(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	for _, name := range historyTypes {
		e.CreateEventType(name)
	}
	acc, other := e.CreateAccount("history"), e.CreateAccount("other")
	var cfgs []string
	for range 3 {
		cfgs = append(cfgs, configuration(t, e, acc.Token))
	}
	base := time.Now().Add(-24 * time.Hour).Truncate(time.Second)
	rows := historyFixture(t, e, acc.ID, cfgs, 60, base, time.Minute)
	// Another account's deliveries, in the same minutes: never in acc's results.
	historyFixture(t, e, other.ID, []string{configuration(t, e, other.Token)}, 10, base, time.Minute)

	mid := base.Add(20 * time.Minute)
	cases := []struct {
		desc  string
		where map[string]any
		keep  func(row) bool
	}{
		{"everything", nil, func(row) bool { return true }},
		{"statusIn", map[string]any{"statusIn": []string{"FAILED", "CANCELLED"}},
			func(r row) bool { return r.status == delivery.StatusFAILED || r.status == delivery.StatusCANCELLED }},
		{"configurationIDIn", map[string]any{"configurationIDIn": cfgs[:2]},
			func(r row) bool { return r.cfg != cfgs[2] }},
		{"eventTypeIn", map[string]any{"eventTypeIn": historyTypes[1:]},
			func(r row) bool { return r.eventType != historyTypes[0] }},
		{"eventID", map[string]any{"eventID": rows[7].event}, func(r row) bool { return r.id == rows[7].id }},
		{"createdAtGTE", map[string]any{"createdAtGTE": mid}, func(r row) bool { return !r.created.Before(mid) }},
		{"createdAtLT", map[string]any{"createdAtLT": mid}, func(r row) bool { return r.created.Before(mid) }},
		{"lastResponseStatusIn", map[string]any{"lastResponseStatusIn": []int{500, 404}},
			func(r row) bool { return r.code == 500 || r.code == 404 }},
		{"metadata, one pair", map[string]any{"metadata": []map[string]string{{"key": "course", "value": "go"}}},
			func(r row) bool { return r.course == "go" }},
		{"metadata, every pair must match", map[string]any{"metadata": []map[string]string{{"key": "course", "value": "rust"}, {"key": "plan", "value": "pro"}}},
			func(r row) bool { return r.course == "rust" && r.plan == "pro" }},
		{"status and metadata and dates", map[string]any{"statusIn": []string{"SUCCEEDED", "FAILED"}, "createdAtGTE": base.Add(10 * time.Minute),
			"createdAtLT": base.Add(50 * time.Minute), "metadata": []map[string]string{{"key": "plan", "value": "team"}}},
			func(r row) bool {
				return (r.status == delivery.StatusSUCCEEDED || r.status == delivery.StatusFAILED) && r.plan == "team" &&
					!r.created.Before(base.Add(10*time.Minute)) && r.created.Before(base.Add(50*time.Minute))
			}},
		{"or, with metadata inside", map[string]any{"or": []map[string]any{
			{"eventTypeIn": []string{historyTypes[2]}, "configurationIDIn": []string{cfgs[0]}},
			{"metadata": []map[string]string{{"key": "plan", "value": "free"}}, "lastResponseStatusIn": []int{200}},
		}}, func(r row) bool {
			return (r.eventType == historyTypes[2] && r.cfg == cfgs[0]) || (r.plan == "free" && r.code == 200)
		}},
		{"not, and", map[string]any{"not": map[string]any{"statusIn": []string{"SUCCEEDED"}},
			"and": []map[string]any{{"configurationIDIn": cfgs[1:]}, {"metadata": []map[string]string{{"key": "course", "value": "go"}}}}},
			func(r row) bool { return r.status != delivery.StatusSUCCEEDED && r.cfg != cfgs[0] && r.course == "go" }},
	}
	for _, c := range cases {
		want := expected(rows, c.keep)
		if len(want) == 0 && c.desc != "eventID" {
			t.Fatalf("%s: the fixture has no matching row; the case proves nothing", c.desc)
		}
		if got := walk(t, e, acc.Token, c.where, nil); !slices.Equal(got, want) {
			t.Errorf("%s: got %d ids %v\nwant %d ids %v", c.desc, len(got), got, len(want), want)
		}
	}

	// totalCount, and a metadata filter no event satisfies.
	var out struct{ Deliveries struct{ TotalCount int } }
	e.MustDo(acc.Token, `{ deliveries(where: {statusIn: [PENDING]}) { totalCount } }`, nil, &out)
	if want := len(expected(rows, func(r row) bool { return r.status == delivery.StatusPENDING })); out.Deliveries.TotalCount != want {
		t.Errorf("totalCount of PENDING = %d, want %d", out.Deliveries.TotalCount, want)
	}
	if got := walk(t, e, acc.Token, map[string]any{"metadata": []map[string]string{{"key": "course", "value": "go"}, {"key": "course", "value": "rust"}}}, nil); len(got) != 0 {
		t.Errorf("contradictory metadata pairs matched %d deliveries", len(got))
	}
	res := e.Do(acc.Token, `{ deliveries(where: {metadata: [{key: "", value: "x"}]}) { totalCount } }`, nil)
	if err := apptest.OnlyError(t, res); err.Code() != "BAD_USER_INPUT" || err.Field() != "metadata" {
		t.Errorf("empty metadata key: %s %q (field %q), want BAD_USER_INPUT naming metadata", err.Code(), err.Message, err.Field())
	}
}

func TestPaginationWalksEveryDeliveryOnceWhileNewOnesArrive(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	for _, name := range historyTypes {
		e.CreateEventType(name)
	}
	acc := e.CreateAccount("history")
	cfg := configuration(t, e, acc.Token)
	base := time.Now().Add(-time.Hour)
	rows := historyFixture(t, e, acc.ID, []string{cfg}, 40, base, time.Minute)
	// Ten older deliveries created at the same instant: ties on createdAt,
	// broken by id, across page boundaries.
	tied := historyFixture(t, e, acc.ID, []string{cfg}, 10, base.Add(-time.Minute), 0)
	inserted := 0
	got := walk(t, e, acc.Token, nil, func() {
		// A publisher keeps adding deliveries while the history is read.
		historyFixture(t, e, acc.ID, []string{cfg}, 2, time.Now(), time.Millisecond)
		inserted += 2
	})
	want := append(expected(rows, func(row) bool { return true }), expected(tied, func(row) bool { return true })...)
	if !slices.Equal(got, want) {
		t.Errorf("walk returned %d ids, want the %d that existed when it began, newest first, once each\n got %v\nwant %v", len(got), len(want), got, want)
	}
	if inserted == 0 {
		t.Error("nothing was inserted during the walk")
	}
}

func TestHistoryShowsEveryFieldAndTheAttemptsInOrder(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	e.CreateEventType("QUESTION_ANSWERED")
	acc := e.CreateAccount("history")
	rcv := apptest.NewReceiver(t, 200)
	ep := e.ActiveEndpoint(acc.Token, rcv.URL, []string{"QUESTION_ANSWERED"}, map[string]any{"retrySchedule": []int{1, 1}})
	base := len(rcv.Requests())
	rcv.Status = func(n int) int {
		if n <= base+2 {
			return 500
		}
		return 200
	}
	e.StartWorker()
	evtID := e.Publish(acc.Token, "QUESTION_ANSWERED", map[string]any{"q": 1}, map[string]any{"metadata": map[string]string{"course": "go"}})
	e.WaitFor(10*time.Second, apptest.AllEnded(1))

	var out struct {
		Deliveries struct {
			Edges []struct {
				Node struct {
					ID, Status, EventID, URL, EventType, CreatedAt, LastAttemptAt string
					ConfigurationID                                               string
					LastResponseStatus, LastDurationMs, AttemptCount              int
					NextAttemptAt                                                 *string
					Event                                                         struct{ Metadata map[string]string }
					Attempts                                                      []struct {
						Number                  int
						Trigger, RequestBody    string
						RequestHeaders          map[string]string
						ResponseStatus          int
						ResponseBody, StartedAt string
						DurationMs              int
					}
				}
			}
		}
	}
	e.MustDo(acc.Token, `{ deliveries(where: {eventID: "`+evtID+`"}) { edges { node {
		id status eventID url eventType createdAt lastAttemptAt configurationID lastResponseStatus lastDurationMs attemptCount nextAttemptAt
		event { metadata }
		attempts { number trigger requestBody requestHeaders responseStatus responseBody startedAt durationMs } } } } }`, nil, &out)
	if len(out.Deliveries.Edges) != 1 {
		t.Fatalf("%d deliveries for the event, want 1", len(out.Deliveries.Edges))
	}
	d := out.Deliveries.Edges[0].Node
	if d.Status != "SUCCEEDED" || d.EventID != evtID || d.URL != rcv.URL || d.EventType != "QUESTION_ANSWERED" || d.ConfigurationID != ep.ID ||
		d.LastResponseStatus != 200 || d.AttemptCount != 3 || d.CreatedAt == "" || d.LastAttemptAt == "" || d.NextAttemptAt != nil ||
		d.Event.Metadata["course"] != "go" {
		t.Errorf("history row = %+v", d)
	}
	for i, a := range d.Attempts {
		wantStatus := map[bool]int{true: 500, false: 200}[i < 2]
		if a.Number != i+1 || a.Trigger != "AUTOMATIC" || a.ResponseStatus != wantStatus || a.RequestBody == "" ||
			a.RequestHeaders["X-Signature"] == "" || a.ResponseBody != `{"received":true}` || a.StartedAt == "" {
			t.Errorf("attempt %d = %+v, want number %d answered %d with request and response", i, a, i+1, wantStatus)
		}
	}
	if len(d.Attempts) != 3 {
		t.Errorf("%d attempts, want 3", len(d.Attempts))
	}
}

func TestEventsConnectionIsNewestFirstAndFiltersOnMetadata(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	for _, name := range historyTypes {
		e.CreateEventType(name)
	}
	acc := e.CreateAccount("history")
	rows := historyFixture(t, e, acc.ID, []string{configuration(t, e, acc.Token)}, 12, time.Now().Add(-time.Hour), time.Minute)
	var out struct {
		Events struct {
			TotalCount int
			Edges      []struct{ Node struct{ ID string } }
		}
	}
	e.MustDo(acc.Token, `{ events(first: 50, where: {metadata: [{key: "plan", value: "pro"}]}) { totalCount edges { node { id } } } }`, nil, &out)
	var want []string
	for i := len(rows) - 1; i >= 0; i-- {
		if rows[i].plan == "pro" {
			want = append(want, rows[i].event)
		}
	}
	var got []string
	for _, edge := range out.Events.Edges {
		got = append(got, edge.Node.ID)
	}
	if !slices.Equal(got, want) || out.Events.TotalCount != len(want) {
		t.Errorf("events with plan=pro: got %v (total %d), want %v newest first", got, out.Events.TotalCount, want)
	}
}

// configuration creates an INACTIVE configuration (no ping in the history)
// for token's account.
func configuration(t *testing.T, e *apptest.Env, token string) string {
	t.Helper()
	keyID, _ := e.CreateSigningKey(token, "key")
	return e.CreateConfiguration(token, map[string]any{
		"name": "history", "url": apptest.NewReceiver(t, 200).URL, "signingKeyID": keyID, "eventTypes": historyTypes,
	})
}
