package ttlcache_test

import (
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/ttlcache"
)

func TestEntriesExpireAfterTheTTL(t *testing.T) {
	t.Parallel()
	c := ttlcache.New[string, int](time.Second, 10)
	at := time.Unix(1000, 0)
	if _, ok := c.Get("a", at); ok {
		t.Fatal("an empty cache returned a value")
	}
	c.Put("a", 1, at)
	if v, ok := c.Get("a", at.Add(999*time.Millisecond)); !ok || v != 1 {
		t.Fatalf("within the TTL: %v %v, want 1 true", v, ok)
	}
	if _, ok := c.Get("a", at.Add(time.Second)); ok {
		t.Fatal("a value was returned once its TTL had passed")
	}
}

func TestTheCacheStartsAfreshWhenFull(t *testing.T) {
	t.Parallel()
	c := ttlcache.New[int, int](time.Hour, 3)
	at := time.Unix(1000, 0)
	for i := range 3 {
		c.Put(i, i, at)
	}
	c.Put(3, 3, at)
	if _, ok := c.Get(0, at); ok {
		t.Fatal("a full cache kept growing")
	}
	if v, ok := c.Get(3, at); !ok || v != 3 {
		t.Fatalf("the entry that started it afresh: %v %v", v, ok)
	}
}
