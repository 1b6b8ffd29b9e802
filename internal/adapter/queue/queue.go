// Package queue puts delivery work on asynq. Tasks carry ids only: PostgreSQL
// is the record, Redis just says what to do next. A task of one attempt has
// an id of its own, so enqueuing it twice (after a retry, by the recovery
// loop, after Redis lost its data) queues it once. First attempts published
// together share a task (Many); an attempt in two tasks is still made once,
// because the worker claims each attempt before it reads its delivery (see
// the limiter package).
package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/ferryhq/ferry/ent/schema/pulid"
)

// TypeDeliver is the task that makes one attempt of one delivery.
const TypeDeliver = "delivery:attempt"

// TypeResend is the task that makes one MANUAL attempt of a delivery, for a
// bulk resend.
const TypeResend = "delivery:resend"

// Name of the queue delivery tasks go to.
const Name = "deliveries"

// Parked is the queue of tasks handed back to wait for their account's
// share of a worker (see worker's fairness). Workers take from it less
// often than from Name, so tasks coming back from it do not stand in line
// before other accounts' new ones.
const Parked = "deliveries-parked"

// taskTimeout bounds one attempt: the 60 s maximum request timeout plus the
// bookkeeping around it.
const taskTimeout = 90 * time.Second

// maxRetry lets asynq hand a task back after a crash or while it waits for a
// concurrency slot; Ferry counts real attempts itself.
const maxRetry = 100_000

// TypeDeliverMany is the task that makes the first attempt of several
// deliveries to one configuration, published together.
const TypeDeliverMany = "delivery:first-attempts"

// Attempt is the payload of a TypeDeliver task.
type Attempt struct {
	DeliveryID pulid.ID `json:"d"`
	Number     int      `json:"n"`
	// Config is the delivery's configuration, so the worker can claim the
	// attempt before it reads the delivery. Tasks queued before it existed
	// have none.
	Config pulid.ID `json:"c,omitempty"`
	// Rescue marks the second task of an attempt whose first task was
	// orphaned by a worker that died; it gets its own task id.
	Rescue bool `json:"r,omitempty"`
	// Trace is the W3C traceparent of the publish, when tracing is on.
	Trace string `json:"t,omitempty"`
}

// TaskID is the asynq task id of an attempt.
func (a Attempt) TaskID() string {
	id := string(a.DeliveryID) + "/" + strconv.Itoa(a.Number)
	if a.Rescue {
		id += "/rescue"
	}
	return id
}

// ParseAttempt reads a task payload.
func ParseAttempt(payload []byte) (Attempt, error) {
	var a Attempt
	if err := json.Unmarshal(payload, &a); err != nil || a.DeliveryID == "" || a.Number < 1 {
		return Attempt{}, fmt.Errorf("bad delivery task payload %q", payload)
	}
	return a, nil
}

// Queue enqueues delivery attempts.
type Queue struct {
	client    *asynq.Client
	inspector *asynq.Inspector
}

// New returns a Queue on rdb, which its owner closes.
func New(rdb redis.UniversalClient) *Queue {
	return &Queue{client: asynq.NewClientFromRedisClient(rdb), inspector: asynq.NewInspectorFromRedisClient(rdb)}
}

// Enqueue schedules attempt a at time at (now when zero). An attempt that is
// already queued is left as it is and reported as success.
func (q *Queue) Enqueue(ctx context.Context, a Attempt, at time.Time) error {
	var later []asynq.Option
	if !at.IsZero() && time.Until(at) > 0 {
		later = append(later, asynq.ProcessAt(ceilSecond(at)))
	}
	return q.enqueue(ctx, TypeDeliver, a, a.TaskID(), taskTimeout, later...)
}

// enqueue queues a task of type typ with payload under id, on the
// deliveries queue. A task already queued under id is left as it is and
// reported as success.
func (q *Queue) enqueue(ctx context.Context, typ string, payload any, id string, timeout time.Duration, opts ...asynq.Option) error {
	body, _ := json.Marshal(payload)
	opts = append([]asynq.Option{asynq.Queue(Name), asynq.TaskID(id), asynq.MaxRetry(maxRetry), asynq.Timeout(timeout)}, opts...)
	_, err := q.client.EnqueueContext(ctx, asynq.NewTask(typ, body), opts...)
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("enqueue %s: %w", id, err)
	}
	return nil
}

// Many is the payload of a TypeDeliverMany task: first attempts of
// deliveries to one configuration. Each attempt is claimed on its own
// before it is made (see limiter), so an attempt also queued as a single
// task, by the recovery loop, still runs once.
type Many struct {
	Config     pulid.ID   `json:"c"`
	Deliveries []pulid.ID `json:"d"`
	// Traces are the W3C traceparents of the publishes, by delivery, when
	// tracing is on.
	Traces []string `json:"t,omitempty"`
	// HandOff counts how often the deliveries were handed on to a new
	// task by a worker that had made some of their attempts.
	HandOff int `json:"h,omitempty"`
}

// TaskID is the asynq task id of m. A delivery is in one task of each
// hand-off only.
func (m Many) TaskID() string {
	id := string(m.Deliveries[0]) + "/first-attempts"
	if m.HandOff > 0 {
		id += "/" + strconv.Itoa(m.HandOff)
	}
	return id
}

// ParseMany reads a TypeDeliverMany payload.
func ParseMany(payload []byte) (Many, error) {
	var m Many
	if err := json.Unmarshal(payload, &m); err != nil || m.Config == "" || len(m.Deliveries) == 0 || slices.Contains(m.Deliveries, "") {
		return Many{}, fmt.Errorf("bad first-attempts task payload %q", payload)
	}
	return m, nil
}

// EnqueueMany queues the first attempts of m's deliveries as one task.
func (q *Queue) EnqueueMany(ctx context.Context, m Many) error {
	return q.enqueue(ctx, TypeDeliverMany, m, m.TaskID(), manyTimeout)
}

// manyTimeout bounds a TypeDeliverMany task, which may wait for slots of a
// slow configuration between its requests. Its attempts are claimed and
// recorded one wave of requests at a time, so what a timeout interrupts
// is at most one wave.
const manyTimeout = 30 * time.Minute

// Resend is the payload of a TypeResend task.
type Resend struct {
	DeliveryID pulid.ID `json:"d"`
	// After is the delivery's attempt count when the resend was asked for;
	// it makes asking twice in a row one resend, not two.
	After int `json:"a"`
}

// ParseResend reads a TypeResend payload.
func ParseResend(payload []byte) (Resend, error) {
	var r Resend
	if err := json.Unmarshal(payload, &r); err != nil || r.DeliveryID == "" {
		return Resend{}, fmt.Errorf("bad resend task payload %q", payload)
	}
	return r, nil
}

// EnqueueResend queues one manual attempt of a delivery.
func (q *Queue) EnqueueResend(ctx context.Context, r Resend) error {
	return q.enqueue(ctx, TypeResend, r, string(r.DeliveryID)+"/resend/"+strconv.Itoa(r.After), taskTimeout)
}

// Park queues a copy of t, a delivery task of the Name queue, on Parked
// to run at time at, and returns its task id. A copy parked already is
// left as it is.
func (q *Queue) Park(ctx context.Context, t *asynq.Task, id string, at time.Time) (string, error) {
	timeout := taskTimeout
	if t.Type() == TypeDeliverMany {
		timeout = manyTimeout
	}
	id += "/parked"
	_, err := q.client.EnqueueContext(ctx, asynq.NewTask(t.Type(), t.Payload()), asynq.Queue(Parked), asynq.TaskID(id),
		asynq.MaxRetry(maxRetry), asynq.Timeout(timeout), asynq.ProcessAt(ceilSecond(at)))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return "", fmt.Errorf("park %s: %w", id, err)
	}
	return id, nil
}

// ErrRunning is Wake's answer for a task still running: handed back an
// instant ago, it is not yet in line to be retried.
var ErrRunning = errors.New("task still running")

// Wake runs the parked task id now, at the back of Parked's line. A task
// that is gone or in line already is left as it is.
func (q *Queue) Wake(id string) error {
	err := q.inspector.RunTask(Parked, id)
	switch {
	case err == nil, errors.Is(err, asynq.ErrTaskNotFound), errors.Is(err, asynq.ErrQueueNotFound):
		return nil
	case strings.Contains(err.Error(), "already in pending state"):
		return nil
	case strings.Contains(err.Error(), "already running"):
		// asynq gives these two states no error values of their own.
		return ErrRunning
	}
	return fmt.Errorf("wake %s: %w", id, err)
}

// maxOrphanPages bounds one Orphaned call (500 active tasks a page), and
// one Parked call for each state of a task.
const maxOrphanPages = 20

// Parked returns the attempts (named as Attempt.TaskID names them) that
// wait on the Parked queue, or run from it in a live worker. The recovery
// loop leaves them alone: they run by themselves, and queued again they
// would only stand in line before other accounts' new work.
func (q *Queue) Parked() (map[string]bool, error) {
	out := map[string]bool{}
	lists := []func(string, ...asynq.ListOption) ([]*asynq.TaskInfo, error){
		q.inspector.ListScheduledTasks, q.inspector.ListRetryTasks, q.inspector.ListPendingTasks, q.inspector.ListActiveTasks,
	}
	for _, list := range lists {
		for page := 1; page <= maxOrphanPages; page++ {
			tasks, err := list(Parked, asynq.PageSize(500), asynq.Page(page))
			if errors.Is(err, asynq.ErrQueueNotFound) {
				return out, nil
			}
			if err != nil {
				return nil, fmt.Errorf("list parked tasks: %w", err)
			}
			for _, t := range tasks {
				if !t.IsOrphaned {
					addAttempts(out, t.Type, t.Payload)
				}
			}
			if len(tasks) < 500 {
				break
			}
		}
	}
	return out, nil
}

// addAttempts adds the attempts a task of type typ carries to set.
func addAttempts(set map[string]bool, typ string, payload []byte) {
	switch typ {
	case TypeDeliver:
		if a, err := ParseAttempt(payload); err == nil {
			a.Rescue = false
			set[a.TaskID()] = true
		}
	case TypeDeliverMany:
		if m, err := ParseMany(payload); err == nil {
			for _, id := range m.Deliveries {
				set[Attempt{DeliveryID: id, Number: 1}.TaskID()] = true
			}
		}
	}
}

// Orphaned returns the ids of delivery tasks left active by a worker that
// died: their lease ran out (live workers renew theirs every few seconds).
// asynq itself requeues them only a minute or two later.
func (q *Queue) Orphaned() (map[string]bool, error) {
	out := map[string]bool{}
	for page := 1; page <= maxOrphanPages; page++ {
		tasks, err := q.inspector.ListActiveTasks(Name, asynq.PageSize(500), asynq.Page(page))
		if errors.Is(err, asynq.ErrQueueNotFound) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("list active tasks: %w", err)
		}
		for _, t := range tasks {
			if t.IsOrphaned {
				out[t.ID] = true
			}
		}
		if len(tasks) < 500 {
			break
		}
	}
	return out, nil
}

// ceilSecond rounds t up to a whole second. asynq keeps process-at times in
// whole Unix seconds, dropping the fraction, which would run a retry up to a
// second early; rounded up, it runs at most a second late, never early.
func ceilSecond(t time.Time) time.Time {
	if s := t.Truncate(time.Second); !s.Equal(t) {
		return s.Add(time.Second)
	}
	return t
}

// Inspector reads the queue's state (for metrics); Close closes it.
func (q *Queue) Inspector() *asynq.Inspector { return q.inspector }
