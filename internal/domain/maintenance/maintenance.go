// Package maintenance holds the loops that keep Ferry's record in shape,
// side by side, each with Run (every interval until its context ends) and
// RunOnce (one pass, for tests and operators): Recovery queues attempts
// that lost their task, Retention deletes old history, AutoDisable
// switches off configurations that keep failing.
package maintenance

import (
	"context"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"
)

// elected reports whether this process runs the pass of this interval of
// the loop named by lock: the first process to set the lock does, and it
// expires before the next pass. Without Redis, or should Redis fail, every
// process runs it: a pass twice is harmless.
func elected(ctx context.Context, rdb redis.UniversalClient, lock string, interval time.Duration, logger *slog.Logger) bool {
	if rdb == nil {
		return true
	}
	ok, err := rdb.SetNX(ctx, lock, "1", interval*9/10).Result()
	if err != nil && ctx.Err() == nil {
		logger.WarnContext(ctx, "maintenance lock unavailable; running the pass anyway", "lock", lock, "err", err)
	}
	return ok || err != nil
}

// every calls pass every interval until ctx is done, and once at the start
// too when atStart.
func every(ctx context.Context, interval time.Duration, atStart bool, pass func(context.Context)) {
	if atStart {
		pass(ctx)
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			pass(ctx)
		}
	}
}
