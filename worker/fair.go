package worker

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"time"

	"github.com/hibiken/asynq"

	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/queue"
	"github.com/ferryhq/ferry/internal/adapter/slots"
)

// fairness keeps one account from taking this process's capacity from the
// others: its handlers (asynq's goroutines) and its outbound requests are
// each shared by a slots.Fair. A task whose account may not take a
// handler, or a request, is parked: it waits on the parked queue, holding
// nothing, until a unit its account may take is given back here (which
// wakes it), or its own timer runs out. Workers take tasks from the parked
// queue less often than from the deliveries queue, so tasks coming back
// from there do not stand in line before another account's new ones.
type fairness struct {
	handlers *slots.Fair
	requests *slots.Fair
	wakes    chan wakeUp
}

// wakeUp is a parked task to run now, and how often it was found still
// running.
type wakeUp struct {
	id    string
	tries int
}

// newFairness shares concurrency handlers, plus reserve more kept for
// accounts with next to nothing running, and requests outbound requests,
// a tenth of them kept back likewise.
func newFairness(concurrency, reserve, requests int) *fairness {
	if requests <= 0 {
		requests = math.MaxInt32 // no cap
	}
	return &fairness{
		handlers: slots.NewFair(concurrency+reserve, reserve),
		requests: slots.NewFair(requests, requests/10),
		wakes:    make(chan wakeUp, 1024),
	}
}

// handlerReserve is how many asynq goroutines a worker runs beyond its
// concurrency: they pick up the tasks of accounts with nothing running
// while others hold every handler.
func handlerReserve(concurrency int) int { return max(2, concurrency/10) }

// parkFor is how long a parked task waits at most: the wake-up usually
// comes first. Past it, the task is tried again by asynq's own timer.
const parkFor = 5 * time.Second

// errAccountBusy is the error of a task handed back because its account
// holds its share of pool; the task is parked on pool.
type errAccountBusy struct {
	pool    *slots.Fair
	account string
}

func (e *errAccountBusy) Error() string { return "account holds its share of this worker" }

// admit takes one of this process's handlers for account, or says why not:
// no handler, or no request it could make. done gives the handler back.
func (w *Worker) admit(account pulid.ID) (done func(), err error) {
	if !w.fair.requests.Room(string(account)) {
		return nil, &errAccountBusy{pool: w.fair.requests, account: string(account)}
	}
	pool := w.fair.handlers
	if pool.Take(string(account), 1) == 0 {
		return nil, &errAccountBusy{pool: pool, account: string(account)}
	}
	return func() { w.wake(pool.Give(string(account), 1)) }, nil
}

// takeRequests takes up to n of this process's outbound requests for
// account and reports how many it got.
func (w *Worker) takeRequests(account pulid.ID, n int) int {
	return w.fair.requests.Take(string(account), n)
}

// giveRequests gives back k requests of account.
func (w *Worker) giveRequests(account pulid.ID, k int) {
	w.wake(w.fair.requests.Give(string(account), k))
}

// park parks the task t of ctx, handed back with err because its account
// holds its share, and lines it up for a wake-up. It returns what asynq
// is to hear: nil for a task of the deliveries queue once its copy waits
// on the parked queue, err for a task of the parked queue, which asynq
// puts back in that line for parkDelay.
func (w *Worker) park(ctx context.Context, t *asynq.Task, err error) error {
	var busy *errAccountBusy
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
	busy.pool.Park(busy.account, id, w.now().Add(parkFor))
	return err
}

// wake queues tickets for the waker; should its line be full, they run on
// their own timers.
func (w *Worker) wake(ids []string) {
	for _, id := range ids {
		select {
		case w.fair.wakes <- wakeUp{id: id}:
		default:
		}
	}
}

// Tries of a wake-up that finds its task still running, and the pause
// between them: asynq puts a task handed back in the retry line within
// milliseconds.
const (
	wakeTries = 5
	wakePause = 20 * time.Millisecond
)

// runWaker runs parked tasks woken by wake until ctx is cancelled.
func (w *Worker) runWaker(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case u := <-w.fair.wakes:
			err := w.Queue.Wake(u.id)
			switch {
			case errors.Is(err, queue.ErrRunning) && u.tries+1 < wakeTries:
				u.tries++
				time.AfterFunc(wakePause, func() {
					select {
					case w.fair.wakes <- u:
					default:
					}
				})
			case err != nil && !errors.Is(err, queue.ErrRunning):
				w.Logger.WarnContext(ctx, "wake a parked task; it runs on its own timer", "task_id", u.id, "err", err)
			}
		}
	}
}

// parkDelay is asynq's delay for a parked task: parkFor, spread a little
// so that tasks parked together do not come back together.
func parkDelay() time.Duration {
	return parkFor + time.Duration(rand.IntN(1000))*time.Millisecond
}
