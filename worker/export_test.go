package worker

import (
	"context"
	"log/slog"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/internal/adapter/queue"
)

// DeliveriesWithEvents is deliveriesWithEvents, for the tests of worker_test.
var DeliveriesWithEvents = deliveriesWithEvents

// ReadQuery is the statement that reads a wave's deliveries on PostgreSQL.
const ReadQuery = readQuery

// RecoverOnce runs one pass of the recovery loop on client and q, for every
// waiting delivery however little overdue.
func RecoverOnce(ctx context.Context, client *ent.Client, q *queue.Queue) (int, error) {
	r := &Recoverer{Client: client, Queue: q, Logger: slog.Default(), Grace: -time.Minute, Batch: 100, now: time.Now}
	return r.RunOnce(ctx)
}
