package worker

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/configuration"
	"github.com/ferryhq/ferry/ent/schema/pulid"
)

// configTTL is how long a worker reuses a configuration (with its signing
// key) it has read. A change to a URL, headers, timeout or key reaches
// deliveries within this time. Deactivating, deleting or revoking cancels
// waiting deliveries in the database, and the delivery row is always read
// fresh, so those take effect at once.
const configTTL = time.Second

// configCache saves two queries per delivery: a stream of deliveries to one
// configuration reads it once a second instead of once each.
type configCache struct {
	mu      sync.Mutex
	entries map[pulid.ID]cachedConfig
}

type cachedConfig struct {
	cfg *ent.Configuration // nil: deleted
	at  time.Time
}

// get returns the configuration id with its signing key, nil when it no
// longer exists.
func (c *configCache) get(ctx context.Context, client *ent.Client, id pulid.ID, now time.Time) (*ent.Configuration, error) {
	c.mu.Lock()
	e, ok := c.entries[id]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < configTTL {
		return e.cfg, nil
	}
	cfg, err := client.Configuration.Query().Where(configuration.ID(id)).WithSigningKey().Only(ctx)
	if ent.IsNotFound(err) {
		cfg, err = nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load configuration %s: %w", id, err)
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) > 100_000 {
		c.entries = map[pulid.ID]cachedConfig{}
	}
	c.entries[id] = cachedConfig{cfg: cfg, at: now}
	c.mu.Unlock()
	return cfg, nil
}
