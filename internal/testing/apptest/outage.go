package apptest

import (
	"maps"
	"net/url"
	"testing"

	"github.com/ferryhq/ferry/internal/testing/testenv"
)

// Cuttable starts another Ferry on e's database and Redis whose way to
// PostgreSQL goes through a forwarder the test can cut and restore: a
// second API instance that can lose its database while e keeps it.
func (e *Env) Cuttable(t testing.TB) (*Env, *testenv.Forwarder) {
	t.Helper()
	db, err := url.Parse(e.Vars["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	fwd := testenv.NewForwarder(t, db.Host)
	db.Host = fwd.Addr()
	vars := maps.Clone(e.Vars)
	vars["DATABASE_URL"] = db.String()
	return NewWith(t, vars), fwd
}
