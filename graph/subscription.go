package graph

import (
	"context"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/internal/adapter/live"
)

// liveDeliveries turns announced changes into deliveries a subscriber can
// query in full (event, configuration, attempts), read under the
// subscriber's own tenancy and showing the state of each change.
func liveDeliveries(ctx context.Context, client *ent.Client, changes <-chan *ent.Delivery) <-chan *ent.Delivery {
	out := make(chan *ent.Delivery)
	go func() {
		defer close(out)
		for snap := range changes {
			d, err := client.Delivery.Get(ctx, snap.ID)
			if err != nil {
				continue // deleted meanwhile, or not this viewer's
			}
			live.Overlay(d, snap)
			select {
			case out <- d:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}
