package worker

import "time"

// jitterFraction spreads retries ±20 % so a receiver that comes back is not
// hit by every waiting delivery at once.
const jitterFraction = 0.2

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
