package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/ferryhq/ferry/ent/accounttoken"
	"github.com/ferryhq/ferry/internal/edge/auth"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// wsClient is a bare graphql-transport-ws client that shows how the server
// closes the socket.
type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
	msgs chan wsMsg
	err  error // why msgs closed
}

type wsMsg struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// dialWS opens a socket to e without signing in.
func dialWS(t *testing.T, e *apptest.Env) *wsClient {
	t.Helper()
	url := "ws" + strings.TrimPrefix(e.Server.URL, "http") + "/graphql"
	conn, _, err := websocket.Dial(t.Context(), url, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { _ = conn.CloseNow() })
	c := &wsClient{t: t, conn: conn, msgs: make(chan wsMsg, 1024)}
	go func() {
		defer close(c.msgs)
		for {
			_, b, err := conn.Read(context.Background())
			if err != nil {
				c.err = err
				return
			}
			var m wsMsg
			if json.Unmarshal(b, &m) == nil && m.Type == "ping" {
				_ = c.sendRaw(wsMsg{Type: "pong"})
				continue
			}
			c.msgs <- m
		}
	}()
	return c
}

// signIn dials and sends connection_init with token; the caller reads
// the answer.
func signIn(t *testing.T, e *apptest.Env, token string) *wsClient {
	t.Helper()
	c := dialWS(t, e)
	c.send(wsMsg{Type: "connection_init", Payload: json.RawMessage(fmt.Sprintf(`{"Authorization":"Bearer %s"}`, token))})
	return c
}

// signedIn is signIn, failing unless the server acknowledges.
func signedIn(t *testing.T, e *apptest.Env, token string) *wsClient {
	t.Helper()
	c := signIn(t, e, token)
	if m := c.next(5 * time.Second); m.Type != "connection_ack" {
		t.Fatalf("connection_init: got %s %s, want connection_ack", m.Type, m.Payload)
	}
	return c
}

func (c *wsClient) sendRaw(m wsMsg) error {
	b, _ := json.Marshal(m)
	return c.conn.Write(context.Background(), websocket.MessageText, b)
}

func (c *wsClient) send(m wsMsg) {
	c.t.Helper()
	if err := c.sendRaw(m); err != nil {
		c.t.Fatalf("send %s: %v", m.Type, err)
	}
}

// start sends a subscribe message for query as operation id.
func (c *wsClient) start(id, query string) {
	c.t.Helper()
	payload, _ := json.Marshal(map[string]any{"query": query})
	c.send(wsMsg{ID: id, Type: "subscribe", Payload: payload})
}

// next returns the next message, or one of type "timeout" or "closed".
func (c *wsClient) next(timeout time.Duration) wsMsg {
	select {
	case m, ok := <-c.msgs:
		if !ok {
			return wsMsg{Type: "closed"}
		}
		return m
	case <-time.After(timeout):
		return wsMsg{Type: "timeout"}
	}
}

// closedWith waits for the server to close the socket and returns the close
// code, failing after timeout.
func (c *wsClient) closedWith(timeout time.Duration) websocket.StatusCode {
	c.t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case _, ok := <-c.msgs:
			if !ok {
				return websocket.CloseStatus(c.err)
			}
		case <-deadline:
			c.t.Fatalf("the socket is still open after %s", timeout)
		}
	}
}

// result reads operation id's next or error message and returns its first
// error code ("" when it succeeded).
func (c *wsClient) result(id string) (code string, data json.RawMessage) {
	c.t.Helper()
	for {
		m := c.next(5 * time.Second)
		switch {
		case m.Type == "timeout" || m.Type == "closed":
			c.t.Fatalf("operation %s: no answer (%s, %v)", id, m.Type, c.err)
		case m.ID != id:
			continue
		case m.Type == "next":
			var r apptest.Response
			_ = json.Unmarshal(m.Payload, &r)
			if len(r.Errors) > 0 {
				return r.Errors[0].Code(), nil
			}
			return "", r.Data
		case m.Type == "error":
			var errs []apptest.Error
			_ = json.Unmarshal(m.Payload, &errs)
			if len(errs) > 0 {
				return errs[0].Code(), nil
			}
			return "error", nil
		}
	}
}

func TestWebsocketWithoutConnectionInitIsClosed(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, map[string]string{"FERRY_WS_INIT_TIMEOUT": "300ms"})
	c := dialWS(t, e)
	if code := c.closedWith(5 * time.Second); code != websocket.StatusProtocolError {
		t.Errorf("a silent socket was closed with %d, want 1002 (initialisation timeout)", code)
	}
	acc := e.CreateAccount("acme")
	signedIn(t, e, acc.Token)
}

// A failed sign-in closes with 4401, on which standard clients (graphql-ws)
// stop instead of reconnecting in a loop.
func TestWebsocketSignInFailureClosesWith4401(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	for _, token := range []string{"", "fry_not-a-token", "garbage"} {
		c := signIn(t, e, token)
		if code := c.closedWith(5 * time.Second); code != 4401 {
			t.Errorf("token %q: closed with %d, want 4401", token, code)
		}
	}
}

// Revoking a token closes its open sockets within a second on every API
// instance, and an operation on a socket whose token was revoked behind
// the registry's back is refused and closes it.
func TestRevokingATokenClosesItsSocketsOnEveryInstance(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	other := apptest.NewWith(t, map[string]string{"DATABASE_URL": e.Vars["DATABASE_URL"], "REDIS_URL": e.Vars["REDIS_URL"]})
	acc := e.CreateAccount("acme")
	var created struct {
		CreateAccountToken struct {
			Token        string
			AccountToken struct{ ID string }
		}
	}
	e.MustDo(apptest.AdminToken, `mutation($a: ID!) { createAccountToken(input: {accountID: $a, name: "ci"}) { token accountToken { id } } }`,
		map[string]any{"a": acc.ID}, &created)
	token, id := created.CreateAccountToken.Token, created.CreateAccountToken.AccountToken.ID

	here, there := signedIn(t, e, token), signedIn(t, other, token)
	there.start("1", `subscription { deliveryUpdated { id } }`)
	kept := signedIn(t, other, acc.Token)

	e.MustDo(acc.Token, `mutation($id: ID!) { revokeAccountToken(id: $id) { id } }`, map[string]any{"id": id}, nil)
	start := time.Now()
	for name, c := range map[string]*wsClient{"this instance": here, "another instance": there} {
		if code := c.closedWith(3 * time.Second); code != 4401 {
			t.Errorf("%s: closed with %d, want 4401", name, code)
		}
	}
	if d := time.Since(start); d > time.Second+500*time.Millisecond {
		t.Errorf("sockets closed %s after the revocation, want within about a second", d)
	}
	kept.start("2", `{ viewer { role } }`)
	if code, _ := kept.result("2"); code != "" {
		t.Errorf("another token's socket: %s, want it untouched", code)
	}

	// Revoked in the database with the sockets left unwarned (only the
	// token caches hear of it): the next operation re-checks the token.
	quiet := signedIn(t, other, acc.Token)
	ctx := viewer.System(t.Context())
	if err := e.App.Client.AccountToken.Update().SetRevokedAt(time.Now()).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	tok := e.App.Client.AccountToken.Query().Where(accounttoken.TokenHash(auth.HashToken(acc.Token))).OnlyX(ctx)
	e.App.Auth.Revoked(ctx, tok.ID)
	quiet.start("1", `mutation { createSigningKey(input: {name: "k"}) { secret } }`)
	if code, _ := quiet.result("1"); code != "UNAUTHENTICATED" {
		t.Errorf("createSigningKey on a revoked token's socket: %q, want UNAUTHENTICATED", code)
	}
	if code := quiet.closedWith(3 * time.Second); code != 4401 {
		t.Errorf("the revoked token's socket closed with %d, want 4401", code)
	}
	if n, err := e.App.Client.SigningKey.Query().Count(ctx); err != nil || n != 0 {
		t.Errorf("%d signing keys (%v) created through a revoked token, want none", n, err)
	}
}

// Operations on a socket pass the token's rate limit, as HTTP requests do.
func TestWebsocketOperationsAreRateLimited(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, map[string]string{"FERRY_RATE_LIMIT": "3/1m"})
	acc := e.CreateAccount("acme") // the admin token's budget is its own

	c := signedIn(t, e, acc.Token)
	for i := range 3 {
		id := fmt.Sprint(i)
		c.start(id, `{ viewer { role } }`)
		if code, _ := c.result(id); code != "" {
			t.Fatalf("operation %d of a budget of 3: %q", i+1, code)
		}
	}
	c.start("x", `mutation { createSigningKey(input: {name: "k"}) { secret } }`)
	if code, _ := c.result("x"); code != "RATE_LIMITED" {
		t.Errorf("the fourth operation with a budget of 3: %q, want RATE_LIMITED", code)
	}
	if n, err := e.App.Client.SigningKey.Query().Count(viewer.System(t.Context())); err != nil || n != 0 {
		t.Errorf("%d signing keys (%v) created over the rate limit, want none", n, err)
	}
}

// A socket runs only so many subscriptions at once, and a token holds only
// so many sockets.
func TestWebsocketsAreCapped(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, map[string]string{"FERRY_WS_MAX_SUBSCRIPTIONS": "2", "FERRY_WS_MAX_SOCKETS_PER_TOKEN": "2"})
	acc := e.CreateAccount("acme")

	c := signedIn(t, e, acc.Token)
	running := map[string]bool{"1": true, "2": true, "3": true}
	for id := range running {
		c.start(id, `subscription { deliveryUpdated { id } }`)
	}
	// The three start concurrently: whichever comes third is refused.
	refused := ""
	for m := c.next(5 * time.Second); refused == ""; m = c.next(5 * time.Second) {
		if m.Type == "timeout" || m.Type == "closed" {
			t.Fatalf("no subscription of three was refused with a cap of 2 (%s)", m.Type)
		}
		if m.Type == "next" && strings.Contains(string(m.Payload), "TOO_MANY_OPERATIONS") {
			refused = m.ID
		}
	}
	delete(running, refused)
	for id := range running {
		c.send(wsMsg{ID: id, Type: "complete"}) // one place freed
		break
	}
	// Its place is freed as soon as the server has ended it.
	freed := false
	for i := 0; i < 50 && !freed; i++ {
		id := fmt.Sprint("again", i)
		c.start(id, `subscription { deliveryUpdated { id } }`)
		m := c.next(200 * time.Millisecond)
		for m.Type != "timeout" && m.ID != id { // the ended subscription's last words
			m = c.next(200 * time.Millisecond)
		}
		if m.Type == "timeout" {
			freed = true
		} else if m.Type != "complete" && !strings.Contains(string(m.Payload), "TOO_MANY_OPERATIONS") {
			t.Fatalf("a subscription after one ended: got %s %s", m.Type, m.Payload)
		}
	}
	if !freed {
		t.Error("a subscription that ended never freed its place")
	}

	signedIn(t, e, acc.Token)
	third := signIn(t, e, acc.Token)
	if code := third.closedWith(5 * time.Second); code != 4429 {
		t.Errorf("a third socket with a cap of 2: closed with %d, want 4429", code)
	}
	other := e.CreateAccount("other")
	signedIn(t, e, other.Token)
}

func TestWebsocketsHaveALifetimeAndAnIdleTimeout(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, map[string]string{"FERRY_WS_MAX_LIFETIME": "3s", "FERRY_WS_IDLE_TIMEOUT": "1s"})
	acc := e.CreateAccount("acme")

	idle := signedIn(t, e, acc.Token)
	busy := signedIn(t, e, acc.Token)
	busy.start("1", `subscription { deliveryUpdated { id } }`)
	if code := idle.closedWith(5 * time.Second); code != websocket.StatusNormalClosure {
		t.Errorf("an idle socket closed with %d, want 1000", code)
	}
	if m := busy.next(10 * time.Millisecond); m.Type == "closed" {
		t.Fatal("a socket running a subscription was closed as idle")
	}
	if code := busy.closedWith(5 * time.Second); code != websocket.StatusNormalClosure {
		t.Errorf("a socket past its lifetime closed with %d, want 1000", code)
	}
	signedIn(t, e, acc.Token)
}

// Sign-ins with unknown tokens share the client address's budget with HTTP
// requests without a valid token: once it is spent, the next guess is
// refused before its token is looked up (the upgrade with HTTP 429, or the
// sign-in with 4429), instead of being answered 4401 after a look-up.
func TestWebsocketSignInsAreRateLimitedByAddress(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, map[string]string{"FERRY_RATE_LIMIT": "4/1m"})
	url := "ws" + strings.TrimPrefix(e.Server.URL, "http") + "/graphql"
	lookedUp := 0
	for i := range 8 {
		conn, res, err := websocket.Dial(t.Context(), url, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
		if err != nil {
			if res == nil || res.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("guess %d: %v, want an upgrade or HTTP 429", i+1, err)
			}
			continue
		}
		b, _ := json.Marshal(wsMsg{Type: "connection_init", Payload: json.RawMessage(`{"Authorization":"Bearer fry_guess"}`)})
		_ = conn.Write(t.Context(), websocket.MessageText, b)
		_, _, err = conn.Read(t.Context())
		for err == nil {
			_, _, err = conn.Read(t.Context())
		}
		switch code := websocket.CloseStatus(err); code {
		case 4401:
			lookedUp++
		case 4429:
		default:
			t.Fatalf("guess %d: closed with %d, want 4401 or 4429", i+1, code)
		}
	}
	if lookedUp == 0 || lookedUp > 4 {
		t.Errorf("%d of 8 guesses were looked up with a budget of 4 a minute", lookedUp)
	}
}
