package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/testing/apptest"
	"github.com/ferryhq/ferry/internal/testing/testenv"
)

// field returns the value after label in the admin command's output.
func field(t *testing.T, out, label string) string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(line, label+" "); ok {
			return strings.Fields(rest)[0]
		}
	}
	t.Fatalf("no %q in output %q", label, out)
	return ""
}

func TestAdminCommandsCreateAccountsTokensAndEventTypes(t *testing.T) {
	t.Parallel()
	dbURL := testenv.Postgres(t, apptest.Template)
	getenv := func(k string) string { return map[string]string{"DATABASE_URL": dbURL}[k] }
	admin := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := runAdmin(context.Background(), args, getenv, &out)
		return out.String(), err
	}

	out, err := admin("create-account", "Acme")
	if err != nil {
		t.Fatalf("create-account: %v", err)
	}
	accID, token := field(t, out, "account"), field(t, out, "token")
	out, err = admin("create-token", accID, "deploy bot")
	if err != nil {
		t.Fatalf("create-token: %v", err)
	}
	second := field(t, out, "token")
	if _, err := admin("event-type", "create", "invoice.paid"); err != nil {
		t.Fatalf("event-type create: %v", err)
	}

	// What the commands made works through the API.
	e := apptest.NewWith(t, map[string]string{"DATABASE_URL": dbURL})
	for _, tok := range []string{token, second} {
		var v struct {
			Viewer struct{ Account struct{ ID, Name string } }
		}
		e.MustDo(tok, `{ viewer { account { id name } } }`, nil, &v)
		if v.Viewer.Account.ID != accID || v.Viewer.Account.Name != "Acme" {
			t.Errorf("token %s… acts as %+v, want account %s Acme", tok[:8], v.Viewer.Account, accID)
		}
	}
	var types struct{ EventTypes struct{ TotalCount int } }
	e.MustDo(token, `{ eventTypes(where: {name: "invoice.paid"}) { totalCount } }`, nil, &types)
	if types.EventTypes.TotalCount != 1 {
		t.Errorf("event type created by the CLI is not in the catalog")
	}

	for _, bad := range [][]string{{}, {"create-account"}, {"drop-everything", "x"}, {"create-token", "acc_missing"}} {
		if _, err := admin(bad...); err == nil {
			t.Errorf("ferry admin %v succeeded, want an error", bad)
		}
	}
}
