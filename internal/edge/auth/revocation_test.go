package auth_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/ferryhq/ferry/ent/accounttoken"
	"github.com/ferryhq/ferry/internal/edge/auth"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// Account tokens are kept by each API process, and a revocation in one
// reaches the others through Redis before it answers: process B answers a
// known token while its database is unreachable (it did not read it), and
// as soon as process A has revoked it, B reads the database again for it,
// and refuses it.
func TestARevokedTokenFailsOnEveryProcessThatKeptIt(t *testing.T) {
	a := apptest.New(t, true)
	acc := a.CreateAccount("revoked")
	b, fwd := a.Cuttable(t)

	// viewer reads the account; __typename reads nothing, so with the
	// database cut only the token check can fail it.
	const viewerQuery, nothing = `{ viewer { role } }`, `{ __typename }`
	code := func(e *apptest.Env, query string) int {
		res, body := e.Post(acc.Token, query, nil)
		if res.StatusCode == http.StatusOK && len(body.Errors) == 1 && body.Errors[0].Code() == "UNAUTHENTICATED" {
			return http.StatusUnauthorized
		}
		return res.StatusCode
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("still not %s after 5 s", what)
			}
		}
	}
	waitFor("subscribed to revocations", b.App.Auth.Caching)
	if got := code(b, viewerQuery); got != http.StatusOK {
		t.Fatalf("first request on B: %d", got)
	}

	fwd.Cut()
	if got := code(b, nothing); got != http.StatusOK {
		t.Fatalf("B with its database cut: %d, want 200 from the token it kept", got)
	}
	tok := a.App.Client.AccountToken.Query().Where(accounttoken.TokenHash(auth.HashToken(acc.Token))).OnlyX(viewer.System(context.Background()))
	a.MustDo(acc.Token, `mutation($id: ID!) { revokeAccountToken(id: $id) { id } }`, map[string]any{"id": tok.ID}, nil)
	// The mutation answers once every process has forgotten the token:
	// B's very next request reads the database, which is cut.
	if got := code(b, nothing); got != http.StatusServiceUnavailable {
		t.Errorf("B's next request after the revocation: %d, want 503 from reading the database", got)
	}

	fwd.Restore()
	if got := code(b, viewerQuery); got != http.StatusUnauthorized {
		t.Errorf("B after the revocation: %d, want UNAUTHENTICATED", got)
	}
	if got := code(a, viewerQuery); got != http.StatusUnauthorized {
		t.Errorf("A after the revocation: %d, want UNAUTHENTICATED", got)
	}
}
