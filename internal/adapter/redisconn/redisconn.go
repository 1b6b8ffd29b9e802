// Package redisconn opens the Redis client that Ferry's adapters share: the
// queue's client, live updates, slots and rate limits. Redis is never the
// record, so a Redis that is down must cost a caller little: once a
// connection to it fails, every command fails at once for a second, instead
// of each waiting out its own dial, retries and pool timeout.
package redisconn

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrDown is what commands get while Redis is taken for down.
var ErrDown = errors.New("redis is down (a connection failed less than a second ago)")

// cooldown is how long Redis is taken for down after a connection to it
// failed; the first command after it tries again.
const cooldown = time.Second

// dialTimeout bounds connecting: a Redis that does not answer at all is
// down as surely as one that refuses.
const dialTimeout = time.Second

// Open returns a client of the Redis at url that fails fast while Redis is
// down.
func Open(url string) (*redis.Client, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	opt.DialTimeout = dialTimeout
	logOnce.Do(func() { redis.SetLogger(printer{}) })
	c := redis.NewClient(opt)
	c.AddHook(&breaker{})
	return c, nil
}

// breaker takes Redis for down for cooldown after a connection fails.
type breaker struct{ downUntil atomic.Int64 }

func (b *breaker) down() bool { return time.Now().UnixNano() < b.downUntil.Load() }

func (b *breaker) trip() { b.downUntil.Store(time.Now().Add(cooldown).UnixNano()) }

// DialHook implements redis.Hook.
func (b *breaker) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if b.down() {
			return nil, ErrDown
		}
		c, err := next(ctx, network, addr)
		if err != nil && ctx.Err() == nil {
			b.trip()
		}
		return c, err
	}
}

// ProcessHook implements redis.Hook.
func (b *breaker) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if b.down() {
			cmd.SetErr(ErrDown)
			return ErrDown
		}
		err := next(ctx, cmd)
		b.check(err)
		return err
	}
}

// ProcessPipelineHook implements redis.Hook.
func (b *breaker) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if b.down() {
			for _, cmd := range cmds {
				cmd.SetErr(ErrDown)
			}
			return ErrDown
		}
		err := next(ctx, cmds)
		b.check(err)
		return err
	}
}

// check trips the breaker on an error that says the connection, not the
// command, failed.
func (b *breaker) check(err error) {
	var op *net.OpError
	if errors.As(err, &op) {
		b.trip()
	}
}

// logOnce routes go-redis's own log lines (reconnects, pool trouble),
// which it otherwise prints as plain text, through slog's default logger
// as JSON like every other line. It is set once: go-redis has one logger
// per process.
var logOnce sync.Once

type printer struct{}

func (printer) Printf(ctx context.Context, format string, v ...any) {
	slog.Default().WarnContext(ctx, fmt.Sprintf(format, v...), "component", "redis")
}
