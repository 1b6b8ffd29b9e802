package auth_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// With PostgreSQL down, a request with a token that cannot be checked (one
// this process has not kept) is told to retry (503, Retry-After,
// UNAVAILABLE, a request id), never that its token is bad; the auth
// middleware says so, as its message shows.
func TestATokenThatCannotBeCheckedIsUnavailableNotUnauthenticated(t *testing.T) {
	e := apptest.New(t, true)
	seen, unseen := e.CreateAccount("outage"), e.CreateAccount("unseen")
	api, fwd := e.Cuttable(t)
	const query = `{ viewer { role } }`
	if res, body := api.Post(seen.Token, query, nil); res.StatusCode != http.StatusOK || body.Errors != nil {
		t.Fatalf("before the outage: %d %+v", res.StatusCode, body)
	}

	fwd.Cut()
	res, body := api.Post(unseen.Token, query, nil)
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") != "1" || len(body.Errors) != 1 {
		t.Fatalf("with PostgreSQL down: %d, Retry-After %q, %+v; want 503, 1 and one error", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
	first := body.Errors[0]
	ext := first.Extensions
	if ext["code"] != "UNAVAILABLE" || ext["requestId"] == "" || ext["requestId"] == nil || ext["requestId"] != res.Header.Get("X-Request-Id") {
		t.Errorf("with PostgreSQL down: extensions %v (X-Request-Id %q), want UNAVAILABLE with the request id", ext, res.Header.Get("X-Request-Id"))
	}
	if !strings.Contains(first.Message, "authentication is unavailable") {
		t.Errorf("with PostgreSQL down: %q, want the token check's own answer", first.Message)
	}

	fwd.Restore()
	if res, body := api.Post(unseen.Token, query, nil); res.StatusCode != http.StatusOK || body.Errors != nil {
		t.Errorf("after the outage: %d %+v, want the answer", res.StatusCode, body)
	}
}
