package graph_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry/graph"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// refusedQuickly sends query without a token and fails unless it is refused
// with code within bound (each attack took seconds of CPU before its guard).
func refusedQuickly(t *testing.T, e *apptest.Env, token, query string, vars map[string]any, code string, bound time.Duration) apptest.Error {
	t.Helper()
	start := time.Now()
	err := apptest.OnlyError(t, e.Do(token, query, vars))
	if d := time.Since(start); d > bound {
		t.Errorf("refused after %s; the guard must answer within %s", d, bound)
	}
	if err.Code() != code {
		t.Errorf("got %+v, want %s", err, code)
	}
	return err
}

// Each fragment spreads the previous one twice: walked naively, F30 costs
// 2^30 visits. Each fragment is now measured once, and the walk stops at the
// first limit passed.
func TestFragmentFanOutIsMeasuredOnce(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	acc := e.CreateAccount("acme")

	var b strings.Builder
	b.WriteString("query { ...F30 }\nfragment F0 on Query { __typename }\n")
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&b, "fragment F%d on Query { ...F%d ...F%d }\n", i, i-1, i-1)
	}
	for _, token := range []string{"", acc.Token} {
		refusedQuickly(t, e, token, b.String(), nil, "QUERY_TOO_COMPLEX", 3*time.Second)
	}

	// Fragments used many times are measured at each use all the same.
	var ok struct{ Viewer struct{ Role string } }
	e.MustDo(acc.Token, `query { a: viewer { ...V } b: viewer { ...V } } fragment V on Viewer { role }`, nil, &ok)
	stillWorks(t, e, acc.Token)
}

// gqlparser compares fields sharing a response name pair by pair: 8,000
// aliases took 5 s to validate. Documents are bounded in names and tokens
// before they are parsed.
func TestAliasFloodsAndTokenFloodsAreRefusedBeforeParsing(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	acc := e.CreateAccount("acme")

	aliases := "{" + strings.Repeat(" a:__typename", 8000) + " }"
	err := refusedQuickly(t, e, "", aliases, nil, "QUERY_TOO_COMPLEX", 2*time.Second)
	if !strings.Contains(err.Message, fmt.Sprint(graph.MaxSelections)) {
		t.Errorf("the refusal should name the limit of %d: %q", graph.MaxSelections, err.Message)
	}
	ids := `{ nodes(ids: [` + strings.Repeat(`"x",`, 30000) + `]) { id } }`
	err = refusedQuickly(t, e, acc.Token, ids, nil, "QUERY_TOO_COMPLEX", 2*time.Second)
	if !strings.Contains(err.Message, "tokens") || !strings.Contains(err.Message, "variables") {
		t.Errorf("the refusal should say tokens are limited and inputs go in variables: %q", err.Message)
	}

	// Just under the bound is an ordinary (if odd) query.
	var out map[string]any
	e.MustDo(acc.Token, "{"+strings.Repeat(" a:__typename", graph.MaxSelections/2-1)+" }", nil, &out)
	stillWorks(t, e, acc.Token)
}

// 9,000 levels of not exhausted PostgreSQL's memory: where filters nest
// only a few levels, in variables as in literals.
func TestDeeplyNestedWhereIsBadInput(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	acc := e.CreateAccount("acme")

	deep := map[string]any{"statusIn": []any{"PENDING"}}
	for range 9000 {
		deep = map[string]any{"not": deep}
	}
	const q = `query($w: DeliveryWhereInput) { deliveries(where: $w) { totalCount } }`
	err := refusedQuickly(t, e, acc.Token, q, map[string]any{"w": deep}, "BAD_USER_INPUT", 5*time.Second)
	if err.Field() != "where" {
		t.Errorf("got field %q, want where", err.Field())
	}
	literal := `{ deliveries(where: ` + strings.Repeat(`{not: `, graph.MaxWhereDepth) + `{statusIn: [PENDING]}` + strings.Repeat(`}`, graph.MaxWhereDepth) + `) { totalCount } }`
	refusedQuickly(t, e, acc.Token, literal, nil, "BAD_USER_INPUT", 5*time.Second)
	err = apptest.OnlyError(t, e.Do(acc.Token, `mutation($w: DeliveryWhereInput!) { resendDeliveries(where: $w) }`, map[string]any{"w": deep}))
	if err.Code() != "BAD_USER_INPUT" || err.Field() != "where" {
		t.Errorf("resendDeliveries: got %+v, want BAD_USER_INPUT on where", err)
	}

	// A filter as deep as the limit allows is served.
	ok := map[string]any{"statusIn": []any{"PENDING"}}
	for range graph.MaxWhereDepth - 1 {
		ok = map[string]any{"not": ok}
	}
	var out struct{ Deliveries struct{ TotalCount int } }
	e.MustDo(acc.Token, q, map[string]any{"w": ok}, &out)
	stillWorks(t, e, acc.Token)
}

// Limits that hold for one field hold for the request: aliases must not
// publish 20 times the documented 100 events, nor make 200 outbound calls.
func TestAliasesDoNotMultiplyPerRequestLimits(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	e.CreateEventType("a.b")
	acc := e.CreateAccount("acme")
	rcv := apptest.NewReceiver(t, 200)

	events := make([]any, 60)
	for i := range events {
		events[i] = map[string]any{"type": "a.b", "data": map[string]any{"i": i}}
	}
	err := apptest.OnlyError(t, e.Do(acc.Token, `mutation($in: [PublishEventInput!]!) {
	  a: publishEvents(input: $in) { id } b: publishEvents(input: $in) { id } }`, map[string]any{"in": events}))
	if err.Code() != "BAD_USER_INPUT" || err.Field() != "input" || !strings.Contains(err.Message, "120") || !strings.Contains(err.Message, "100") {
		t.Errorf("two aliases of 60 events: got %+v, want BAD_USER_INPUT on input naming 120 and the 100 limit", err)
	}
	if n, err := e.App.Client.Event.Query().Count(viewer.System(t.Context())); err != nil || n != 0 {
		t.Errorf("%d events stored (%v) by a refused request, want none", n, err)
	}

	var b strings.Builder
	b.WriteString("mutation {")
	for i := range 200 {
		fmt.Fprintf(&b, " v%d: verifyURL(url: %q) { ok }", i, rcv.URL)
	}
	b.WriteString(" }")
	err = apptest.OnlyError(t, e.Do(acc.Token, b.String(), nil))
	if err.Code() != "QUERY_TOO_COMPLEX" || !strings.Contains(err.Message, "200 outbound") {
		t.Errorf("200 verifyURL aliases: got %+v, want QUERY_TOO_COMPLEX counting 200 outbound requests", err)
	}
	if n := len(rcv.Requests()); n != 0 {
		t.Errorf("the receiver got %d requests from a refused request, want none", n)
	}

	// Within the limits, aliases work.
	var out map[string]struct{ Ok bool }
	e.MustDo(acc.Token, fmt.Sprintf(`mutation { a: verifyURL(url: %q) { ok } b: verifyURL(url: %q) { ok } }`, rcv.URL, rcv.URL), nil, &out)
	if !out["a"].Ok || !out["b"].Ok || len(rcv.Requests()) != 2 {
		t.Errorf("two verifyURL aliases: got %+v and %d requests, want both ok", out, len(rcv.Requests()))
	}
	e.MustDo(acc.Token, `mutation($in: [PublishEventInput!]!) { a: publishEvents(input: $in) { id } }`, map[string]any{"in": events}, nil)
}

// A 277-byte query aliasing events { data } four times answered 205 MB.
// Large fields weigh in the complexity, and answers are bounded in bytes.
func TestResponsesAreBoundedInBytes(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, map[string]string{"FERRY_MAX_RESPONSE_BYTES": "1048576"})
	e.CreateEventType("a.b")
	acc := e.CreateAccount("acme")

	err := apptest.OnlyError(t, e.Do(acc.Token, `{ a: events { edges { node { data } } } b: events { edges { node { data } } }
	  c: events { edges { node { data } } } d: events { edges { node { data } } } }`, nil))
	if err.Code() != "QUERY_TOO_COMPLEX" {
		t.Errorf("four full pages of data: got %+v, want QUERY_TOO_COMPLEX", err)
	}

	pad := strings.Repeat("x", 100_000)
	for range 4 { // 2 MB in all, in requests under the 1 MiB body limit
		events := make([]any, 5)
		for i := range events {
			events[i] = map[string]any{"type": "a.b", "data": map[string]any{"pad": pad, "i": i}}
		}
		e.MustDo(acc.Token, `mutation($in: [PublishEventInput!]!) { publishEvents(input: $in) { id } }`, map[string]any{"in": events}, nil)
	}

	res := e.Do(acc.Token, `{ events(first: 20) { edges { node { id data } } } }`, nil)
	err = apptest.OnlyError(t, res)
	if err.Code() != "RESPONSE_TOO_LARGE" || !strings.Contains(err.Message, "1048576") {
		t.Errorf("2 MB of data with a 1 MiB limit: got %+v, want RESPONSE_TOO_LARGE naming the limit", err)
	}
	if len(res.Data) > 0 && string(res.Data) != "null" {
		t.Errorf("a refused answer carried data: %.200s", res.Data)
	}

	var out struct {
		Events struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	e.MustDo(acc.Token, `{ events(first: 5) { edges { node { id data } } } }`, nil, &out)
	if len(out.Events.Edges) != 5 {
		t.Errorf("a page under the limit: %d events, want 5", len(out.Events.Edges))
	}
	stillWorks(t, e, acc.Token)
}
