package delivery

import (
	"math"
	"time"

	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/slots"
)

// shares keeps one account from taking a worker process's capacity from
// the others: its handlers and its outbound requests are each shared by a
// slots.Fair. A task whose account may not take a handler, or a request,
// is handed back as *AccountBusy; the worker parks it until a unit its
// account may take is given back (announced on wakes) or its timer runs out.
type shares struct {
	handlers *slots.Fair
	requests *slots.Fair
	wakes    chan string
}

// newShares shares concurrency handlers, plus HandlerReserve more kept for
// accounts with next to nothing running, and requests outbound requests, a
// tenth of them kept back likewise (0: no cap).
func newShares(concurrency, requests int) *shares {
	if requests <= 0 {
		requests = math.MaxInt32
	}
	reserve := HandlerReserve(concurrency)
	return &shares{
		handlers: slots.NewFair(concurrency+reserve, reserve),
		requests: slots.NewFair(requests, requests/10),
		wakes:    make(chan string, 1024),
	}
}

// HandlerReserve is how many handlers a worker runs beyond its
// concurrency: they pick up the tasks of accounts with nothing running
// while others hold every handler.
func HandlerReserve(concurrency int) int { return max(2, concurrency/10) }

// AccountBusy hands a task back because its account holds its share of
// this process's handlers or requests.
type AccountBusy struct {
	pool    *slots.Fair
	account string
}

func (e *AccountBusy) Error() string { return "account holds its share of this worker" }

// Park lines up the parked task id to be woken when its account may go on,
// or at until.
func (e *AccountBusy) Park(id string, until time.Time) { e.pool.Park(e.account, id, until) }

// admit takes one of this process's handlers for account, or says why not:
// no handler, or no request it could make. done gives the handler back.
func (sh *shares) admit(account pulid.ID) (done func(), err error) {
	if !sh.requests.Room(string(account)) {
		return nil, &AccountBusy{pool: sh.requests, account: string(account)}
	}
	if sh.handlers.Take(string(account), 1) == 0 {
		return nil, &AccountBusy{pool: sh.handlers, account: string(account)}
	}
	return func() { sh.wake(sh.handlers.Give(string(account), 1)) }, nil
}

// takeRequests takes up to n outbound requests for account and reports
// how many it got.
func (sh *shares) takeRequests(account pulid.ID, n int) int {
	return sh.requests.Take(string(account), n)
}

// giveRequests gives back k requests of account.
func (sh *shares) giveRequests(account pulid.ID, k int) {
	sh.wake(sh.requests.Give(string(account), k))
}

// busyRequests is the error of a task whose account has its share of
// requests out.
func (sh *shares) busyRequests(account pulid.ID) error {
	return &AccountBusy{pool: sh.requests, account: string(account)}
}

// wake announces parked tasks to wake; should the line be full, they run
// on their own timers.
func (sh *shares) wake(ids []string) {
	for _, id := range ids {
		select {
		case sh.wakes <- id:
		default:
		}
	}
}
