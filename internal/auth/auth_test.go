package auth_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/ferryhq/ferry/internal/apptest"
	"github.com/ferryhq/ferry/internal/auth"
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
