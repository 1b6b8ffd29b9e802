// Package worker runs Ferry's asynq workers: it decodes each task, hands it
// to the delivery engine, and tells asynq what became of it (done, handed
// back, parked). It also runs the maintenance loops.
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/hibiken/asynq"

	"github.com/ferryhq/ferry/internal/adapter/queue"
	"github.com/ferryhq/ferry/internal/domain/delivery"
	"github.com/ferryhq/ferry/internal/domain/maintenance"
)

// Deps are what the worker needs from the rest of Ferry.
type Deps struct {
	Attempts *delivery.Service
	// The maintenance loops run beside the handlers; a nil AutoDisable
	// runs none.
	Recovery    *maintenance.Recovery
	Retention   *maintenance.Retention
	AutoDisable *maintenance.AutoDisable
	Queue       *queue.Queue
	Logger      *slog.Logger
}

// Options tune the worker.
type Options struct {
	Concurrency int
	// MaxRequests is how many requests the worker has out at once, shared
	// fairly among accounts: the sender's cap on outbound connections (0:
	// no cap).
	MaxRequests     int
	ShutdownTimeout time.Duration
}

// Worker runs delivery tasks from Redis on asynq, and the maintenance loops.
type Worker struct {
	Deps
	srv    *asynq.Server
	mux    *asynq.ServeMux
	engine *delivery.Engine
	now    func() time.Time
	// handlers run under base; it is cancelled shortly before the shutdown
	// timeout so unfinished attempts hand their task back unrecorded.
	base       context.Context
	cancelBase context.CancelFunc
	shutdown   time.Duration
	// handlers counts handlers running. asynq stops waiting for a handler
	// once its context is cancelled; Run still waits for it to give back
	// its slots and claims.
	handlers sync.WaitGroup
}

// New returns a worker on redisURL.
func New(redisURL string, d Deps, o Options) (*Worker, error) {
	opt, err := asynq.ParseRedisURI(redisURL)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	w := &Worker{Deps: d, mux: asynq.NewServeMux(), now: time.Now, shutdown: o.ShutdownTimeout,
		engine: d.Attempts.NewEngine(o.Concurrency, o.MaxRequests)}
	w.base, w.cancelBase = context.WithCancel(context.Background())
	w.srv = asynq.NewServer(opt, asynq.Config{
		// The reserve's goroutines let an account with nothing running
		// start while others hold every handler.
		Concurrency: o.Concurrency + delivery.HandlerReserve(o.Concurrency),
		// New tasks first, most of the time (see park.go).
		Queues:          map[string]int{queue.Name: 10, queue.Parked: 1},
		ShutdownTimeout: o.ShutdownTimeout,
		// Both intervals shape latency: asynq polls an empty queue, so new
		// work is picked up within 1–3 ms, due retries within 200 ms
		// (defaults are 1 s and 5 s). What the polls cost: BENCHMARKS.md.
		TaskCheckInterval:        2 * time.Millisecond,
		DelayedTaskCheckInterval: 200 * time.Millisecond,
		IsFailure:                isFailure,
		BaseContext:              func() context.Context { return w.base },
		RetryDelayFunc:           retryDelay,
		Logger:                   newAsynqLog(d.Logger),
		LogLevel:                 asynq.WarnLevel,
	})
	w.mux.HandleFunc(queue.TypeDeliver, w.tracked(w.handleDeliver))
	w.mux.HandleFunc(queue.TypeDeliverMany, w.tracked(w.handleDeliverMany))
	w.mux.HandleFunc(queue.TypeResend, w.tracked(w.handleResend))
	return w, nil
}

// handleDeliver makes one attempt of one delivery.
func (w *Worker) handleDeliver(ctx context.Context, t *asynq.Task) error {
	a, err := queue.ParseAttempt(t.Payload())
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	return w.engine.Deliver(ctx, a)
}

// handleDeliverMany makes the first attempts of deliveries published
// together to one configuration.
func (w *Worker) handleDeliverMany(ctx context.Context, t *asynq.Task) error {
	m, err := queue.ParseMany(t.Payload())
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	n, _ := asynq.GetRetryCount(ctx)
	return w.engine.DeliverMany(ctx, m, n > 0)
}

// handleResend makes one MANUAL attempt of a delivery for a bulk resend.
func (w *Worker) handleResend(ctx context.Context, t *asynq.Task) error {
	r, err := queue.ParseResend(t.Payload())
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	return w.engine.ResendQueued(ctx, r)
}

// isFailure tells asynq which errors are real failures. Waiting for a slot
// or for the account's share, and being handed back at shutdown, are not.
func isFailure(err error) bool {
	var busy *delivery.AccountBusy
	return !errors.Is(err, delivery.ErrSlotBusy) && !errors.As(err, &busy) &&
		!errors.Is(err, context.Canceled) && !errors.Is(err, delivery.ErrShuttingDown)
}

// retryDelay is asynq's delay before handing a task back: short while
// waiting for a slot, parkDelay while parked for its account's share, none
// after a shutdown, backing off on infrastructure errors (database down).
// It is never an attempt: Ferry counts those.
func retryDelay(n int, err error, _ *asynq.Task) time.Duration {
	var busy *delivery.AccountBusy
	switch {
	case errors.As(err, &busy):
		return parkDelay()
	case errors.Is(err, delivery.ErrSlotBusy):
		return time.Duration(50+rand.IntN(150)) * time.Millisecond
	case errors.Is(err, context.Canceled), errors.Is(err, delivery.ErrShuttingDown):
		return 0
	}
	return min(time.Duration(1<<min(n, 6))*time.Second, time.Minute)
}

// Run processes tasks and runs the maintenance loops until ctx is
// cancelled. Then it starts no request: tasks hand back what they have not
// sent, requests out finish, and those that cannot within the shutdown
// timeout are cut off and recorded as interrupted, to be made again.
func (w *Worker) Run(ctx context.Context) error {
	if err := w.srv.Start(w.mux); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	w.Logger.InfoContext(ctx, "worker started")
	var loops sync.WaitGroup
	loops.Go(func() { w.Recovery.Run(ctx) })
	loops.Go(func() { w.Retention.Run(ctx) })
	loops.Go(func() { w.AutoDisable.Run(ctx) })
	loops.Go(func() { w.runWaker(ctx) })
	<-ctx.Done()
	// No request starts from now on. Those still out near the end of the
	// shutdown timeout are cut off and recorded as interrupted, before
	// asynq gives up on them.
	w.engine.Drain()
	handBack := time.AfterFunc(w.shutdown-min(w.shutdown/5, time.Second), w.cancelBase)
	w.srv.Shutdown()
	handBack.Stop()
	w.cancelBase()
	w.waitHandlers(handlersGrace)
	loops.Wait()
	w.Logger.Info("worker stopped")
	return nil
}

// handlersGrace bounds how long Run waits, after asynq has stopped, for
// cancelled handlers to give back their slots and claims.
const handlersGrace = 5 * time.Second

// tracked counts h in w.handlers while it runs, and parks its task when
// it hands it back for its account's share.
func (w *Worker) tracked(h func(context.Context, *asynq.Task) error) func(context.Context, *asynq.Task) error {
	return func(ctx context.Context, t *asynq.Task) error {
		w.handlers.Add(1)
		defer w.handlers.Done()
		return w.park(ctx, t, h(ctx, t))
	}
}

// waitHandlers waits up to grace for running handlers to return.
func (w *Worker) waitHandlers(grace time.Duration) {
	done := make(chan struct{})
	go func() { w.handlers.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(grace):
		w.Logger.Warn("handlers still running at exit; their claims expire with their leases")
	}
}
