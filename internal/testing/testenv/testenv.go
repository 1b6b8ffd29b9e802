// Package testenv gives each test its own real PostgreSQL database and its
// own redis-server, so tests (and test binaries, which `go test` runs in
// parallel) never see each other's data, nor a developer's, and can all use
// t.Parallel.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// defaultDatabaseURL matches the server a developer starts with the command
// in hint.
const defaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// hint tells whoever reads a failure how to get the services running; a
// missing service fails tests rather than skipping them, so it is never
// mistaken for a pass.
const hint = `tests need PostgreSQL running and redis-server on the PATH (each test starts its own):
    pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start   (or point TEST_DATABASE_URL at a server)
    apt-get install -y redis-server`

func databaseURL() string { return envOr("TEST_DATABASE_URL", defaultDatabaseURL) }

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// RequireServices fails t, with instructions, unless PostgreSQL answers and
// redis-server can be started.
func RequireServices(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := errors.Join(pingPostgres(ctx), haveRedisServer())
	if err != nil {
		t.Fatalf("testenv: %v\n%s", err, hint)
	}
}

// randomSuffix keeps names unique across tests, runs and parallel binaries.
func randomSuffix() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b) // never fails since Go 1.24
	return hex.EncodeToString(b)
}

// sanitize turns s into lowercase [a-z0-9_] of at most n characters, so a
// test name can appear in an unquoted SQL identifier.
func sanitize(s string, n int) string {
	var b strings.Builder
	underscore := true // drops leading underscores and collapses runs
	for _, r := range strings.ToLower(s) {
		if b.Len() >= n {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			underscore = false
		case !underscore:
			b.WriteByte('_')
			underscore = true
		}
	}
	return strings.TrimRight(b.String(), "_")
}

// fragment is sanitize without losing the end of a long name: subtest names
// come last and tell parallel subtests apart, so the middle is cut instead.
func fragment(s string, n int) string {
	full := sanitize(s, len(s))
	if len(full) <= n {
		return full
	}
	head := strings.TrimRight(full[:n/2], "_")
	tail := strings.TrimLeft(full[len(full)-(n-n/2-1):], "_")
	return head + "_" + tail
}

// joinName joins the non-empty parts with underscores.
func joinName(parts ...string) string {
	return strings.Join(slices.DeleteFunc(parts, func(p string) bool { return p == "" }), "_")
}
