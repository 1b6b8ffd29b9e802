package publish

import (
	"context"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/schema/pulid"
)

// StoreGrouped lets the tests see what each caller of a group commit gets
// back, which Publish only hands on to the queue and live updates.
func (p *Publisher) StoreGrouped(ctx context.Context, accountID pulid.ID, in Input) (*ent.Event, []*ent.Delivery, error) {
	return p.storeGrouped(ctx, accountID, in)
}
