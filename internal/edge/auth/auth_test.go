package auth_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/edge/auth"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// Concurrent requests share token look-ups; each must still get its own
// token's account, and a revoked or unknown token none.
func TestConcurrentLookUpsEachGetTheirOwnAccount(t *testing.T) {
	e := apptest.New(t, true)
	a, b := e.CreateAccount("a"), e.CreateAccount("b")
	revoked := e.CreateAccount("revoked")
	var out struct{ AccountTokens []struct{ ID string } }
	e.MustDo(revoked.Token, `{ accountTokens { id } }`, nil, &out)
	e.MustDo(revoked.Token, `mutation($id: ID!) { revokeAccountToken(id: $id) { id } }`,
		map[string]any{"id": out.AccountTokens[0].ID}, nil)

	cases := []struct {
		token, account string
	}{{a.Token, a.ID}, {b.Token, b.ID}, {revoked.Token, ""}, {auth.TokenPrefix + "unknown", ""}}
	var wg sync.WaitGroup
	for i := range 400 {
		c := cases[i%len(cases)]
		wg.Go(func() {
			v, err := e.App.Auth.Authenticate(t.Context(), "Bearer "+c.token)
			switch {
			case c.account == "" && !errors.Is(err, auth.ErrInvalidToken):
				t.Errorf("token of %q: err %v, want ErrInvalidToken", c.token, err)
			case c.account != "" && (err != nil || string(v.AccountID) != c.account):
				t.Errorf("token of %s: viewer %+v, err %v", c.account, v, err)
			}
		})
	}
	wg.Wait()
}

// Console session tokens are looked up in batches like account tokens: each
// gets its own session and account, and one that ended says so.
func TestConcurrentSessionLookUpsEachGetTheirOwnSession(t *testing.T) {
	e := apptest.New(t, true)
	type session struct{ token, id, account string }
	mint := func(account string, ttl int) session {
		var out struct {
			CreateConsoleSession struct {
				Token          string
				ConsoleSession struct{ ID string }
			}
		}
		e.MustDo(apptest.AdminToken, `mutation($a: ID!, $ttl: Int) { createConsoleSession(input: {accountID: $a, ttlSeconds: $ttl}) { token consoleSession { id } } }`,
			map[string]any{"a": account, "ttl": ttl}, &out)
		return session{out.CreateConsoleSession.Token, out.CreateConsoleSession.ConsoleSession.ID, account}
	}
	a, b := e.CreateAccount("a"), e.CreateAccount("b")
	sa, sb, short := mint(a.ID, 3600), mint(b.ID, 3600), mint(a.ID, 60)
	revoked := mint(b.ID, 3600)
	e.MustDo(b.Token, `mutation($id: ID!) { revokeConsoleSession(id: $id) { id } }`, map[string]any{"id": revoked.id}, nil)
	e.App.Auth.SetClock(func() time.Time { return time.Now().Add(2 * time.Minute) })

	cases := []struct {
		token string
		want  *session
		err   error
	}{
		{sa.token, &sa, nil}, {sb.token, &sb, nil}, {a.Token, nil, nil},
		{short.token, nil, auth.ErrSessionEnded}, {revoked.token, nil, auth.ErrSessionEnded},
		{auth.SessionTokenPrefix + "unknown", nil, auth.ErrInvalidToken},
	}
	var wg sync.WaitGroup
	for i := range 300 {
		c := cases[i%len(cases)]
		wg.Go(func() {
			v, err := e.App.Auth.Authenticate(t.Context(), "Bearer "+c.token)
			switch {
			case c.err != nil && !errors.Is(err, c.err):
				t.Errorf("token %s…: err %v, want %v", c.token[:8], err, c.err)
			case c.want != nil && (err != nil || string(v.SessionID) != c.want.id || string(v.AccountID) != c.want.account || !v.IsSession()):
				t.Errorf("session %s: viewer %+v, err %v", c.want.id, v, err)
			case c.err == nil && c.want == nil && (err != nil || v.IsSession()):
				t.Errorf("an account token: viewer %+v, err %v, want no session", v, err)
			}
		})
	}
	wg.Wait()
}
