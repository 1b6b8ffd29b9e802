package graph

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/hashicorp/golang-lru/v2/simplelru"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/ferryhq/ferry/internal/edge/viewer"
)

// A parsed document takes about 2.3 times its text in memory; 3 leaves room.
const documentBytesPerByte = 3

// documentCost is what a parsed document, cached under its text, takes.
func documentCost(query string, _ *ast.QueryDocument) int { return documentBytesPerByte * len(query) }

// persistedCost is what a persisted query, its text cached under its hash,
// takes: the text, which the client chooses, not the fixed-size hash.
func persistedCost(hash, query string) int { return len(hash) + len(query) }

// byteCache is gqlgen's cache of parsed documents (or of persisted queries)
// bounded in bytes rather than entries, and filled only by requests that
// carry a valid token: anyone may send large documents, but only callers
// Ferry knows may keep them in its memory.
type byteCache[T any] struct {
	mu       sync.Mutex
	entries  *simplelru.LRU[string, T]
	bytes    int
	maxBytes int
	cost     func(key string, value T) int
}

var _ graphql.Cache[any] = (*byteCache[any])(nil)

// newByteCache keeps up to maxBytes of entries, as cost counts them.
func newByteCache[T any](maxBytes int, cost func(key string, value T) int) *byteCache[T] {
	c := &byteCache[T]{maxBytes: maxBytes, cost: cost}
	// The entry count is only a backstop; the byte budget is the bound.
	c.entries, _ = simplelru.NewLRU[string, T](100_000, func(key string, value T) { c.bytes -= c.cost(key, value) })
	return c
}

// Get implements graphql.Cache.
func (c *byteCache[T]) Get(_ context.Context, key string) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.entries.Get(key)
}

// Add implements graphql.Cache: it keeps value only for an authenticated
// caller, and never lets one entry take more than a sixteenth of the budget.
func (c *byteCache[T]) Add(ctx context.Context, key string, value T) {
	if _, ok := viewer.FromContext(ctx); !ok {
		return
	}
	n := c.cost(key, value)
	if n > c.maxBytes/16 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries.Contains(key) {
		return
	}
	c.entries.Add(key, value)
	c.bytes += n
	for c.bytes > c.maxBytes {
		c.entries.RemoveOldest()
	}
}

// Size is the cache's bytes as cost counts them.
func (c *byteCache[T]) Size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}
