package graph_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/testing/apptest"
)

func TestSecretsAreNeverStoredInTheClear(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	acc := e.CreateAccount("secrets")
	_, secret := e.CreateSigningKey(acc.Token, "k")
	var rotated struct {
		RotateSigningKey struct {
			Secret     string
			SigningKey struct{ ID, Hint string }
		}
	}
	keyID, _ := e.CreateSigningKey(acc.Token, "to rotate")
	e.MustDo(acc.Token, `mutation($id: ID!) { rotateSigningKey(id: $id) { secret signingKey { id hint } } }`, map[string]any{"id": keyID}, &rotated)
	if rotated.RotateSigningKey.Secret == "" || !strings.HasSuffix(rotated.RotateSigningKey.Secret, rotated.RotateSigningKey.SigningKey.Hint) {
		t.Fatalf("rotation returned %+v", rotated.RotateSigningKey)
	}
	needles := []string{
		acc.Token, strings.TrimPrefix(acc.Token, "fry_"),
		secret, strings.TrimPrefix(secret, "whsec_"),
		rotated.RotateSigningKey.Secret, strings.TrimPrefix(rotated.RotateSigningKey.Secret, "whsec_"),
	}

	// Every row of every table, as text (bytea is rendered as hex by PostgreSQL,
	// so also look for the hex of each secret).
	ctx := context.Background()
	rows, err := e.App.DB.QueryContext(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	var dump strings.Builder
	for _, table := range tables {
		rows, err := e.App.DB.QueryContext(ctx, `SELECT row_to_json(t)::text FROM "`+table+`" t`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var row string
			if err := rows.Scan(&row); err != nil {
				t.Fatal(err)
			}
			dump.WriteString(row)
		}
		rows.Close()
	}
	if !strings.Contains(dump.String(), `"name":"to rotate"`) {
		t.Fatalf("the dump misses the signing key rows: %.200s", dump.String())
	}
	for _, n := range needles {
		hexed := hexOf(n)
		if strings.Contains(dump.String(), n) || strings.Contains(dump.String(), hexed) {
			t.Errorf("the database holds a secret in the clear (%s…)", n[:8])
		}
	}
	// The query API never returns secrets either.
	res := e.Do(acc.Token, `{ signingKeys { edges { node { id name hint } } } }`, nil)
	for _, n := range needles {
		if strings.Contains(string(res.Data), n) {
			t.Errorf("signingKeys returned a secret")
		}
	}
}

func hexOf(s string) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		out = append(out, digits[s[i]>>4], digits[s[i]&15])
	}
	return string(out)
}
