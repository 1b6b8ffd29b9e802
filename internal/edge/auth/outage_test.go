package auth_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/testing/apptest"
	"github.com/ferryhq/ferry/internal/testing/testenv"
)

// With PostgreSQL down, a request with a token that cannot be checked is
// told to retry (503, Retry-After, UNAVAILABLE, a request id), never that
// its token is bad.
func TestATokenThatCannotBeCheckedIsUnavailableNotUnauthenticated(t *testing.T) {
	e := apptest.New(t, true)
	acc := e.CreateAccount("outage")
	db, err := url.Parse(e.Vars["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	fwd := testenv.NewForwarder(t, db.Host)
	db.Host = fwd.Addr()
	vars := maps.Clone(e.Vars)
	vars["DATABASE_URL"] = db.String()
	api := apptest.NewWith(t, vars)

	ask := func() (*http.Response, map[string]any) {
		req, _ := http.NewRequest(http.MethodPost, api.Server.URL+"/graphql", strings.NewReader(`{"query":"{ viewer { role } }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+acc.Token)
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
	if res, body := ask(); res.StatusCode != http.StatusOK || body["errors"] != nil {
		t.Fatalf("before the outage: %d %v", res.StatusCode, body)
	}

	fwd.Cut()
	res, body := ask()
	errs, _ := body["errors"].([]any)
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") != "1" || len(errs) != 1 {
		t.Fatalf("with PostgreSQL down: %d, Retry-After %q, %v; want 503, 1 and one error", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
	ext, _ := errs[0].(map[string]any)["extensions"].(map[string]any)
	if ext["code"] != "UNAVAILABLE" || ext["requestId"] == "" || ext["requestId"] == nil || ext["requestId"] != res.Header.Get("X-Request-Id") {
		t.Errorf("with PostgreSQL down: extensions %v (X-Request-Id %q), want UNAVAILABLE with the request id", ext, res.Header.Get("X-Request-Id"))
	}

	fwd.Restore()
	if res, body := ask(); res.StatusCode != http.StatusOK || body["errors"] != nil {
		t.Errorf("after the outage: %d %v, want the answer", res.StatusCode, body)
	}
}
