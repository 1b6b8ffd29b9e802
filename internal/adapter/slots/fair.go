package slots

import (
	"slices"
	"sync"
	"time"
)

// Fair shares a capacity of one process (its delivery handlers, or its
// outbound requests) among accounts, so that no account can hold all of
// it while another has work:
//
//   - Each account may take a few units (the allowance) whenever any is
//     free, so that one with no work running starts at once even while
//     another holds the rest. The reserve is kept free for that.
//   - Beyond its allowance, an account may take units out of the shared
//     part (the capacity but the reserve) up to its share: as many units
//     as the shared part has while no other account is waiting, an equal
//     part of them, among the accounts holding units or waiting, while
//     some other is.
//   - An account turned away counts as waiting for a little while, and for
//     as long as it has tickets lined up (Park). Units given back wake the
//     oldest ticket of the account that holds the fewest among those that
//     may now take a unit.
//
// Units are only ever refused, never taken back: an account above its
// share keeps what it holds until it gives it back.
type Fair struct {
	capacity  int
	shared    int // units beyond the allowances; the rest is the reserve
	allowance int
	now       func() time.Time

	mu       sync.Mutex
	total    int
	beyond   int                     // units held beyond allowances
	accounts map[string]*fairAccount // holding units, or waiting
	sweptAt  time.Time               // when forget last ran
}

// fairAccount is one account's part of a Fair.
type fairAccount struct {
	held int
	// waitingUntil is when an account turned away stops counting as
	// waiting, unless it has tickets left.
	waitingUntil time.Time
	tickets      []ticket // oldest first
}

// ticket names work handed back to wait for a unit, until it is stale.
type ticket struct {
	id    string
	until time.Time
}

// Tunables of Fair. turnedAwayWaits is how long an account turned away
// without a ticket still counts as waiting: its work comes back sooner.
// Accounts that no longer hold or wait are forgotten every sweepEvery.
const (
	turnedAwayWaits = 2 * time.Second
	maxTickets      = 10_000 // per account; older ones wait for their own timers
	sweepEvery      = 100 * time.Millisecond
)

// NewFair shares capacity units, reserve of them kept free for allowances
// of a tenth of the reserve (at least one unit) per account.
func NewFair(capacity, reserve int) *Fair {
	reserve = min(max(reserve, 0), capacity-1)
	return &Fair{capacity: capacity, shared: capacity - reserve, allowance: max(1, reserve/10),
		now: time.Now, accounts: map[string]*fairAccount{}}
}

// Take gives account up to want units and reports how many it gave. An
// account given fewer than it wanted counts as waiting.
func (f *Fair) Take(account string, want int) int {
	if want <= 0 {
		return 0
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	a := f.accounts[account]
	if a == nil {
		a = &fairAccount{}
		f.accounts[account] = a
	}
	got := f.grant(account, a, want, now)
	f.add(a, got)
	if got < want {
		a.waitingUntil = now.Add(turnedAwayWaits)
	}
	return got
}

// Give takes back n units of account. It returns the tickets to wake: at
// most one per unit, each of an account that may take a unit now.
func (f *Fair) Give(account string, n int) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.accounts[account]
	if a == nil || n <= 0 {
		return nil
	}
	f.add(a, -min(n, a.held))
	now := f.now()
	wake := f.wake(n, now)
	if a.held == 0 && !a.waiting(now) {
		delete(f.accounts, account)
	}
	if now.Sub(f.sweptAt) >= sweepEvery {
		f.forget(now)
		f.sweptAt = now
	}
	return wake
}

// Room reports whether account may take a unit now. One that may not
// counts as waiting, as if turned away by Take.
func (f *Fair) Room(account string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	a := f.accounts[account]
	if a == nil {
		a = &fairAccount{}
	}
	if f.grant(account, a, 1, now) > 0 {
		return true
	}
	a.waitingUntil = now.Add(turnedAwayWaits)
	f.accounts[account] = a
	return false
}

// Park lines up ticket id for account, which was turned away, until it is
// stale (its work comes back by itself then). Give wakes it.
func (f *Fair) Park(account, id string, until time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.accounts[account]
	if a == nil {
		a = &fairAccount{}
		f.accounts[account] = a
	}
	if len(a.tickets) >= maxTickets {
		a.tickets = slices.Delete(a.tickets, 0, 1)
	}
	a.tickets = append(a.tickets, ticket{id: id, until: until})
}

// Held reports how many units account holds, and all accounts together.
func (f *Fair) Held(account string) (held, total int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if a := f.accounts[account]; a != nil {
		held = a.held
	}
	return held, f.total
}

// grant is how many of want units account (holding a) may take now: its
// allowance, then what its share (of all it holds) and the shared part
// (beyond allowances) leave it.
func (f *Fair) grant(account string, a *fairAccount, want int, now time.Time) int {
	free := f.capacity - f.total
	own := min(want, free, max(0, f.allowance-a.held))
	want, free = want-own, free-own
	if want == 0 || free == 0 {
		return own
	}
	share := f.shared
	if f.othersWaiting(account, now) {
		share = f.shared / f.active(account, now)
	}
	return own + max(0, min(want, free, share-a.held-own, f.shared-f.beyond))
}

// add counts k more units (fewer when negative) held by a.
func (f *Fair) add(a *fairAccount, k int) {
	f.beyond -= max(0, a.held-f.allowance)
	a.held += k
	f.total += k
	f.beyond += max(0, a.held-f.allowance)
}

// othersWaiting reports whether an account other than account is waiting.
func (f *Fair) othersWaiting(account string, now time.Time) bool {
	for name, a := range f.accounts {
		if name != account && a.waiting(now) {
			return true
		}
	}
	return false
}

// active counts the accounts holding units or waiting, account included.
func (f *Fair) active(account string, now time.Time) int {
	n := 0
	if a := f.accounts[account]; a == nil || (a.held == 0 && !a.waiting(now)) {
		n++
	}
	for _, a := range f.accounts {
		if a.held > 0 || a.waiting(now) {
			n++
		}
	}
	return n
}

// wake picks up to n tickets, one at a time from the account that holds
// the fewest among those with a ticket that may take a unit now. Each pick
// counts as held while the next is chosen, so n units wake n tickets at
// most and no account more than it may take.
func (f *Fair) wake(n int, now time.Time) []string {
	var (
		woken  []string
		picked = map[*fairAccount]int{}
	)
	for range n {
		var best *fairAccount
		for name, a := range f.accounts {
			a.dropStale(now)
			if len(a.tickets) == 0 || f.grant(name, a, 1, now) == 0 {
				continue
			}
			if best == nil || a.held < best.held {
				best = a
			}
		}
		if best == nil {
			break
		}
		woken = append(woken, best.tickets[0].id)
		best.tickets = best.tickets[1:]
		f.add(best, 1)
		picked[best]++
	}
	for a, k := range picked {
		f.add(a, -k)
	}
	return woken
}

// forget drops the accounts that hold nothing and wait for nothing.
func (f *Fair) forget(now time.Time) {
	for name, a := range f.accounts {
		a.dropStale(now)
		if a.held == 0 && !a.waiting(now) {
			delete(f.accounts, name)
		}
	}
}

// waiting reports whether a has work waiting: it was turned away a moment
// ago, or has tickets lined up.
func (a *fairAccount) waiting(now time.Time) bool {
	return now.Before(a.waitingUntil) || (len(a.tickets) > 0 && now.Before(a.tickets[len(a.tickets)-1].until))
}

// dropStale drops the tickets whose work has come back by itself.
func (a *fairAccount) dropStale(now time.Time) {
	i := 0
	for i < len(a.tickets) && !now.Before(a.tickets[i].until) {
		i++
	}
	if i > 0 {
		a.tickets = slices.Delete(a.tickets, 0, i)
	}
}
