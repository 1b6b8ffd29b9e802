package graph

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/edge/viewer"
)

// Anyone may send a large document; only callers with a valid token may
// keep one in Ferry's memory, and all of them together only so many bytes.
func TestDocumentCacheIsFilledBySignedInCallersWithinItsBytes(t *testing.T) {
	const budget = 1 << 20
	c := newByteCache(budget, func(q string, _ int) int { return documentBytesPerByte * len(q) })
	anonymous := context.Background()
	signedIn := viewer.NewContext(anonymous, viewer.Viewer{Role: viewer.RoleAccount, AccountID: "acc_1", TokenID: "tok_1"})

	c.Add(anonymous, "{ viewer { role } }", 1)
	if _, ok := c.Get(signedIn, "{ viewer { role } }"); ok {
		t.Error("a document of a request without a token was cached")
	}
	c.Add(signedIn, "{ viewer { role } }", 2)
	if v, ok := c.Get(anonymous, "{ viewer { role } }"); !ok || v != 2 {
		t.Errorf("a signed-in caller's document: got %v %v, want it cached", v, ok)
	}

	big := strings.Repeat("x", budget/documentBytesPerByte/16+1)
	c.Add(signedIn, big, 3)
	if _, ok := c.Get(signedIn, big); ok {
		t.Error("a document over a sixteenth of the budget was cached")
	}
	for i := range 1000 {
		c.Add(signedIn, strings.Repeat("y", 10_000)+string(rune('a'+i%26))+strings.Repeat("z", i), i)
		if c.Size() > budget {
			t.Fatalf("after %d documents the cache holds %d bytes, over its %d", i+1, c.Size(), budget)
		}
	}
	if c.Size() < budget/2 {
		t.Errorf("the cache holds %d bytes of a %d budget: it evicts too eagerly", c.Size(), budget)
	}
}

// A persisted query is cached under its hash, but what it takes is its
// text: the budget counts the text, so large queries cannot hide behind
// their 64-character hashes.
func TestPersistedQueriesAreCountedByTheirText(t *testing.T) {
	const budget = 1 << 20
	c := newByteCache(budget, persistedCost)
	signedIn := viewer.NewContext(context.Background(), viewer.Viewer{Role: viewer.RoleAccount, AccountID: "acc_1", TokenID: "tok_1"})
	hash := strings.Repeat("a", 64)
	c.Add(signedIn, hash, strings.Repeat("q", budget/16+1))
	if _, ok := c.Get(signedIn, hash); ok {
		t.Error("a query over a sixteenth of the budget was cached under its short hash")
	}
	for i := range 1000 {
		c.Add(signedIn, fmt.Sprintf("%064d", i), strings.Repeat("q", 10_000))
		if c.Size() > budget {
			t.Fatalf("after %d queries the cache holds %d bytes, over its %d", i+1, c.Size(), budget)
		}
	}
}
