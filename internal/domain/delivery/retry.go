package delivery

import (
	"math/rand/v2"
	"net/http"
	"slices"
	"time"

	"github.com/ferryhq/ferry/ent"
	entdelivery "github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/deliveryattempt"
	"github.com/ferryhq/ferry/internal/adapter/sender"
	"github.com/ferryhq/ferry/internal/adapter/sqlstore"
)

// The retry policy: where each attempt leaves its delivery.
//
//   - A 2xx answer: SUCCEEDED.
//   - An automatic attempt that failed: RETRYING, the next attempt after the
//     configuration's retrySchedule delay for this attempt, jittered ±20 %,
//     or after the receiver's Retry-After, clamped to [delay, 2 × delay].
//     FAILED once the schedule is used up, or at once on 410 Gone, which
//     also switches the configuration off.
//   - A manual resend that failed: the automatic attempts still to come
//     keep their time (RETRYING); a delivery that had ended stays FAILED.
//   - A ping or a test event that failed: FAILED; neither is retried.
//   - An automatic attempt Ferry cut off itself (a worker shutting down):
//     RETRYING, again after interruptedDelay, even when it was the last of
//     the schedule: it told nothing of the receiver.

// interruptedDelay is how soon an interrupted attempt is made again: long
// enough for another worker to take the task, short for the receiver.
const interruptedDelay = time.Second

// jitterFraction spreads retries ±20 % so a receiver that comes back is not
// hit by every waiting delivery at once.
const jitterFraction = 0.2

// outcome is where attempt a, sent to cfg, leaves its delivery.
func (s *Service) outcome(cfg *ent.Configuration, a *attempt) sqlstore.Outcome {
	if a.res.OK() {
		return sqlstore.Outcome{Status: entdelivery.StatusSUCCEEDED}
	}
	switch a.trigger {
	case deliveryattempt.TriggerAUTOMATIC:
		if a.res.ErrorKind == sender.ErrInterrupted {
			return sqlstore.Outcome{Status: entdelivery.StatusRETRYING, Next: s.now().Add(interruptedDelay)}
		}
		if delay, ok := nextDelay(cfg.RetrySchedule, a.number, a.res.RetryAfter, rand.Float64()*2-1); ok && !gone(a.res) {
			return sqlstore.Outcome{Status: entdelivery.StatusRETRYING, Next: s.now().Add(delay)}
		}
	case deliveryattempt.TriggerMANUAL:
		if waiting(a.d.Status) {
			next := s.now()
			if a.d.NextAttemptAt != nil && a.d.NextAttemptAt.After(next) {
				next = *a.d.NextAttemptAt
			}
			return sqlstore.Outcome{Status: entdelivery.StatusRETRYING, Next: next}
		}
	}
	return sqlstore.Outcome{Status: entdelivery.StatusFAILED}
}

// gone reports a receiver's 410 Gone: it wants no more deliveries.
func gone(res sender.Result) bool { return res.StatusCode == http.StatusGone }

// nextDelay returns how long to wait before the attempt after attempt n
// (counted from 1) failed, or false when the schedule is used up. jitter is in
// [-1, 1]. A Retry-After from the receiver replaces the jittered delay, clamped
// between the scheduled delay and twice it.
func nextDelay(schedule []int, n int, retryAfter time.Duration, jitter float64) (time.Duration, bool) {
	if n < 1 || n > len(schedule) {
		return 0, false
	}
	base := time.Duration(schedule[n-1]) * time.Second
	if retryAfter > 0 {
		return min(max(retryAfter, base), 2*base), true
	}
	return base + time.Duration(float64(base)*jitterFraction*jitter), true
}

// waiting reports whether a delivery in status has attempts to come.
func waiting(status entdelivery.Status) bool { return slices.Contains(sqlstore.Waiting, status) }
