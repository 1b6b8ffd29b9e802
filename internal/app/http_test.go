package app_test

import (
	"database/sql"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/ferryhq/ferry/internal/testing/apptest"
)

func TestReadyzFailsWhenRedisIsUnreachable(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, map[string]string{"FERRY_LOG_LEVEL": "warn"})
	get := func() (int, string) {
		res, err := http.Get(e.Server.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, strings.TrimSpace(string(body))
	}
	if code, body := get(); code != http.StatusOK || body != `{"postgresql":"up","redis":"up","status":"ready"}` {
		t.Fatalf("readyz with both services up = %d %s, want 200 ready", code, body)
	}
	up := e.App.Redis
	e.App.Redis = redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	if code, body := get(); code != http.StatusServiceUnavailable || body != `{"postgresql":"up","redis":"down","status":"unavailable"}` {
		t.Errorf("readyz with Redis down = %d %s, want 503 naming redis", code, body)
	}
	e.App.Redis.Close()
	e.App.Redis = up

	// The unauthenticated answer says which dependency is down, never the
	// driver's error, which names the database's user, name and host.
	db := e.App.DB
	e.App.DB, _ = sql.Open("postgres", "postgres://ferry_db_user@127.0.0.1:1/ferry_db_name?sslmode=disable&connect_timeout=1")
	code, body := get()
	if code != http.StatusServiceUnavailable || body != `{"postgresql":"down","redis":"up","status":"unavailable"}` {
		t.Errorf("readyz with PostgreSQL down = %d %s, want 503 naming postgresql and nothing else", code, body)
	}
	for _, secret := range []string{"ferry_db_user", "ferry_db_name", "127.0.0.1:1"} {
		if strings.Contains(body, secret) {
			t.Errorf("readyz revealed %q: %s", secret, body)
		}
	}
	if logs := e.Logs.String(); !strings.Contains(logs, `"dependency":"postgresql"`) || !strings.Contains(logs, "127.0.0.1:1: connect: connection refused") {
		t.Errorf("the log misses why PostgreSQL is down: %s", logs)
	}
	e.App.DB.Close()
	e.App.DB = db
	if code, _ := get(); code != http.StatusOK {
		t.Errorf("readyz once PostgreSQL is back = %d, want 200", code)
	}
}
