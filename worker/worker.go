// Package worker runs Ferry's asynq workers: one file per task type.
package worker

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/hibiken/asynq"
)

// Worker processes Ferry's tasks from Redis.
type Worker struct {
	srv    *asynq.Server
	mux    *asynq.ServeMux
	logger *slog.Logger
}

// New returns a worker on redisURL running up to concurrency tasks at once.
func New(redisURL string, concurrency int, logger *slog.Logger) (*Worker, error) {
	opt, err := asynq.ParseRedisURI(redisURL)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	srv := asynq.NewServer(opt, asynq.Config{
		Concurrency: concurrency,
		Logger:      slogAdapter{logger},
	})
	return &Worker{srv: srv, mux: asynq.NewServeMux(), logger: logger}, nil
}

// Run processes tasks until ctx is cancelled, then lets in-flight tasks finish
// (asynq hands back those that do not within its shutdown timeout).
func (w *Worker) Run(ctx context.Context) error {
	if err := w.srv.Start(w.mux); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	w.logger.InfoContext(ctx, "worker started")
	<-ctx.Done()
	w.srv.Shutdown()
	w.logger.Info("worker stopped")
	return nil
}

// slogAdapter lets asynq log through slog.
type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Debug(args ...any) { a.l.Debug(fmt.Sprint(args...), "component", "asynq") }
func (a slogAdapter) Info(args ...any)  { a.l.Info(fmt.Sprint(args...), "component", "asynq") }
func (a slogAdapter) Warn(args ...any)  { a.l.Warn(fmt.Sprint(args...), "component", "asynq") }
func (a slogAdapter) Error(args ...any) { a.l.Error(fmt.Sprint(args...), "component", "asynq") }
func (a slogAdapter) Fatal(args ...any) {
	a.l.Error(fmt.Sprint(args...), "component", "asynq", "fatal", true)
}
