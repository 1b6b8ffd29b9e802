package ratelimit

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ferryhq/ferry/internal/platform/config"
	"github.com/ferryhq/ferry/internal/testing/testenv"
)

// Guessing tokens costs the database nothing once the client address's
// budget is spent: the guard refuses before the look-up, which here is a
// handler counting the requests that reach it.
func TestTheAddressBudgetIsCheckedBeforeTokensAreLookedUp(t *testing.T) {
	t.Parallel()
	opt, err := redis.ParseURL(testenv.Redis(t))
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	l := New(rdb, "test:")
	rates := Rates{Account: config.Rate{Requests: 3, Period: time.Minute}}
	var lookUps atomic.Int32
	served := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	// No viewer is ever set: every token is unknown.
	lookUp := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			lookUps.Add(1)
			next.ServeHTTP(w, r)
		})
	}
	h := l.Guard(rates, lookUp(l.Middleware(rates, slog.New(slog.DiscardHandler), served)))

	statuses := []int{}
	for range 10 {
		req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
		req.RemoteAddr = "198.51.100.7:1234"
		req.Header.Set("Authorization", "Bearer fry_guess")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		statuses = append(statuses, rec.Code)
	}
	if n := lookUps.Load(); n != 4 {
		t.Errorf("%d of 10 guesses were looked up, want 4 (3 in the budget, the one that found it spent); statuses %v", n, statuses)
	}
	if last := statuses[len(statuses)-1]; last != http.StatusTooManyRequests {
		t.Errorf("the last guess: HTTP %d, want 429", last)
	}

	// Another address is not affected.
	req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
	req.RemoteAddr = "198.51.100.8:1234"
	req.Header.Set("Authorization", "Bearer fry_guess")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Errorf("another address: HTTP %d, want 200", rec.Code)
	}
}
