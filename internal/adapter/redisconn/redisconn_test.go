package redisconn_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ferryhq/ferry/internal/adapter/redisconn"
	"github.com/ferryhq/ferry/internal/testing/testenv"
)

// Once a connection to Redis fails, commands fail at once with ErrDown,
// without dialling, until the cooldown is over; then the client finds
// Redis again by itself.
func TestCommandsFailAtOnceWhileRedisIsDownAndResumeAfter(t *testing.T) {
	target := strings.TrimSuffix(strings.TrimPrefix(testenv.Redis(t), "redis://"), "/0")
	fwd := testenv.NewForwarder(t, target)
	c, err := redisconn.Open("redis://" + fwd.Addr() + "/0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Set(t.Context(), "k", "v", 0).Err(); err != nil {
		t.Fatalf("with Redis up: %v", err)
	}

	fwd.Cut()
	if err := c.Get(t.Context(), "k").Err(); err == nil {
		t.Fatal("GET succeeded with Redis down")
	}
	for range 3 {
		if err := c.Get(t.Context(), "k").Err(); !errors.Is(err, redisconn.ErrDown) {
			t.Fatalf("GET after a failed connection: %v, want ErrDown", err)
		}
	}
	if _, err := c.Pipelined(t.Context(), func(p redis.Pipeliner) error { return p.Get(t.Context(), "k").Err() }); !errors.Is(err, redisconn.ErrDown) {
		t.Fatalf("a pipelined GET after a failed connection: %v, want ErrDown", err)
	}

	fwd.Restore()
	time.Sleep(1200 * time.Millisecond) // the cooldown
	if v, err := c.Get(t.Context(), "k").Result(); err != nil || v != "v" {
		t.Fatalf("GET once Redis is back: %q, %v", v, err)
	}
}
