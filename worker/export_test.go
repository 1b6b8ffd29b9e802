package worker

import (
	"context"
	"log/slog"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/internal/adapter/queue"
)

// RecoverOnce runs one pass of the recovery loop on client and q, for every
// waiting delivery however little overdue.
func RecoverOnce(ctx context.Context, client *ent.Client, q *queue.Queue) (int, error) {
	r := &Recoverer{Client: client, Queue: q, Logger: slog.Default(), Grace: -time.Minute, Batch: 100, now: time.Now}
	return r.RunOnce(ctx)
}
