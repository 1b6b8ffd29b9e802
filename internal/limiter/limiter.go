// Package limiter caps how many requests are in flight to one configuration
// across every worker process. Each slot is a lease in a Redis sorted set,
// scored by its expiry, so a worker that dies frees its slots when their
// leases run out instead of holding them forever.
package limiter

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// acquire drops expired leases, then adds one if fewer than ARGV[1] remain.
// KEYS[1] set; ARGV: limit, now ms, expiry ms, lease id, key ttl ms.
var acquire = redis.NewScript(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0`)

// Limiter hands out concurrency slots.
type Limiter struct {
	rdb     redis.UniversalClient
	prefix  string
	now     func() time.Time
	waiting waiters
}

// New returns a Limiter storing leases under keys starting with prefix.
func New(rdb redis.UniversalClient, prefix string) *Limiter {
	return &Limiter{rdb: rdb, prefix: prefix, now: time.Now}
}

// Lease is a held slot; Release gives it back.
type Lease struct {
	l    *Limiter
	name string
	key  string
	id   string
}

// Acquire takes one of limit slots of name for at most ttl. It returns nil,
// without error, when all slots are taken.
func (l *Limiter) Acquire(ctx context.Context, name string, limit int, ttl time.Duration) (*Lease, error) {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	key := l.prefix + name
	now := l.now()
	ok, err := acquire.Run(ctx, l.rdb, []string{key},
		limit, now.UnixMilli(), now.Add(ttl).UnixMilli(), id, (ttl + time.Minute).Milliseconds()).Int()
	if err != nil {
		return nil, fmt.Errorf("acquire slot of %s: %w", name, err)
	}
	if ok == 0 {
		return nil, nil
	}
	return &Lease{l: l, name: name, key: key, id: id}, nil
}

// Release frees the slot. Releasing uses its own short deadline so a
// cancelled request still gives its slot back.
func (s *Lease) Release() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = s.l.rdb.ZRem(ctx, s.key, s.id).Err()
	s.l.waiting.released(s.name)
}

// InFlight reports how many unexpired leases name holds.
func (l *Limiter) InFlight(ctx context.Context, name string) (int64, error) {
	return l.rdb.ZCount(ctx, l.prefix+name, fmt.Sprint(l.now().UnixMilli()), "+inf").Result()
}
