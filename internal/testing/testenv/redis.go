package testenv

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Leases are keys in DB 0 so every test binary on the machine sees them.
// The TTL frees the DB of a killed run; live leases are refreshed well
// before it runs out.
const (
	firstLeasedDB  = 1
	lastLeasedDB   = 15 // a stock Redis has 16 databases
	leaseKeyPrefix = "ferry:testenv:redis-lease:"
	leaseTTL       = 10 * time.Minute
	leaseRefresh   = time.Minute
	leaseWait      = 2 * time.Minute
)

// Compare-and-set scripts, so a lease that expired and was taken by another
// binary is never extended or released by its former holder.
var (
	refreshScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) end return 0`)
	releaseScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`)
)

var (
	controlMu      sync.Mutex
	controlClients = map[string]*redis.Client{}
)

// errAllLeased means every DB stayed leased for leaseWait.
var errAllLeased = errors.New("all leased")

// Redis returns the URL of a Redis database that this test alone uses until
// t.Cleanup, empty at the start and flushed at the end; keys need no prefix.
// The server is TEST_REDIS_URL (default redis://127.0.0.1:6379); DBs 1–15 are
// leased out, and Redis waits up to two minutes for one to come free.
func Redis(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), leaseWait+30*time.Second)
	defer cancel()
	server, opts, err := parseRedisURL(redisURL())
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	control := controlClient(server, opts)
	if err := control.Ping(ctx).Err(); err != nil {
		t.Fatalf("testenv: Redis at %s: %v\n%s", server.Redacted(), err, hint)
	}
	host, _ := os.Hostname()
	owner := fmt.Sprintf("%s pid %d %s %s", host, os.Getpid(), t.Name(), randomSuffix())
	n, err := acquire(ctx, control, owner, leaseWait)
	if errors.Is(err, errAllLeased) {
		t.Fatalf("testenv: all Redis DBs %d-%d of %s stayed leased for %v: too many tests hold one at once (lower -parallel or -p), "+
			"or a killed run left leases behind (they expire within %v, or delete the keys %s* in DB 0)",
			firstLeasedDB, lastLeasedDB, server.Redacted(), leaseWait, leaseTTL, leaseKeyPrefix)
	}
	if err != nil {
		t.Fatalf("testenv: lease a Redis DB: %v", err)
	}
	dbOpts := *opts
	dbOpts.DB = n
	client := redis.NewClient(&dbOpts)
	stop := keepLease(t, control, n, owner)
	t.Cleanup(func() {
		stop()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := client.FlushDB(ctx).Err(); err != nil {
			t.Errorf("testenv: flush Redis DB %d: %v", n, err)
		}
		_ = client.Close()
		if err := releaseScript.Run(ctx, control, []string{leaseKey(n)}, owner).Err(); err != nil {
			t.Errorf("testenv: release Redis DB %d: %v", n, err)
		}
	})
	// Flushed on the way in too: a killed run's lease expires with its data.
	if err := client.FlushDB(ctx).Err(); err != nil {
		t.Fatalf("testenv: flush Redis DB %d: %v", n, err)
	}
	u := *server
	u.Path, u.RawPath = "/"+strconv.Itoa(n), ""
	return u.String()
}

func parseRedisURL(s string) (*url.URL, *redis.Options, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
		return nil, nil, errors.New("TEST_REDIS_URL must be a URL like " + defaultRedisURL)
	}
	opts, err := redis.ParseURL(s)
	if err != nil {
		return nil, nil, fmt.Errorf("TEST_REDIS_URL: %w", err)
	}
	opts.DB = 0
	return u, opts, nil
}

// controlClient returns the process's client for DB 0, where leases live.
func controlClient(server *url.URL, opts *redis.Options) *redis.Client {
	controlMu.Lock()
	defer controlMu.Unlock()
	key := server.String()
	if c, ok := controlClients[key]; ok {
		return c
	}
	c := redis.NewClient(opts)
	controlClients[key] = c
	return c
}

func pingRedis(ctx context.Context) error {
	server, opts, err := parseRedisURL(redisURL())
	if err != nil {
		return err
	}
	if err := controlClient(server, opts).Ping(ctx).Err(); err != nil {
		return fmt.Errorf("Redis at %s: %w", server.Redacted(), err)
	}
	return nil
}

func leaseKey(n int) string { return leaseKeyPrefix + strconv.Itoa(n) }

// acquire leases a free DB, polling until wait has passed. It starts at a
// random DB so parallel tests don't all contend for the first one.
func acquire(ctx context.Context, control *redis.Client, owner string, wait time.Duration) (int, error) {
	deadline := time.Now().Add(wait)
	count := lastLeasedDB - firstLeasedDB + 1
	for {
		start := rand.IntN(count)
		for i := range count {
			n := firstLeasedDB + (start+i)%count
			ok, err := control.SetNX(ctx, leaseKey(n), owner, leaseTTL).Result()
			if err != nil {
				return 0, err
			}
			if ok {
				return n, nil
			}
		}
		if time.Now().After(deadline) {
			return 0, errAllLeased
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(50*time.Millisecond + rand.N(100*time.Millisecond)):
		}
	}
}

// keepLease extends the lease until the returned stop is called, so a long
// test keeps its DB.
func keepLease(t testing.TB, control *redis.Client, n int, owner string) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(leaseRefresh)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				kept, err := refreshScript.Run(ctx, control, []string{leaseKey(n)}, owner, leaseTTL.Milliseconds()).Int()
				cancel()
				if err == nil && kept == 0 {
					t.Errorf("testenv: lost the lease on Redis DB %d; another test may have used it", n)
					return
				}
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// RedisClient is a client on a Redis DB of its own for t (see Redis),
// closed when t ends.
func RedisClient(t testing.TB) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(Redis(t))
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}
