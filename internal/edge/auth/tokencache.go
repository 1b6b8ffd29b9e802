package auth

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/redis/go-redis/v9"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/schema/pulid"
)

// revokedChannel carries the id of every account token revoked, to every
// Ferry process, which then forgets it.
const revokedChannel = "ferry:account-tokens:revoked"

// tokenTTL bounds how long a cached token is trusted: the longest a
// revocation can go unseen by a process that missed its message while it
// still believed itself subscribed.
const tokenTTL = 10 * time.Second

// tokenCache keeps the account tokens requests carry, so that a request
// does not read PostgreSQL to know its caller. It serves only while its
// subscription to revokedChannel is up: a revocation then reaches it
// within the message's trip through Redis; without Redis, every request
// reads the database again, as before the cache.
type tokenCache struct {
	rdb    *redis.Client
	logger *slog.Logger
	live   atomic.Bool
	tokens *expirable.LRU[string, *ent.AccountToken] // by hash

	mu sync.Mutex
	// gen counts evictions: a look-up that began before one may have read
	// a token since revoked, and must not be kept.
	gen uint64

	stop context.CancelFunc
	done chan struct{}
	ps   atomic.Pointer[redis.PubSub] // the subscription, closed to stop its Receive
}

func newTokenCache(rdb *redis.Client, logger *slog.Logger) *tokenCache {
	c := &tokenCache{rdb: rdb, logger: logger, tokens: expirable.NewLRU[string, *ent.AccountToken](10_000, nil, tokenTTL)}
	ctx, stop := context.WithCancel(context.Background())
	c.stop, c.done = stop, make(chan struct{})
	go c.listen(ctx)
	return c
}

// get returns the cached token of hash, and the generation to hand put
// after a look-up when there is none.
func (c *tokenCache) get(hash string) (*ent.AccountToken, uint64) {
	if c == nil {
		return nil, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.live.Load() {
		return nil, c.gen
	}
	t, _ := c.tokens.Get(hash)
	return t, c.gen
}

// put keeps t, read from the database since get returned gen, unless a
// revocation came in meanwhile.
func (c *tokenCache) put(hash string, t *ent.AccountToken, gen uint64) {
	if c == nil || t == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.live.Load() && c.gen == gen {
		c.tokens.Add(hash, t)
	}
}

// touched records a token's new lastUsedAt in its cached copy.
func (c *tokenCache) touched(hash string, t *ent.AccountToken, at time.Time) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if cached, ok := c.tokens.Peek(hash); ok && cached.ID == t.ID {
		nt := *cached
		nt.LastUsedAt = &at
		c.tokens.Add(hash, &nt)
	}
}

// forget drops the token id (every token when id is empty).
func (c *tokenCache) forget(id pulid.ID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if id == "" {
		c.tokens.Purge()
		return
	}
	for _, hash := range c.tokens.Keys() {
		if t, ok := c.tokens.Peek(hash); ok && t.ID == id {
			c.tokens.Remove(hash)
		}
	}
}

// ackWait bounds how long a revocation waits for every process to say it
// forgot the token.
const ackWait = time.Second

// revoked forgets id here and in every other process, and returns once
// each process that heard it has said so (or after ackWait): the next
// request anywhere then reads the database.
func (c *tokenCache) revoked(ctx context.Context, id pulid.ID) {
	if c == nil {
		return
	}
	c.forget(id)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ackWait)
	defer cancel()
	nonce := pulid.New("rvk")
	acks := c.rdb.Subscribe(ctx, revokedChannel+":"+string(nonce))
	defer acks.Close()
	n, err := int64(0), error(nil)
	if _, err = acks.Receive(ctx); err == nil { // subscribed
		n, err = c.rdb.Publish(ctx, revokedChannel, string(id)+" "+string(nonce)).Result()
	}
	if err != nil {
		// Other processes are cut off from Redis too, or will be before
		// tokenTTL runs out: either way they stop trusting their cache.
		c.logger.WarnContext(ctx, "token revocation not announced", "token_id", id, "err", err)
		return
	}
	for ; n > 0; n-- {
		if _, err := acks.ReceiveMessage(ctx); err != nil {
			c.logger.WarnContext(ctx, "token revocation not acknowledged by every process", "token_id", id, "missing", n, "err", err)
			return
		}
	}
}

// listen keeps the subscription up until ctx ends, serving the cache only
// while it is.
func (c *tokenCache) listen(ctx context.Context) {
	defer close(c.done)
	for ctx.Err() == nil {
		ps := c.rdb.Subscribe(ctx, revokedChannel)
		c.ps.Store(ps)
		if ctx.Err() != nil { // close ran before the Store
			_ = ps.Close()
			return
		}
		c.receive(ctx, ps)
		_ = ps.Close()
		c.live.Store(false)
		c.forget("")
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// receive applies revocations until the subscription fails.
func (c *tokenCache) receive(ctx context.Context, ps *redis.PubSub) {
	for {
		msg, err := ps.Receive(ctx)
		if err != nil {
			if ctx.Err() == nil {
				c.logger.DebugContext(ctx, "token revocations unheard; tokens are read from the database", "err", err)
			}
			return
		}
		switch m := msg.(type) {
		case *redis.Subscription:
			// Subscribed: what was revoked before is in the database.
			c.forget("")
			c.live.Store(true)
		case *redis.Message:
			id, nonce, _ := strings.Cut(m.Payload, " ")
			c.forget(pulid.ID(id))
			if nonce != "" {
				_ = c.rdb.Publish(ctx, revokedChannel+":"+nonce, "").Err()
			}
		}
	}
}

// close stops listening.
func (c *tokenCache) close() {
	if c == nil {
		return
	}
	c.stop()
	// Receive does not watch its context once blocked on the connection.
	if ps := c.ps.Load(); ps != nil {
		_ = ps.Close()
	}
	<-c.done
}
