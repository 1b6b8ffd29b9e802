package worker

import (
	"context"
	"fmt"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/configuration"
	"github.com/ferryhq/ferry/ent/schema/pulid"
)

// configTTL is how long a worker reuses a configuration (with its signing
// key) it has read, saving two queries per delivery to a busy one. A change
// to a URL, headers, timeout or key reaches deliveries within this time.
// Deactivating, deleting or revoking cancels waiting deliveries in the
// database, and the delivery row is always read fresh, so those take effect
// at once.
const configTTL = time.Second

// configuration returns the configuration id with its signing key, nil when
// it no longer exists, from w.configCache while fresh.
func (w *Worker) configuration(ctx context.Context, id pulid.ID) (*ent.Configuration, error) {
	now := w.now()
	if cfg, ok := w.configCache.Get(id, now); ok {
		return cfg, nil
	}
	cfg, err := w.Client.Configuration.Query().Where(configuration.ID(id)).WithSigningKey().Only(ctx)
	if ent.IsNotFound(err) {
		cfg, err = nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load configuration %s: %w", id, err)
	}
	w.configCache.Put(id, cfg, now)
	return cfg, nil
}
