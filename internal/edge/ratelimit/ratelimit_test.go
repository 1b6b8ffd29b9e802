package ratelimit_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ferryhq/ferry/internal/edge/ratelimit"
	"github.com/ferryhq/ferry/internal/platform/config"
	"github.com/ferryhq/ferry/internal/testing/testenv"
)

func newLimiter(t *testing.T) *ratelimit.Limiter {
	t.Helper()
	return ratelimit.New(testenv.RedisClient(t), "test:ratelimit:")
}

// Concurrent requests, as from many API instances, get exactly the budget.
func TestBudgetIsExactUnderConcurrency(t *testing.T) {
	t.Parallel()
	l := newLimiter(t)
	rate := config.Rate{Requests: 50, Period: time.Minute}
	var admitted atomic.Int32
	var wg sync.WaitGroup
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, wait, err := l.Allow(t.Context(), "tok:a", rate)
			if err != nil {
				t.Error(err)
			}
			if ok {
				admitted.Add(1)
			} else if wait <= 0 || wait > rate.Period {
				t.Errorf("refused with wait %s", wait)
			}
		}()
	}
	wg.Wait()
	if got := admitted.Load(); got != 50 {
		t.Fatalf("admitted %d of 200 concurrent requests, want the budget of 50", got)
	}
	if ok, _, _ := l.Allow(t.Context(), "tok:b", rate); !ok {
		t.Fatal("another subject shares the first one's budget")
	}
	if ok, _, _ := l.Allow(t.Context(), "tok:a", config.Rate{}); !ok {
		t.Fatal("an unlimited rate refused a request")
	}
}

// The budget refills at requests/period: one more request a second later
// at 10 per 10 s.
func TestBudgetRefills(t *testing.T) {
	t.Parallel()
	l := newLimiter(t)
	rate := config.Rate{Requests: 10, Period: 10 * time.Second}
	for i := range 10 {
		if ok, _, err := l.Allow(t.Context(), "tok:a", rate); !ok || err != nil {
			t.Fatalf("request %d: refused (%v)", i+1, err)
		}
	}
	ok, wait, _ := l.Allow(t.Context(), "tok:a", rate)
	if ok || wait > time.Second || wait < 500*time.Millisecond {
		t.Fatalf("11th request: ok %v, wait %s; want refused for about 1s", ok, wait)
	}
	time.Sleep(wait + 50*time.Millisecond)
	if ok, _, _ := l.Allow(t.Context(), "tok:a", rate); !ok {
		t.Fatal("refused after waiting as told")
	}
	if ok, _, _ := l.Allow(t.Context(), "tok:a", rate); ok {
		t.Fatal("the refill admitted more than one request")
	}
}

// When Redis is down the API keeps answering: the limiter lets requests
// through and says so in the log.
func TestRedisOutageLetsRequestsThrough(t *testing.T) {
	t.Parallel()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { _ = rdb.Close() })
	l := ratelimit.New(rdb, "test:")
	var served atomic.Int32
	h := l.Middleware(ratelimit.Rates{Account: config.Rate{Requests: 1, Period: time.Minute}},
		slog.New(slog.NewTextHandler(io.Discard, nil)),
		http.HandlerFunc(func(http.ResponseWriter, *http.Request) { served.Add(1) }))
	for range 3 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/graphql", nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("HTTP %d while Redis is down, want the request served", rec.Code)
		}
	}
	if served.Load() != 3 {
		t.Fatalf("served %d of 3", served.Load())
	}
}
