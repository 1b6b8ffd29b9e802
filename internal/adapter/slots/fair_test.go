package slots_test

import (
	"slices"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/adapter/slots"
)

// newFair is a Fair of 110 units, 10 of them the reserve (an allowance of
// one unit per account), on a clock the test moves.
func newFair() (*slots.Fair, *time.Time) {
	f := slots.NewFair(110, 10)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	slots.SetClock(f, func() time.Time { return now })
	return f, &now
}

// An account alone takes all but the reserve; each other account still
// gets its allowance out of the reserve at once.
func TestFairAccountAloneTakesAllButTheReserve(t *testing.T) {
	t.Parallel()
	f, _ := newFair()
	if got := f.Take("acc_a", 200); got != 100 {
		t.Fatalf("an account alone got %d of 200 units, want 100: all but the reserve", got)
	}
	if got := f.Take("acc_a", 1); got != 0 {
		t.Errorf("an account holding all but the reserve got %d more, want 0", got)
	}
	for _, acc := range []string{"acc_b", "acc_c"} {
		if got := f.Take(acc, 1); got != 1 {
			t.Errorf("%s, holding nothing, got %d units out of the reserve, want its allowance, 1", acc, got)
		}
	}
	if held, total := f.Held("acc_a"); held != 100 || total != 102 {
		t.Errorf("held %d of %d in all, want 100 of 102", held, total)
	}
}

// While another account waits, an account may take no more than an equal
// share; what it gives back wakes the waiting account's tickets, oldest
// first, and once nobody waits it may take all again.
func TestFairSharesEquallyWhileAnotherAccountWaits(t *testing.T) {
	t.Parallel()
	f, now := newFair()
	f.Take("acc_a", 100)
	f.Take("acc_b", 1)
	if got := f.Take("acc_b", 10); got > 1 {
		t.Fatalf("the shared part is A's: B got %d units beyond its allowance, want at most the one A's allowance left", got)
	}
	until := now.Add(5 * time.Second)
	f.Park("acc_b", "task-1", until)
	f.Park("acc_b", "task-2", until)

	if got := f.Take("acc_a", 1); got != 0 {
		t.Errorf("A, above its share while B waits, got %d more units", got)
	}
	if woken := f.Give("acc_a", 1); !slices.Equal(woken, []string{"task-1"}) {
		t.Errorf("a unit A gave back woke %q, want B's oldest ticket task-1", woken)
	}
	if got := f.Take("acc_b", 1); got != 1 {
		t.Errorf("B, woken, got %d units, want 1", got)
	}
	if woken := f.Give("acc_a", 49); !slices.Equal(woken, []string{"task-2"}) {
		t.Errorf("49 units A gave back woke %q, want B's other ticket only", woken)
	}
	if got := f.Take("acc_a", 10); got != 0 {
		t.Errorf("A, at its share of 50 while B waits, got %d more units", got)
	}
	if got := f.Take("acc_b", 100); got != 47 {
		t.Errorf("B got %d units, want 47: its share, 50, less the 3 it holds", got)
	}

	*now = now.Add(6 * time.Second) // B's tickets are stale, and A and B were turned away long ago
	f.Give("acc_b", 50)
	if got := f.Take("acc_a", 100); got != 50 {
		t.Errorf("with nobody waiting, A got %d more units, want the 50 left of all but the reserve", got)
	}
}

// A unit given back wakes the ticket of the account holding the fewest
// among those that may take it, and never a stale ticket (its task has
// come back by itself).
func TestFairWakesTheAccountHoldingTheFewest(t *testing.T) {
	t.Parallel()
	f, now := newFair()
	f.Take("acc_a", 60)
	f.Take("acc_b", 21)
	f.Take("acc_c", 6)
	f.Park("acc_b", "b-1", now.Add(5*time.Second))
	f.Park("acc_c", "c-1", now.Add(5*time.Second))
	f.Park("acc_d", "d-stale", now.Add(time.Second))
	*now = now.Add(2 * time.Second)
	woken := f.Give("acc_a", 20)
	if !slices.Equal(woken, []string{"c-1", "b-1"}) {
		t.Errorf("20 units given back woke %q, want C's ticket, then B's: C holds fewer units; never D's stale one", woken)
	}
}
