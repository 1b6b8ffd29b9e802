package graph_test

import (
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/testing/apptest"
)

const listTokens = `query($acc: ID) { accountTokens(accountID: $acc) { id name hint createdAt lastUsedAt revokedAt } }`

type tokenRow struct {
	ID, Name, Hint, CreatedAt string
	LastUsedAt, RevokedAt     *string
}

func tokensOf(t *testing.T, e *apptest.Env, token string, acc any) []tokenRow {
	t.Helper()
	var out struct{ AccountTokens []tokenRow }
	e.MustDo(token, listTokens, map[string]any{"acc": acc}, &out)
	return out.AccountTokens
}

func TestAccountTokensAreListedWithoutTheTokenAndRevokedAtOnce(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	acc := e.CreateAccount("acme")
	other := e.CreateAccount("other")
	var created struct {
		CreateAccountToken struct {
			AccountToken struct{ ID string }
			Token        string
		}
	}
	e.MustDo(apptest.AdminToken, `mutation($acc: ID!) { createAccountToken(input: {accountID: $acc, name: "ci"}) { accountToken { id } token } }`,
		map[string]any{"acc": acc.ID}, &created)
	ci := created.CreateAccountToken.Token
	for _, tok := range []string{acc.Token, ci} {
		if !strings.HasPrefix(tok, "fry_") || len(tok) < 40 {
			t.Errorf("token %q…: want the fry_ prefix secret scanners know, and 32 random bytes", tok[:8])
		}
	}

	// The schema has no field that could carry a token or its hash.
	var typ struct {
		Type struct{ Fields []struct{ Name string } }
	}
	e.MustDo(acc.Token, `{ type: __type(name: "AccountToken") { fields { name } } }`, nil, &typ)
	for _, f := range typ.Type.Fields {
		if strings.Contains(strings.ToLower(f.Name), "token") || strings.Contains(strings.ToLower(f.Name), "hash") {
			t.Errorf("AccountToken exposes %s", f.Name)
		}
	}

	rows := tokensOf(t, e, acc.Token, nil)
	if len(rows) != 2 || rows[0].Name != "ci" || rows[1].Name != "default" {
		t.Fatalf("accountTokens: %+v, want ci then default", rows)
	}
	if rows[1].LastUsedAt == nil || rows[0].LastUsedAt != nil {
		t.Errorf("lastUsedAt: default %v (used), ci %v (never used)", rows[1].LastUsedAt, rows[0].LastUsedAt)
	}
	if rows[0].Hint != ci[len(ci)-4:] || rows[0].CreatedAt == "" {
		t.Errorf("ci row %+v: want its hint %q and createdAt", rows[0], ci[len(ci)-4:])
	}
	for _, r := range rows {
		if strings.Contains(ci, r.ID) || r.Hint == ci || r.Hint == acc.Token {
			t.Errorf("a row carries a token: %+v", r)
		}
	}

	// Another account sees none of them and cannot revoke them.
	if res := e.Do(other.Token, listTokens, map[string]any{"acc": acc.ID}); apptest.OnlyError(t, res).Code() != "NOT_FOUND" {
		t.Errorf("another account listing acme's tokens: %+v", res.Errors)
	}
	if got := tokensOf(t, e, other.Token, nil); len(got) != 1 || got[0].Name != "default" {
		t.Errorf("other's own tokens: %+v", got)
	}
	const revoke = `mutation($id: ID!) { revokeAccountToken(id: $id) { id revokedAt } }`
	if res := e.Do(other.Token, revoke, map[string]any{"id": rows[0].ID}); apptest.OnlyError(t, res).Code() != "NOT_FOUND" {
		t.Errorf("another account revoking: %+v", res.Errors)
	}
	stillWorks(t, e, ci)

	// The admin names the account; without one it is told which field.
	if got := tokensOf(t, e, apptest.AdminToken, acc.ID); len(got) != 2 {
		t.Errorf("admin listing acme: %d tokens", len(got))
	}
	if err := apptest.OnlyError(t, e.Do(apptest.AdminToken, listTokens, nil)); err.Code() != "BAD_USER_INPUT" || err.Field() != "accountID" {
		t.Errorf("admin without accountID: %+v", err)
	}

	// Revocation works at once, twice is harmless, other tokens go on.
	var out struct{ RevokeAccountToken struct{ RevokedAt *string } }
	e.MustDo(acc.Token, revoke, map[string]any{"id": rows[0].ID}, &out)
	first := out.RevokeAccountToken.RevokedAt
	if first == nil {
		t.Fatal("revokedAt not set")
	}
	if err := apptest.OnlyError(t, e.Do(ci, `{ viewer { role } }`, nil)); err.Code() != "UNAUTHENTICATED" || strings.Contains(err.Message, ci) {
		t.Errorf("the revoked token's next request: %+v, want UNAUTHENTICATED without echoing the token", err)
	}
	e.MustDo(apptest.AdminToken, revoke, map[string]any{"id": rows[0].ID}, &out)
	if out.RevokeAccountToken.RevokedAt == nil || *out.RevokeAccountToken.RevokedAt != *first {
		t.Errorf("revoking twice moved revokedAt from %v to %v", *first, out.RevokeAccountToken.RevokedAt)
	}
	stillWorks(t, e, acc.Token)

	// A token may revoke itself.
	e.MustDo(acc.Token, revoke, map[string]any{"id": rows[1].ID}, nil)
	if err := apptest.OnlyError(t, e.Do(acc.Token, `{ viewer { role } }`, nil)); err.Code() != "UNAUTHENTICATED" {
		t.Errorf("after revoking itself: %+v", err)
	}
	stillWorks(t, e, other.Token)
}
