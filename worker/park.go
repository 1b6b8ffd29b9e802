package worker

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/hibiken/asynq"

	"github.com/ferryhq/ferry/internal/adapter/queue"
	"github.com/ferryhq/ferry/internal/domain/delivery"
)

// A task handed back because its account holds its share of this process
// (delivery.AccountBusy) is parked: it waits on the parked queue, holding
// nothing, until the engine announces that its account may go on (which
// wakes it) or its own timer runs out. Workers take tasks from the parked
// queue less often than from the deliveries queue, so tasks coming back
// from there do not stand in line before another account's new ones.

// parkFor is how long a parked task waits at most: the wake-up usually
// comes first. Past it, the task is tried again by asynq's own timer.
const parkFor = 5 * time.Second

// park parks the task t of ctx, handed back with err because its account
// holds its share, and lines it up for a wake-up. It returns what asynq
// is to hear: nil for a task of the deliveries queue once its copy waits
// on the parked queue, err for a task of the parked queue, which asynq
// puts back in that line for parkDelay.
func (w *Worker) park(ctx context.Context, t *asynq.Task, err error) error {
	var busy *delivery.AccountBusy
	id, ok := asynq.GetTaskID(ctx)
	if !errors.As(err, &busy) || !ok {
		return err
	}
	if name, _ := asynq.GetQueueName(ctx); name != queue.Parked {
		parked, perr := w.Queue.Park(ctx, t, id, w.now().Add(parkDelay()))
		if perr != nil {
			// Handed back in place instead, it runs again on its timer.
			w.Logger.WarnContext(ctx, "park a task", "task_id", id, "err", perr)
			return err
		}
		id, err = parked, nil
	}
	busy.Park(id, w.now().Add(parkFor))
	return err
}

// Tries of a wake-up that finds its task still running, and the pause
// between them: asynq puts a task handed back in the retry line within
// milliseconds.
const (
	wakeTries = 5
	wakePause = 20 * time.Millisecond
)

// runWaker wakes the parked tasks the engine announces until ctx is
// cancelled.
func (w *Worker) runWaker(ctx context.Context) {
	retries := make(chan wakeUp, 1024)
	for {
		var u wakeUp
		select {
		case <-ctx.Done():
			return
		case id := <-w.engine.Wakes():
			u = wakeUp{id: id}
		case u = <-retries:
		}
		err := w.Queue.Wake(u.id)
		switch {
		case errors.Is(err, queue.ErrRunning) && u.tries+1 < wakeTries:
			u.tries++
			time.AfterFunc(wakePause, func() {
				select {
				case retries <- u:
				default:
				}
			})
		case err != nil && !errors.Is(err, queue.ErrRunning):
			w.Logger.WarnContext(ctx, "wake a parked task; it runs on its own timer", "task_id", u.id, "err", err)
		}
	}
}

// wakeUp is a parked task to run now, and how often it was found still
// running.
type wakeUp struct {
	id    string
	tries int
}

// parkDelay is asynq's delay for a parked task: parkFor, spread a little
// so that tasks parked together do not come back together.
func parkDelay() time.Duration {
	return parkFor + time.Duration(rand.IntN(1000))*time.Millisecond
}
