package graph_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// PostgreSQL going away after the token was checked (here: the admin
// token, which needs no database) makes an operation with nothing to show
// an HTTP 503 with Retry-After, as a token that cannot be checked is, so
// that clients and proxies retry one way; an answer with some data stays
// 200.
func TestAnOperationMeetingAnOutageIsA503(t *testing.T) {
	e := apptest.New(t, true)
	acc := e.CreateAccount("outage")
	e.CreateEventType("outage.tested")
	api, fwd := e.Cuttable(t)

	ask := func(query string, vars map[string]any) (*http.Response, map[string]any) {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req, _ := http.NewRequest(http.MethodPost, api.Server.URL+"/graphql", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+apptest.AdminToken)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
			t.Fatalf("decode the answer: %v", err)
		}
		return res, out
	}
	const publish = `mutation($in: PublishEventInput!) { publishEvent(input: $in) { id } }`
	in := map[string]any{"in": map[string]any{"accountID": acc.ID, "type": "outage.tested", "data": map[string]any{}, "idempotencyKey": "k1"}}
	if res, body := ask(publish, in); res.StatusCode != http.StatusOK || body["errors"] != nil {
		t.Fatalf("before the outage: %d %v", res.StatusCode, body)
	}

	fwd.Cut()
	res, body := ask(publish, in)
	errs, _ := body["errors"].([]any)
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") != "1" || len(errs) != 1 || body["data"] != nil {
		t.Fatalf("publish with PostgreSQL down: %d, Retry-After %q, %v; want 503, 1, one error and no data", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
	ext, _ := errs[0].(map[string]any)["extensions"].(map[string]any)
	if ext["code"] != "UNAVAILABLE" || ext["requestId"] != res.Header.Get("X-Request-Id") || ext["requestId"] == "" {
		t.Errorf("publish with PostgreSQL down: extensions %v (X-Request-Id %q), want UNAVAILABLE with the request id", ext, res.Header.Get("X-Request-Id"))
	}
	// Part of the answer did not need the database: it is worth a 200.
	res, body = ask(`{ viewer { role } node(id: "evt_01M984GNNPCGD94XYG06BV6GCC") { id } }`, nil)
	if res.StatusCode != http.StatusOK || body["data"] == nil || body["errors"] == nil {
		t.Errorf("partial answer with PostgreSQL down: %d %v, want 200 with data and the error", res.StatusCode, body)
	}

	fwd.Restore()
	if res, body := ask(publish, in); res.StatusCode != http.StatusOK || body["errors"] != nil {
		t.Errorf("after the outage: %d %v, want the event", res.StatusCode, body)
	}
}
