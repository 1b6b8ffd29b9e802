// Package slots caps how many requests are in flight to one configuration
// across every worker process. Each slot is a lease in a Redis sorted set,
// scored by its expiry, so a worker that dies frees its slots when their
// leases run out instead of holding them forever.
//
// A lease is named after what it is for (an attempt of a delivery), and it
// is also a claim: until the claim ends, no other worker gets a lease of
// that name. The slot can be freed as soon as the request is over, while
// the claim lasts until the attempt is recorded, so that another worker
// cannot make the same attempt in between.
package slots

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// take drops expired slots and claims, then, for each id in ARGV[5:],
// grants a slot and a claim while slots are free. It answers per id: 1
// granted, 0 no free slot, -1 the id is claimed already. It stops looking
// once the slots are full, so a caller retrying against full slots costs
// Redis little; the ids it did not look at are answered 0.
// KEYS: slots, claims (sorted sets scored by expiry); ARGV: limit, now ms,
// expiry ms, key ttl ms, ids...
var take = redis.NewScript(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local free = tonumber(ARGV[1]) - redis.call('ZCARD', KEYS[1])
local out = {}
if free <= 0 then
  return out
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[2])
for i = 5, #ARGV do
  if free <= 0 then
    break
  end
  if redis.call('ZADD', KEYS[2], 'NX', ARGV[3], ARGV[i]) == 0 then
    out[#out + 1] = -1
  else
    redis.call('ZADD', KEYS[1], ARGV[3], ARGV[i])
    free = free - 1
    out[#out + 1] = 1
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return out`)

// claim drops expired claims, then claims each id in ARGV[5:] that is not
// claimed already. It answers per id: 1 claimed, -1 claimed elsewhere.
// KEYS: claims; ARGV: (unused), now ms, expiry ms, key ttl ms, ids...
var claim = redis.NewScript(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local out = {}
for i = 5, #ARGV do
  if redis.call('ZADD', KEYS[1], 'NX', ARGV[3], ARGV[i]) == 1 then
    out[#out + 1] = 1
  else
    out[#out + 1] = -1
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return out`)

// slots drops expired slots, then gives a slot to the first ids of
// ARGV[5:], as many as are free. It answers how many it gave.
// KEYS: slots; ARGV: limit, now ms, expiry ms, key ttl ms, ids...
var slots = redis.NewScript(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local n = math.min(tonumber(ARGV[1]) - redis.call('ZCARD', KEYS[1]), #ARGV - 4)
if n <= 0 then
  return 0
end
for i = 5, 4 + n do
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return n`)

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

// Lease is a held slot and claim; Release gives both back.
type Lease struct {
	l    *Limiter
	name string
	// ID names the lease: what it was taken for, or a random id.
	ID string
}

// Taken is what Take and Wait got: a lease per granted id, in the order
// asked, and the ids that already held a lease elsewhere.
type Taken struct {
	Leases []*Lease
	Held   []string
}

// Acquire takes one of limit slots of name for at most ttl, under a random
// lease id. It returns nil, without error, when all slots are taken.
func (l *Limiter) Acquire(ctx context.Context, name string, limit int, ttl time.Duration) (*Lease, error) {
	t, err := l.Take(ctx, name, []string{UnnamedID()}, limit, ttl)
	if err != nil || len(t.Leases) == 0 {
		return nil, err
	}
	return t.Leases[0], nil
}

// Take grants leases named ids, in order, while fewer than limit leases of
// name are live, in one round trip. An id whose lease is live already (the
// attempt is being made elsewhere) is reported in Held, not granted. Once
// the slots are full, the ids left are neither granted nor held.
func (l *Limiter) Take(ctx context.Context, name string, ids []string, limit int, ttl time.Duration) (Taken, error) {
	res, err := take.Run(ctx, l.rdb, l.keys(name), args(limit, l.now(), ttl, ids)...).Int64Slice()
	if err != nil {
		return Taken{}, fmt.Errorf("acquire slots of %s: %w", name, err)
	}
	return l.taken(name, ids, res), nil
}

// Claim claims ids for ttl, in order, in one round trip, without taking
// slots: Slots gives those to the leases it returns. An id claimed
// elsewhere is reported in Held. Claiming first lets a caller read what
// the claims protect before it holds a slot.
func (l *Limiter) Claim(ctx context.Context, name string, ids []string, ttl time.Duration) (Taken, error) {
	res, err := claim.Run(ctx, l.rdb, l.keys(name)[1:], args(0, l.now(), ttl, ids)...).Int64Slice()
	if err != nil {
		return Taken{}, fmt.Errorf("claim attempts of %s: %w", name, err)
	}
	return l.taken(name, ids, res), nil
}

// Slots gives slots of name to the first of leases (claimed by Claim), as
// many as are free of limit, for ttl, and reports how many got one.
func (l *Limiter) Slots(ctx context.Context, name string, leases []*Lease, limit int, ttl time.Duration) (int, error) {
	ids := make([]string, len(leases))
	for i, s := range leases {
		ids[i] = s.ID
	}
	n, err := slots.Run(ctx, l.rdb, l.keys(name)[:1], args(limit, l.now(), ttl, ids)...).Int()
	if err != nil {
		return 0, fmt.Errorf("acquire slots of %s: %w", name, err)
	}
	return n, nil
}

// args are the scripts' arguments.
func args(limit int, now time.Time, ttl time.Duration, ids []string) []any {
	a := make([]any, 0, 4+len(ids))
	a = append(a, limit, now.UnixMilli(), now.Add(ttl).UnixMilli(), (ttl + time.Minute).Milliseconds())
	for _, id := range ids {
		a = append(a, id)
	}
	return a
}

// taken reads a take or claim script's answer for ids.
func (l *Limiter) taken(name string, ids []string, res []int64) Taken {
	var t Taken
	for i, r := range res {
		switch r {
		case 1:
			t.Leases = append(t.Leases, &Lease{l: l, name: name, ID: ids[i]})
		case -1:
			t.Held = append(t.Held, ids[i])
		}
	}
	return t
}

// keys are the sorted sets of name's slots and claims, hash-tagged to one
// Redis Cluster slot.
func (l *Limiter) keys(name string) []string {
	base := l.prefix + "{" + name + "}"
	return []string{base, base + ":claims"}
}

// Release frees the slot and ends the claim.
func (s *Lease) Release() { s.l.Release(s) }

// Free frees the slots of leases, waking this process's waiters; their
// claims last until Release.
func (l *Limiter) Free(leases ...*Lease) { l.remove(leases, true, false) }

// End ends the claims of leases, whose slots Free freed already.
func (l *Limiter) End(leases ...*Lease) { l.remove(leases, false, true) }

// Release frees the slots of leases and ends their claims.
func (l *Limiter) Release(leases ...*Lease) { l.remove(leases, true, true) }

// remove takes leases out of the slots, the claims or both, one round trip
// per name. It uses its own short deadline, so a cancelled request still
// gives its slot back.
func (l *Limiter) remove(leases []*Lease, slots, claims bool) {
	byName := map[string][]any{}
	for _, s := range leases {
		byName[s.name] = append(byName[s.name], s.ID)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for name, ids := range byName {
		keys := l.keys(name)
		_, _ = l.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			if slots {
				p.ZRem(ctx, keys[0], ids...)
			}
			if claims {
				p.ZRem(ctx, keys[1], ids...)
			}
			return nil
		})
		if slots {
			l.waiting.wake(name)
		}
	}
}

// InFlight reports how many unexpired leases name holds.
func (l *Limiter) InFlight(ctx context.Context, name string) (int64, error) {
	return l.rdb.ZCount(ctx, l.keys(name)[0], fmt.Sprint(l.now().UnixMilli()), "+inf").Result()
}

// UnnamedID is a random lease id, for a request that claims nothing (a
// manual resend): no other lease will have it.
func UnnamedID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
