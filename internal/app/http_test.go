package app_test

import (
	"database/sql"
	"net/http"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/ferryhq/ferry/internal/apptest"
)

func TestReadyzFailsWhenRedisIsUnreachable(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, false)
	get := func() int {
		res, err := http.Get(e.Server.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if code := get(); code != http.StatusOK {
		t.Fatalf("readyz with both services up = %d, want 200", code)
	}
	up := e.App.Redis
	e.App.Redis = redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	if code := get(); code != http.StatusServiceUnavailable {
		t.Errorf("readyz with Redis down = %d, want 503", code)
	}
	e.App.Redis.Close()
	e.App.Redis = up

	db := e.App.DB
	e.App.DB, _ = sql.Open("postgres", "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=1")
	if code := get(); code != http.StatusServiceUnavailable {
		t.Errorf("readyz with PostgreSQL down = %d, want 503", code)
	}
	e.App.DB.Close()
	e.App.DB = db
}
