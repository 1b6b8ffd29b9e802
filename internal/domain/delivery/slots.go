package delivery

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/internal/adapter/queue"
	"github.com/ferryhq/ferry/internal/adapter/slots"
)

// Everything a configuration's maxParallel shapes is here: how many of its
// requests are out at once across every worker (its slots), how many
// handlers of one process wait for them, and the size of a wave.

// ErrSlotBusy hands a task back while its configuration is at maxParallel.
// It is neither an attempt nor a failure.
var ErrSlotBusy = errors.New("configuration at maxParallel")

// leaseSlack keeps a slot a little longer than the request may take.
const leaseSlack = 15 * time.Second

// slotWait is how long a handler waits for one of its configuration's
// slots before handing its task back; a release of a slot wakes it. At most
// maxParallel handlers of a process wait for one configuration, so a busy
// one cannot hold every handler (BENCHMARKS.md, slow-receivers).
const slotWait = 2 * time.Second

// leaseTTL is how long a slot of cfg is held at most: its request timeout
// and some slack.
func leaseTTL(cfg *ent.Configuration) time.Duration {
	return time.Duration(cfg.TimeoutSeconds)*time.Second + leaseSlack
}

// claimAll claims the attempts of wave, so no other worker makes them
// while this one does; the claims last until the attempts are recorded.
func (s *Service) claimAll(ctx context.Context, cfg *ent.Configuration, wave []queue.Attempt) (slots.Taken, error) {
	ids := make([]string, len(wave))
	for i, a := range wave {
		ids[i] = claimID(a)
	}
	return s.Slots.Claim(ctx, string(cfg.ID), ids, leaseTTL(cfg)+slotWait)
}

// claimID names the claim of an attempt.
func claimID(a queue.Attempt) string {
	return string(a.DeliveryID) + "/" + fmt.Sprint(a.Number)
}

// waitSlots waits for up to len(group) slots of cfg for the claimed
// attempts of group and returns how many it got.
func (s *Service) waitSlots(ctx context.Context, cfg *ent.Configuration, group []*slots.Lease) (int, error) {
	return s.Slots.WaitSlots(ctx, string(cfg.ID), group, cfg.MaxParallel, leaseTTL(cfg), slotWait, cfg.MaxParallel)
}

// slot takes one slot of cfg for a request that is no automatic attempt
// (a queued manual resend).
func (s *Service) slot(ctx context.Context, cfg *ent.Configuration) (*slots.Lease, error) {
	taken, err := s.Slots.Wait(ctx, string(cfg.ID), []string{slots.UnnamedID()}, cfg.MaxParallel, leaseTTL(cfg), slotWait, cfg.MaxParallel)
	if err != nil {
		return nil, err
	}
	if len(taken.Leases) == 0 {
		return nil, ErrSlotBusy
	}
	return taken.Leases[0], nil
}

// sortOut splits as, in order, by what claimed says of each: the attempts
// claimed, and those still to be made, which were not looked at. Attempts
// claimed elsewhere are in neither: they are that worker's to make.
func sortOut(as []queue.Attempt, claimed slots.Taken) (granted, rest []queue.Attempt) {
	got := make(map[string]bool, len(claimed.Leases)+len(claimed.Held))
	for _, l := range claimed.Leases {
		got[l.ID] = true
	}
	for _, id := range claimed.Held {
		got[id] = false
	}
	for _, a := range as {
		switch ok, seen := got[claimID(a)]; {
		case !seen:
			rest = append(rest, a)
		case ok:
			granted = append(granted, a)
		}
	}
	return granted, rest
}
