package app_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// serve runs e's app behind its real http.Server (with Ferry's timeouts) on
// a loopback port and returns the address.
func serve(t *testing.T, e *apptest.Env) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := e.App.Server("")
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// closedWithin reads conn until the server closes it and returns how long
// that took, failing if it stays open past limit.
func closedWithin(t *testing.T, conn net.Conn, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	_ = conn.SetReadDeadline(start.Add(limit))
	_, err := io.Copy(io.Discard, conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server kept the connection open for %s", limit)
	}
	return time.Since(start)
}

func healthy(t *testing.T, addr string) {
	t.Helper()
	res, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatalf("the next request failed: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("the next request: HTTP %d", res.StatusCode)
	}
}

func TestServerTimeoutsCutSlowClients(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, map[string]string{
		"FERRY_HTTP_READ_HEADER_TIMEOUT": "300ms",
		"FERRY_HTTP_READ_TIMEOUT":        "1s",
		"FERRY_HTTP_WRITE_TIMEOUT":       "2s",
		"FERRY_HTTP_IDLE_TIMEOUT":        "500ms",
	})
	addr := serve(t, e)

	t.Run("headers sent slowly", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_, _ = io.WriteString(conn, "POST /graphql HTTP/1.1\r\nHost: ferry\r\n")
		if d := closedWithin(t, conn, 5*time.Second); d > 2*time.Second {
			t.Errorf("closed after %s, want about the 300ms read-header timeout", d)
		}
	})
	t.Run("body sent slowly", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_, _ = io.WriteString(conn, "POST /graphql HTTP/1.1\r\nHost: ferry\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
		stop := make(chan struct{})
		go func() { // one byte every 100ms: 1000 s for the whole body
			for {
				select {
				case <-stop:
					return
				case <-time.After(100 * time.Millisecond):
					if _, err := io.WriteString(conn, " "); err != nil {
						return
					}
				}
			}
		}()
		defer close(stop)
		if d := closedWithin(t, conn, 6*time.Second); d > 4*time.Second {
			t.Errorf("answered after %s, want about the 1s read timeout", d)
		}
	})
	t.Run("idle keep-alive", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_, _ = io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: ferry\r\n\r\n")
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if d := closedWithin(t, conn, 5*time.Second); d > 3*time.Second {
			t.Errorf("idle connection closed after %s, want about the 500ms idle timeout", d)
		}
	})
	t.Run("subscriptions outlive the write timeout", func(t *testing.T) {
		e.CreateEventType("slow.type")
		acc := e.CreateAccount("acme")
		rcv := apptest.NewReceiver(t, 200)
		e.ActiveEndpoint(acc.Token, rcv.URL, []string{"slow.type"}, nil)
		onServer := *e
		onServer.Server = &httptest.Server{URL: "http://" + addr}
		sub, err := onServer.Subscribe(acc.Token, `subscription { deliveryUpdated { id status } }`, nil)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(2500 * time.Millisecond) // past the 2s write timeout
		e.Publish(acc.Token, "slow.type", map[string]any{"n": 1}, nil)
		if _, err := sub.Next(5 * time.Second); err != nil {
			t.Fatalf("subscription after the write timeout: %v", err)
		}
	})
	healthy(t, addr)
}

func TestAllowedOriginsForCORSAndWebsockets(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, map[string]string{"FERRY_ALLOWED_ORIGINS": "https://app.example.com"})
	acc := e.CreateAccount("acme")

	request := func(method, origin string, header map[string]string) *http.Response {
		t.Helper()
		var body io.Reader
		if method == http.MethodPost {
			body = strings.NewReader(`{"query":"{ viewer { role } }"}`)
		}
		req, _ := http.NewRequest(method, e.Server.URL+"/graphql", body)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+acc.Token)
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		return res
	}
	code := func(res *http.Response) string {
		var out apptest.Response
		_ = json.NewDecoder(res.Body).Decode(&out)
		if len(out.Errors) == 0 {
			return ""
		}
		return out.Errors[0].Code()
	}

	res := request(http.MethodPost, "https://evil.example.com", nil)
	if res.StatusCode != http.StatusForbidden || code(res) != "FORBIDDEN" || res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("another origin: HTTP %d, ACAO %q; want 403 FORBIDDEN without CORS headers", res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"))
	}
	res = request(http.MethodOptions, "https://evil.example.com", map[string]string{"Access-Control-Request-Method": "POST"})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("preflight from another origin: HTTP %d, want 403", res.StatusCode)
	}
	res = request(http.MethodOptions, "https://app.example.com", map[string]string{"Access-Control-Request-Method": "POST"})
	if res.StatusCode != http.StatusNoContent || res.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
		!strings.Contains(res.Header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight from the allowed origin: HTTP %d, headers %v", res.StatusCode, res.Header)
	}
	for _, origin := range []string{"https://app.example.com", e.Server.URL, ""} {
		res = request(http.MethodPost, origin, nil)
		if res.StatusCode != http.StatusOK || code(res) != "" {
			t.Errorf("origin %q: HTTP %d, want 200", origin, res.StatusCode)
		}
		if origin != "" && res.Header.Get("Access-Control-Allow-Origin") != origin {
			t.Errorf("origin %q: Access-Control-Allow-Origin %q", origin, res.Header.Get("Access-Control-Allow-Origin"))
		}
	}

	const q = `subscription { deliveryUpdated { id } }`
	if _, err := e.SubscribeFrom("https://evil.example.com", acc.Token, q, nil); err == nil {
		t.Error("a websocket from another origin was accepted")
	}
	for _, origin := range []string{"https://app.example.com", ""} {
		if _, err := e.SubscribeFrom(origin, acc.Token, q, nil); err != nil {
			t.Errorf("websocket from %q: %v", origin, err)
		}
	}
}

// rawDo posts a query to base with token and returns the status, the
// Retry-After header and the response.
func rawDo(t *testing.T, base, token string) (int, string, apptest.Response) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader([]byte(`{"query":"{ viewer { role } }"}`)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out apptest.Response
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header.Get("Retry-After"), out
}

func TestRateLimitPerTokenHoldsAcrossInstances(t *testing.T) {
	t.Parallel()
	limits := map[string]string{"FERRY_RATE_LIMIT": "5/5s", "FERRY_ADMIN_RATE_LIMIT": "50/5s"}
	e1 := apptest.NewWith(t, limits)
	shared := map[string]string{
		"DATABASE_URL": e1.Vars["DATABASE_URL"], "REDIS_URL": e1.Vars["REDIS_URL"],
		"FERRY_ENCRYPTION_KEY": e1.Vars["FERRY_ENCRYPTION_KEY"],
	}
	for k, v := range limits {
		shared[k] = v
	}
	e2 := apptest.NewWith(t, shared)
	a := e1.CreateAccount("a")
	b := e1.CreateAccount("b")

	for i, base := range []string{e1.Server.URL, e1.Server.URL, e1.Server.URL, e2.Server.URL, e2.Server.URL} {
		if status, _, res := rawDo(t, base, a.Token); status != http.StatusOK || len(res.Errors) > 0 {
			t.Fatalf("request %d within the budget: HTTP %d %+v", i+1, status, res.Errors)
		}
	}
	var wait int
	for _, base := range []string{e1.Server.URL, e2.Server.URL} {
		status, retryAfter, res := rawDo(t, base, a.Token)
		err := apptest.OnlyError(t, res)
		secs, _ := err.Extensions["retryAfter"].(float64)
		if status != http.StatusTooManyRequests || err.Code() != "RATE_LIMITED" || secs < 1 || retryAfter != strconv.Itoa(int(secs)) {
			t.Fatalf("over the budget on %s: HTTP %d, Retry-After %q, %+v; want 429 RATE_LIMITED with retryAfter", base, status, retryAfter, err)
		}
		wait = int(secs)
	}
	// Other callers have budgets of their own.
	if status, _, _ := rawDo(t, e2.Server.URL, b.Token); status != http.StatusOK {
		t.Errorf("another account's token: HTTP %d, want 200", status)
	}
	if status, _, _ := rawDo(t, e2.Server.URL, apptest.AdminToken); status != http.StatusOK {
		t.Errorf("the admin token: HTTP %d, want 200", status)
	}
	// Unknown tokens are limited by address, so guessing is slow too.
	limited := false
	for range 8 {
		if status, _, _ := rawDo(t, e1.Server.URL, "fry_guess"); status == http.StatusTooManyRequests {
			limited = true
		}
	}
	if !limited {
		t.Error("8 requests with a wrong token were never rate limited")
	}

	time.Sleep(time.Duration(wait) * time.Second)
	if status, _, res := rawDo(t, e2.Server.URL, a.Token); status != http.StatusOK || len(res.Errors) > 0 {
		t.Errorf("after waiting retryAfter: HTTP %d %+v, want 200", status, res.Errors)
	}
}
