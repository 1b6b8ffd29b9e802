package graph_test

import (
	"net/http"
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

	hasData := func(r apptest.Response) bool { return len(r.Data) > 0 && string(r.Data) != "null" }
	const publish = `mutation($in: PublishEventInput!) { publishEvent(input: $in) { id } }`
	in := map[string]any{"in": map[string]any{"accountID": acc.ID, "type": "outage.tested", "data": map[string]any{}, "idempotencyKey": "k1"}}
	if res, body := api.Post(apptest.AdminToken, publish, in); res.StatusCode != http.StatusOK || body.Errors != nil {
		t.Fatalf("before the outage: %d %+v", res.StatusCode, body)
	}

	fwd.Cut()
	res, body := api.Post(apptest.AdminToken, publish, in)
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") != "1" || len(body.Errors) != 1 || hasData(body) {
		t.Fatalf("publish with PostgreSQL down: %d, Retry-After %q, %+v; want 503, 1, one error and no data", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
	ext := body.Errors[0].Extensions
	if ext["code"] != "UNAVAILABLE" || ext["requestId"] != res.Header.Get("X-Request-Id") || ext["requestId"] == "" {
		t.Errorf("publish with PostgreSQL down: extensions %v (X-Request-Id %q), want UNAVAILABLE with the request id", ext, res.Header.Get("X-Request-Id"))
	}
	// Part of the answer did not need the database: it is worth a 200.
	res, body = api.Post(apptest.AdminToken, `{ viewer { role } node(id: "evt_01M984GNNPCGD94XYG06BV6GCC") { id } }`, nil)
	if res.StatusCode != http.StatusOK || !hasData(body) || body.Errors == nil {
		t.Errorf("partial answer with PostgreSQL down: %d %+v, want 200 with data and the error", res.StatusCode, body)
	}

	fwd.Restore()
	if res, body := api.Post(apptest.AdminToken, publish, in); res.StatusCode != http.StatusOK || body.Errors != nil {
		t.Errorf("after the outage: %d %+v, want the event", res.StatusCode, body)
	}
}
