package graph_test

import (
	"encoding/json"
	"testing"

	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// tenant is one account with a key and a configuration, made through the API.
type tenant struct {
	apptest.Account
	KeyID, ConfigID string
}

func newTenant(e *apptest.Env, name, eventType, url string) tenant {
	acc := e.CreateAccount(name)
	keyID, _ := e.CreateSigningKey(acc.Token, name+" key")
	cfgID := e.CreateConfiguration(acc.Token, map[string]any{
		"name": name + " endpoint", "url": url, "signingKeyID": keyID, "eventTypes": []string{eventType},
	})
	return tenant{Account: acc, KeyID: keyID, ConfigID: cfgID}
}

func TestAccountTokenSeesOnlyItsOwnAccount(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	rcv := apptest.NewReceiver(t, 200)
	e.CreateEventType("QUESTION_ANSWERED")
	a := newTenant(e, "alpha", "QUESTION_ANSWERED", rcv.URL)
	b := newTenant(e, "beta", "QUESTION_ANSWERED", rcv.URL)

	t.Run("lists show only own objects", func(t *testing.T) {
		var out struct {
			Configurations struct {
				TotalCount int
				Edges      []struct{ Node struct{ ID string } }
			}
			SigningKeys struct {
				TotalCount int
				Edges      []struct{ Node struct{ ID string } }
			}
			Accounts json.RawMessage
		}
		e.MustDo(b.Token, `{ configurations { totalCount edges { node { id } } } signingKeys { totalCount edges { node { id } } } }`, nil, &out)
		if out.Configurations.TotalCount != 1 || out.Configurations.Edges[0].Node.ID != b.ConfigID {
			t.Errorf("beta sees configurations %+v, want only %s", out.Configurations, b.ConfigID)
		}
		if out.SigningKeys.TotalCount != 1 || out.SigningKeys.Edges[0].Node.ID != b.KeyID {
			t.Errorf("beta sees keys %+v, want only %s", out.SigningKeys, b.KeyID)
		}
	})

	t.Run("node and nodes do not find the other account's objects", func(t *testing.T) {
		for _, id := range []string{a.ConfigID, a.KeyID, a.ID} {
			res := e.Do(b.Token, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id})
			if got := apptest.OnlyError(t, res).Code(); got != "NOT_FOUND" {
				t.Errorf("node(%s) with beta's token: code %q, want NOT_FOUND", id, got)
			}
			if string(res.Data) != `{"node":null}` {
				t.Errorf("node(%s) with beta's token returned data %s", id, res.Data)
			}
		}
		res := e.Do(b.Token, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": []string{a.ConfigID}})
		if len(res.Errors) == 0 || res.Errors[0].Code() != "NOT_FOUND" {
			t.Errorf("nodes([alpha's configuration]) with beta's token: %+v, want NOT_FOUND", res.Errors)
		}
		var own struct{ Node struct{ ID string } }
		e.MustDo(b.Token, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": b.ConfigID}, &own)
		if own.Node.ID != b.ConfigID {
			t.Errorf("node(own configuration) = %q, want %q", own.Node.ID, b.ConfigID)
		}
	})

	t.Run("mutations on the other account's objects are not found", func(t *testing.T) {
		cases := []struct {
			desc  string
			query string
			vars  map[string]any
		}{
			{"update configuration", `mutation($id: ID!) { updateConfiguration(id: $id, input: {name: "x"}) { id } }`, map[string]any{"id": a.ConfigID}},
			{"delete configuration", `mutation($id: ID!) { deleteConfiguration(id: $id) }`, map[string]any{"id": a.ConfigID}},
			{"activate configuration", `mutation($id: ID!) { activateConfiguration(id: $id) { configuration { id } } }`, map[string]any{"id": a.ConfigID}},
			{"deactivate configuration", `mutation($id: ID!) { deactivateConfiguration(id: $id) { id } }`, map[string]any{"id": a.ConfigID}},
			{"rotate signing key", `mutation($id: ID!) { rotateSigningKey(id: $id) { secret } }`, map[string]any{"id": a.KeyID}},
			{"revoke signing key", `mutation($id: ID!) { revokeSigningKey(id: $id) { id } }`, map[string]any{"id": a.KeyID}},
			{"create signing key for another account", `mutation($acc: ID!) { createSigningKey(input: {name: "k", accountID: $acc}) { secret } }`, map[string]any{"acc": a.ID}},
		}
		for _, tc := range cases {
			res := e.Do(b.Token, tc.query, tc.vars)
			if got := apptest.OnlyError(t, res).Code(); got != "NOT_FOUND" {
				t.Errorf("%s with beta's token: code %q, want NOT_FOUND", tc.desc, got)
			}
		}
		// Using the other account's key in one's own configuration is refused too.
		res := e.Do(b.Token, `mutation($in: CreateConfigurationInput!) { createConfiguration(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"name": "x", "url": rcv.URL, "signingKeyID": a.KeyID, "eventTypes": []string{"QUESTION_ANSWERED"}}})
		if err := apptest.OnlyError(t, res); err.Code() != "BAD_USER_INPUT" || err.Field() != "signingKeyID" {
			t.Errorf("configuration with alpha's key: %+v, want BAD_USER_INPUT on signingKeyID", err)
		}
		// Alpha's objects are untouched.
		var still struct {
			Node struct {
				Name   string
				Status string
			}
		}
		e.MustDo(a.Token, `query($id: ID!) { node(id: $id) { ... on Configuration { name status } } }`, map[string]any{"id": a.ConfigID}, &still)
		if still.Node.Name != "alpha endpoint" {
			t.Errorf("alpha's configuration changed: %+v", still.Node)
		}
	})

	t.Run("account tokens cannot call admin operations", func(t *testing.T) {
		for _, q := range []string{
			`mutation { createAccount(input: {name: "x"}) { token } }`,
			`mutation { createEventType(input: {name: "X_Y"}) { id } }`,
			`{ accounts { totalCount } }`,
		} {
			if got := apptest.OnlyError(t, e.Do(b.Token, q, nil)).Code(); got != "FORBIDDEN" {
				t.Errorf("%s with an account token: code %q, want FORBIDDEN", q, got)
			}
		}
		res := e.Do(b.Token, `mutation($acc: ID!) { createAccountToken(input: {accountID: $acc, name: "x"}) { token } }`, map[string]any{"acc": b.ID})
		if got := apptest.OnlyError(t, res).Code(); got != "FORBIDDEN" {
			t.Errorf("createAccountToken with an account token: code %q, want FORBIDDEN", got)
		}
	})

	t.Run("missing or wrong tokens are unauthenticated", func(t *testing.T) {
		for _, token := range []string{"", "fry_not-a-real-token", "wrong-admin-token-0123456789abcdefghij"} {
			if got := apptest.OnlyError(t, e.Do(token, `{ configurations { totalCount } }`, nil)).Code(); got != "UNAUTHENTICATED" {
				t.Errorf("token %q: code %q, want UNAUTHENTICATED", token, got)
			}
		}
	})

	t.Run("the admin token sees every account", func(t *testing.T) {
		var out struct{ Configurations struct{ TotalCount int } }
		e.MustDo(apptest.AdminToken, `{ configurations { totalCount } }`, nil, &out)
		if out.Configurations.TotalCount != 2 {
			t.Errorf("admin sees %d configurations, want 2", out.Configurations.TotalCount)
		}
	})

	t.Run("a second token works and reports its account as viewer", func(t *testing.T) {
		var created struct{ CreateAccountToken struct{ Token string } }
		e.MustDo(apptest.AdminToken, `mutation($acc: ID!) { createAccountToken(input: {accountID: $acc, name: "ci"}) { token } }`,
			map[string]any{"acc": a.ID}, &created)
		var v struct {
			Viewer struct {
				Role    string
				Account struct{ ID string }
			}
		}
		e.MustDo(created.CreateAccountToken.Token, `{ viewer { role account { id } } }`, nil, &v)
		if v.Viewer.Role != "ACCOUNT" || v.Viewer.Account.ID != a.ID {
			t.Errorf("viewer = %+v, want ACCOUNT of %s", v.Viewer, a.ID)
		}
	})
}
