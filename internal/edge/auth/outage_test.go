package auth_test

import (
	"encoding/json"
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
	const query = `{"query":"{ viewer { role } }"}`
	if res, body := ask(t, api, seen.Token, query); res.StatusCode != http.StatusOK || body["errors"] != nil {
		t.Fatalf("before the outage: %d %v", res.StatusCode, body)
	}

	fwd.Cut()
	res, body := ask(t, api, unseen.Token, query)
	errs, _ := body["errors"].([]any)
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") != "1" || len(errs) != 1 {
		t.Fatalf("with PostgreSQL down: %d, Retry-After %q, %v; want 503, 1 and one error", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
	first, _ := errs[0].(map[string]any)
	ext, _ := first["extensions"].(map[string]any)
	if ext["code"] != "UNAVAILABLE" || ext["requestId"] == "" || ext["requestId"] == nil || ext["requestId"] != res.Header.Get("X-Request-Id") {
		t.Errorf("with PostgreSQL down: extensions %v (X-Request-Id %q), want UNAVAILABLE with the request id", ext, res.Header.Get("X-Request-Id"))
	}
	if msg, _ := first["message"].(string); !strings.Contains(msg, "authentication is unavailable") {
		t.Errorf("with PostgreSQL down: %q, want the token check's own answer", msg)
	}

	fwd.Restore()
	if res, body := ask(t, api, unseen.Token, query); res.StatusCode != http.StatusOK || body["errors"] != nil {
		t.Errorf("after the outage: %d %v, want the answer", res.StatusCode, body)
	}
}

// ask posts query to e's GraphQL endpoint with token, and returns the
// response and its decoded body.
func ask(t *testing.T, e *apptest.Env, token, query string) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.Server.URL+"/graphql", strings.NewReader(query))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatalf("decode the answer: %v", err)
	}
	return res, body
}
