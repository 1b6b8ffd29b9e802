// Package ttlcache remembers values for a short time: what a hot path would
// otherwise read from the database on every call although it rarely
// changes (a configuration, whether an event type exists).
package ttlcache

import (
	"sync"
	"time"
)

// Cache maps keys to values that count as fresh for TTL. It holds at most
// max entries; past that it starts afresh, which bounds its memory without
// bookkeeping. It is safe for concurrent use.
type Cache[K comparable, V any] struct {
	ttl     time.Duration
	max     int
	mu      sync.Mutex
	entries map[K]entry[V]
}

type entry[V any] struct {
	v  V
	at time.Time
}

// New returns a cache whose entries stay fresh for ttl, holding at most max.
func New[K comparable, V any](ttl time.Duration, max int) *Cache[K, V] {
	return &Cache[K, V]{ttl: ttl, max: max, entries: map[K]entry[V]{}}
}

// Get returns the value stored for k if it was stored less than TTL before
// now.
func (c *Cache[K, V]) Get(k K, now time.Time) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok || now.Sub(e.at) >= c.ttl {
		var zero V
		return zero, false
	}
	return e.v, true
}

// Put stores v for k as of now.
func (c *Cache[K, V]) Put(k K, v V, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		c.entries = map[K]entry[V]{}
	}
	c.entries[k] = entry[V]{v: v, at: now}
}
